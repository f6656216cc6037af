package io.lianmai.bench.live;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.flv.FlvVideoTagHeader;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * An HTTP-FLV player as {@code flv.js} or a mini program's live-player is one, minus the screen: a plain HTTP GET,
 * FLV tags parsed as they arrive, H.264 decoded by FFmpeg at once, and each picture's barcode read.
 *
 * <p>Besides glass-to-glass (stamp → picture decoded) it records the steps it can see: {@code sent -> tag read} (the
 * anchor handed the picture to RTMP → the FLV tag's last byte read: RTMP, the node, HTTP), {@code tag read -> decoded}
 * (FFmpeg), and {@code paced}: what a simple player without latency control would show, one that starts rendering at
 * its first picture and then renders each picture at its FLV timestamp's offset from that one (or at once when it is
 * late, re-anchoring there, so a stall adds to its latency for good).
 *
 * <p>One thread of its own reads and decodes. While the stream is not live yet (404) the GET is retried every
 * {@value #RETRY_MILLIS} ms for at most {@link #JOIN_TIMEOUT}.
 */
final class FlvViewer implements LatencyViewer {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);
    private static final long RETRY_MILLIS = 100;
    private static final int MAX_TAG_BYTES = 8 * 1024 * 1024;
    private static final int TAG_AUDIO = 8;
    private static final int TAG_VIDEO = 9;

    private final String name;
    private final URI url;
    private final StampClock clock;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // as players fetch FLV; never an h2c upgrade
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final LatencyRecorder latency;
    private final SendLog sendLog;
    private final LatencyRecorder arrival = new LatencyRecorder("sent -> tag read");
    private final LatencyRecorder decode = new LatencyRecorder("tag read -> decoded");
    private final LatencyRecorder paced = new LatencyRecorder("paced");
    private final Thread thread;
    private final byte[] code = new byte[TimestampBarcode.WIDTH * TimestampBarcode.HEIGHT];
    private volatile boolean stopping;
    private volatile InputStream body;
    private volatile double requestedAt = Double.NaN;
    private volatile Throwable failure;
    private volatile long audioTags;
    private double warmupMillis;

    // Reader thread only.
    private byte[] tag = new byte[256 * 1024];
    private double tagArrivedAt;
    private double paceAnchorAt = Double.NaN;
    private long paceAnchorTimestamp;

    /** A viewer of {@code url} ({@code http://host:port/live/{stream}.flv[?lowlatency=1]}). */
    FlvViewer(String name, URI url, StampClock clock, SendLog sendLog) {
        this.name = name;
        this.url = url;
        this.clock = clock;
        this.sendLog = sendLog;
        this.latency = new LatencyRecorder(name);
        this.thread = new Thread(this::run, "flv-viewer");
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
        try (InputStream in = open()) {
            body = in;
            read(new DataInputStream(in));
        } catch (EOFException e) {
            if (!stopping) {
                failure = new IOException("the server ended the FLV stream early", e);
            }
        } catch (Throwable e) {
            if (!stopping) {
                failure = e;
            }
        }
    }

    /** GETs the stream, retrying while it is not live yet; returns the body once the answer is 200. */
    private InputStream open() throws IOException, InterruptedException {
        // The JVM's HTTP client takes ~0.1-0.5 s to start its first exchange on a busy machine: start it on a
        // stream that does not exist (404), so that the join time is the node's and the stream's, not the client's.
        http.send(HttpRequest.newBuilder(url.resolve("/live/latency-warm-up.flv")).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.discarding());
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build();
        while (true) {
            double at = clock.exactMillis();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 200) {
                requestedAt = at;
                measureFrom(at + warmupMillis);
                return response.body();
            }
            response.body().close();
            if (response.statusCode() != 404 || System.nanoTime() - deadline > 0 || stopping) {
                throw new IOException("GET " + url + " answered " + response.statusCode());
            }
            Thread.sleep(RETRY_MILLIS);
        }
    }

    private void measureFrom(double at) {
        latency.measureFrom(at);
        arrival.measureFrom(at);
        decode.measureFrom(at);
        paced.measureFrom(at);
    }

    private void read(DataInputStream in) throws IOException {
        byte[] header = new byte[9];
        in.readFully(header);
        if (header[0] != 'F' || header[1] != 'L' || header[2] != 'V') {
            throw new IOException("not an FLV stream");
        }
        in.skipNBytes(((header[5] & 0xFF) << 24 | (header[6] & 0xFF) << 16 | (header[7] & 0xFF) << 8
                | (header[8] & 0xFF)) - 9 + 4);
        FfmpegH264Decoder decoder = null;
        try {
            while (!stopping) {
                int type = in.readUnsignedByte() & 0x1F;
                int size = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                long timestamp = (long) in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8
                        | in.readUnsignedByte() | (long) in.readUnsignedByte() << 24;
                in.skipNBytes(3); // stream id
                if (size > MAX_TAG_BYTES) {
                    throw new IOException("FLV tag of " + size + " bytes");
                }
                if (size > tag.length) {
                    tag = new byte[size * 2];
                }
                in.readFully(tag, 0, size);
                in.skipNBytes(4); // previous tag size
                tagArrivedAt = clock.exactMillis();
                if (type == TAG_AUDIO) {
                    audioTags++;
                } else if (type == TAG_VIDEO && size > 0) {
                    decoder = onVideo(decoder, size, timestamp);
                }
            }
        } finally {
            if (decoder != null) {
                decoder.close();
            }
        }
    }

    private FfmpegH264Decoder onVideo(FfmpegH264Decoder decoder, int size, long timestamp) {
        FlvVideoTagHeader header;
        try {
            header = FlvVideoTagHeader.parse(tag, 0, size);
        } catch (CodecException e) {
            return decoder;
        }
        if (header.codecId() != FlvVideoTagHeader.CODEC_AVC) {
            return decoder;
        }
        int payload = FlvVideoTagHeader.AVC_LENGTH;
        if (header.avcPacketType() == FlvVideoTagHeader.AVC_SEQUENCE_HEADER) {
            if (decoder != null) {
                decoder.close();
            }
            return new FfmpegH264Decoder(AvcDecoderConfigurationRecord.parse(tag, payload, size - payload));
        }
        if (header.avcPacketType() == FlvVideoTagHeader.AVC_NALU && decoder != null) {
            decoder.decode(tag, payload, size - payload, timestamp + header.compositionTime(), this::onPicture);
        }
        return decoder;
    }

    private void onPicture(AVFrame picture) {
        long stamp = TimestampBarcode.INVALID;
        if (picture.width() >= TimestampBarcode.WIDTH && picture.height() >= TimestampBarcode.HEIGHT) {
            BytePointer y = picture.data(0);
            int stride = picture.linesize(0);
            for (int row = 0; row < TimestampBarcode.HEIGHT; row++) {
                y.position((long) row * stride).get(code, row * TimestampBarcode.WIDTH, TimestampBarcode.WIDTH);
            }
            stamp = TimestampBarcode.read(code, 0, TimestampBarcode.WIDTH);
        }
        double now = clock.exactMillis();
        latency.onPicture(now, stamp);
        if (stamp == TimestampBarcode.INVALID) {
            return;
        }
        double sent = sendLog.sentAt(stamp);
        if (!Double.isNaN(sent)) {
            arrival.onSample(now, tagArrivedAt - sent);
        }
        decode.onSample(now, now - tagArrivedAt);
        long timestamp = picture.pts();
        double shown;
        if (Double.isNaN(paceAnchorAt)) {
            shown = now;
            paceAnchorAt = now;
            paceAnchorTimestamp = timestamp;
        } else {
            double due = paceAnchorAt + (timestamp - paceAnchorTimestamp);
            shown = Math.max(now, due);
            if (now > due) {
                paceAnchorAt = now;
                paceAnchorTimestamp = timestamp;
            }
        }
        paced.onSample(now, shown - stamp);
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
        Map<String, LatencyRecorder> steps = new LinkedHashMap<>();
        steps.put(arrival.name(), arrival);
        steps.put(decode.name(), decode);
        steps.put(paced.name(), paced);
        return steps;
    }

    @Override
    public Map<String, Double> figures() {
        return Map.of("audioTags", (double) audioTags);
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(2000);
            InputStream in = body;
            if (thread.isAlive() && in != null) {
                in.close(); // unblocks a read that waits for a stalled stream
                thread.join(2000);
            }
        } catch (IOException e) {
            // closing: nothing more to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
