package io.lianmai.bench.live;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsType;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A WebRTC viewer of the anchor: Google's libwebrtc ({@link LibWebRtcPeer}, receive-only) playing the anchor's
 * {@code {userID}_main} over WHEP, reading the barcode from each decoded frame's I420 luma on libwebrtc's decoding
 * thread. libwebrtc hands a frame to its sink when its jitter buffer and render timing say it is due, so the figure
 * is what a screen would get, less the display itself.
 *
 * <p>Also reports libwebrtc's own view from {@code getStats()} at the end: mean jitter-buffer delay and decode time
 * per frame, frames dropped.
 */
final class WebRtcViewer implements LatencyViewer {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);
    private static final long RETRY_MILLIS = 100;

    private final String name;
    private final URI endpoint;
    private final String userSig;
    private final StampClock clock;
    private final LatencyRecorder latency;
    private final SendLog sendLog;
    private final LatencyRecorder afterSend = new LatencyRecorder("sent -> frame");
    private final byte[] code = new byte[TimestampBarcode.WIDTH * TimestampBarcode.HEIGHT];
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private final Thread thread;
    private volatile LibWebRtcPeer peer;
    private volatile URI session;
    private volatile boolean stopping;
    private volatile double requestedAt = Double.NaN;
    private volatile Throwable failure;
    private double warmupMillis;
    private boolean closed;

    /**
     * A viewer of the WHEP {@code endpoint} ({@code /whep?sdkAppID=…&roomID=…&userID=…&streamID=…}) that presents
     * {@code userSig} as its bearer token.
     */
    WebRtcViewer(String name, URI endpoint, String userSig, StampClock clock, SendLog sendLog) {
        this.name = name;
        this.sendLog = sendLog;
        this.endpoint = endpoint;
        this.userSig = userSig;
        this.clock = clock;
        this.latency = new LatencyRecorder(name);
        this.thread = new Thread(this::join, "webrtc-viewer");
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

    /** Negotiates over WHEP, retrying while the anchor's stream is not in the room yet (404). */
    private void join() {
        try {
            LibWebRtcPeer player = LibWebRtcPeer.player(false, this::onFrame);
            peer = player;
            String offer = player.createOffer();
            WhipClient whep = new WhipClient();
            long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
            while (!stopping) {
                double at = clock.exactMillis();
                WhipClient.Result result = whep.post(endpoint, userSig, offer);
                if (result.status() == 201) {
                    requestedAt = at;
                    latency.measureFrom(at + warmupMillis);
                    afterSend.measureFrom(at + warmupMillis);
                    session = result.location();
                    player.acceptAnswer(result.body());
                    return;
                }
                if (result.status() != 404 || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("WHEP POST " + endpoint + " answered " + result.status() + ": "
                            + result.body());
                }
                Thread.sleep(RETRY_MILLIS);
            }
        } catch (Throwable e) {
            if (!stopping) {
                failure = e;
            }
        }
    }

    /** On libwebrtc's decoding thread; the frame is released by the peer after this returns. */
    private void onFrame(VideoFrame frame) {
        double now = clock.exactMillis();
        long stamp = TimestampBarcode.INVALID;
        I420Buffer i420 = frame.buffer.toI420();
        try {
            if (i420.getWidth() >= TimestampBarcode.WIDTH && i420.getHeight() >= TimestampBarcode.HEIGHT) {
                ByteBuffer y = i420.getDataY();
                int stride = i420.getStrideY();
                for (int row = 0; row < TimestampBarcode.HEIGHT; row++) {
                    y.get(row * stride, code, row * TimestampBarcode.WIDTH, TimestampBarcode.WIDTH);
                }
                stamp = TimestampBarcode.read(code, 0, TimestampBarcode.WIDTH);
            }
        } finally {
            if (i420 != frame.buffer) {
                i420.release();
            }
        }
        latency.onPicture(now, stamp);
        if (stamp != TimestampBarcode.INVALID) {
            double sent = sendLog.sentAt(stamp);
            if (!Double.isNaN(sent)) {
                afterSend.onSample(now, now - sent);
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

    private void readStats(LibWebRtcPeer player) {
        for (RTCStats stats : player.stats()) {
            Map<String, Object> a = stats.getAttributes();
            if (stats.getType() != RTCStatsType.INBOUND_RTP || !"video".equals(a.get("kind"))) {
                continue;
            }
            double emitted = number(a.get("jitterBufferEmittedCount"));
            double decoded = number(a.get("framesDecoded"));
            if (emitted > 0) {
                figures.put("jitterBufferDelayMeanMs", 1000 * number(a.get("jitterBufferDelay")) / emitted);
                figures.put("jitterBufferTargetDelayMeanMs",
                        1000 * number(a.get("jitterBufferTargetDelay")) / emitted);
            }
            if (decoded > 0) {
                figures.put("decodeTimeMeanMs", 1000 * number(a.get("totalDecodeTime")) / decoded);
                figures.put("processingDelayMeanMs", 1000 * number(a.get("totalProcessingDelay")) / decoded);
            }
            figures.put("framesDecoded", decoded);
            figures.put("framesDropped", number(a.get("framesDropped")));
            figures.put("packetsLost", number(a.get("packetsLost")));
            figures.put("nackCount", number(a.get("nackCount")));
            figures.put("pliCount", number(a.get("pliCount")));
        }
        figures.put("audioChunks10ms", (double) player.audioChunksReceived());
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        try {
            thread.join(JOIN_TIMEOUT.toMillis() + 5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LibWebRtcPeer player = peer;
        if (player == null) {
            return;
        }
        try {
            readStats(player);
        } catch (RuntimeException | AssertionError e) {
            figures.put("statsUnavailable", 1.0);
        }
        URI location = session;
        if (location != null) {
            try {
                new WhipClient().delete(location);
            } catch (RuntimeException | AssertionError e) {
                // the session ends with the peer connection anyway
            }
        }
        player.close();
    }
}
