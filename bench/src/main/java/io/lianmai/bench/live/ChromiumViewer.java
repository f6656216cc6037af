package io.lianmai.bench.live;

import io.lianmai.testkit.HeadlessChromium;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A browser viewer: headless Chromium opens the node's own {@code whep.html} player, and a script added to the page
 * reads the barcode of every frame the {@code <video>} element gets ({@code requestVideoFrameCallback}, the frame
 * drawn to a canvas, luma from {@code getImageData}) and notes the page's wall-clock time then. This thread collects
 * the notes every {@value #POLL_MILLIS} ms.
 *
 * <p>The page's clock ({@code performance.timeOrigin + performance.now()}) and {@link StampClock} both follow the
 * system wall clock, so they agree to a millisecond or two.
 */
final class ChromiumViewer implements LatencyViewer {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 200;

    /** Installed in the page once it has loaded; keeps {@code [time, stamp or -1]} pairs in {@code __latency}. */
    private static final String READER = """
            const video = document.getElementById('remote');
            const W = %d, H = %d, BLOCK = %d, COLUMNS = %d;
            const canvas = document.createElement('canvas');
            canvas.width = W; canvas.height = H;
            const g = canvas.getContext('2d', {willReadFrequently: true});
            window.__latency = {samples: [], displayLead: 0, displayLeadCount: 0};
            function crc16(value) {
              let crc = 0xFFFF;
              for (let i = 5; i >= 0; i--) {
                crc ^= (Math.floor(value / 2 ** (8 * i)) %% 256) << 8;
                for (let b = 0; b < 8; b++) crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) : (crc << 1);
                crc &= 0xFFFF;
              }
              return crc;
            }
            function onFrame(now, meta) {
              const at = performance.timeOrigin + performance.now();
              let stamp = -1;
              if (video.videoWidth >= W && video.videoHeight >= H) {
                g.drawImage(video, 0, 0, W, H, 0, 0, W, H);
                const d = g.getImageData(0, 0, W, H).data;
                let value = 0, crc = 0;
                for (let bit = 0; bit < 64; bit++) {
                  const top = Math.floor(bit / COLUMNS) * BLOCK, left = (bit %% COLUMNS) * BLOCK;
                  let sum = 0;
                  for (let r = 4; r < 12; r++) {
                    for (let c = 4; c < 12; c++) {
                      const i = ((top + r) * W + left + c) * 4;
                      sum += 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
                    }
                  }
                  const one = sum / 64 > 127.5 ? 1 : 0;
                  if (bit < 48) value = value * 2 + one; else crc = crc * 2 + one;
                }
                if (crc === crc16(value)) stamp = value;
              }
              window.__latency.samples.push([at, stamp]);
              window.__latency.displayLead += meta.expectedDisplayTime - now;
              window.__latency.displayLeadCount++;
              video.requestVideoFrameCallback(onFrame);
            }
            video.requestVideoFrameCallback(onFrame);
            """.formatted(TimestampBarcode.WIDTH, TimestampBarcode.HEIGHT, TimestampBarcode.BLOCK,
            TimestampBarcode.COLUMNS);

    private final String name;
    private final URI page;
    private final StampClock clock;
    private final LatencyRecorder latency;
    private final SendLog sendLog;
    private final LatencyRecorder afterSend = new LatencyRecorder("sent -> frame");
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile double requestedAt = Double.NaN;
    private volatile Throwable failure;
    private double warmupMillis;

    /** A viewer of the player page {@code page} ({@code /whep.html?…&userSig=…}). */
    ChromiumViewer(String name, URI page, StampClock clock, SendLog sendLog) {
        this.name = name;
        this.sendLog = sendLog;
        this.page = page;
        this.clock = clock;
        this.latency = new LatencyRecorder(name);
        this.thread = new Thread(this::run, "chromium-viewer");
        this.thread.setDaemon(true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(double warmupMillis) {
        this.warmupMillis = warmupMillis;
        thread.start();
    }

    private void run() {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            double at = clock.exactMillis();
            browser.open(page.toString());
            browser.script(READER);
            requestedAt = at;
            latency.measureFrom(at + warmupMillis);
            afterSend.measureFrom(at + warmupMillis);
            long joinDeadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
            while (!stopping) {
                Thread.sleep(POLL_MILLIS);
                collect(browser);
                Object error = browser.script("return window.lastError || null");
                if (error != null) {
                    throw new IllegalStateException("whep.html: " + error + "; log " + browser.pageLog());
                }
                if (latency.pictures() == 0 && System.nanoTime() - joinDeadline > 0) {
                    throw new IllegalStateException("no frame in " + JOIN_TIMEOUT + "; log " + browser.pageLog());
                }
            }
            collect(browser);
            readStats(browser);
        } catch (Throwable e) {
            if (!stopping) {
                failure = e;
            }
        }
    }

    private void collect(HeadlessChromium browser) {
        Object notes = browser.script("return window.__latency.samples.splice(0)");
        if (notes instanceof List<?> list) {
            for (Object note : list) {
                if (note instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof Number time
                        && pair.get(1) instanceof Number stamp) {
                    long value = stamp.longValue() < 0 ? TimestampBarcode.INVALID : stamp.longValue();
                    latency.onPicture(time.doubleValue(), value);
                    double sent = value == TimestampBarcode.INVALID ? Double.NaN : sendLog.sentAt(value);
                    if (!Double.isNaN(sent)) {
                        afterSend.onSample(time.doubleValue(), time.doubleValue() - sent);
                    }
                }
            }
        }
    }

    private void readStats(HeadlessChromium browser) {
        Object lead = browser.script("const l = window.__latency; "
                + "return l.displayLeadCount ? l.displayLead / l.displayLeadCount : null");
        if (lead instanceof Number n) {
            figures.put("expectedDisplayAfterCallbackMeanMs", n.doubleValue());
        }
        Object stats = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                window.pc.getStats().then(report => {
                  let out = null;
                  report.forEach(s => {
                    if (s.type === 'inbound-rtp' && s.kind === 'video') out = {
                      jitterBufferDelayMeanMs: s.jitterBufferEmittedCount
                          ? 1000 * s.jitterBufferDelay / s.jitterBufferEmittedCount : null,
                      decodeTimeMeanMs: s.framesDecoded ? 1000 * s.totalDecodeTime / s.framesDecoded : null,
                      framesDecoded: s.framesDecoded, framesDropped: s.framesDropped, packetsLost: s.packetsLost};
                  });
                  done(out);
                }, () => done(null));
                """);
        if (stats instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() instanceof Number n) {
                    figures.put(entry.getKey().toString(), n.doubleValue());
                }
            }
        }
    }

    @Override
    public double requestedAt() {
        return requestedAt;
    }

    @Override
    public LatencyRecorder latency() {
        return latency;
    }

    @Override
    public Map<String, LatencyRecorder> breakdown() {
        return Map.of(afterSend.name(), afterSend);
    }

    @Override
    public Map<String, Double> figures() {
        return figures;
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(JOIN_TIMEOUT.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
