package io.lianmai.bench.live;

import io.lianmai.codec.flv.FlvAudioTagHeader;
import io.lianmai.codec.flv.FlvVideoTagHeader;
import io.lianmai.live.amf.Amf0EcmaArray;
import io.lianmai.live.amf.Amf0Encoder;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.live.rtmp.RtmpMessageType;
import io.lianmai.live.rtmp.RtmpPushClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * An RTMP anchor as a mini program's live-pusher is one: a synthetic camera whose pictures carry their send time in a
 * {@link TimestampBarcode}, H.264 from libopenh264 with an IDR every {@link Settings#gopMillis()}, a 440 Hz tone in
 * AAC, and metadata, pushed in real time on one thread of its own through a connected {@link RtmpPushClient}.
 *
 * <p>Each picture is stamped just before it is encoded, so a viewer's figure includes the encode. The RTMP timestamp
 * of a picture is its stamp minus the start; audio is timed by its sample count from the same start.
 */
final class RtmpAnchor implements AutoCloseable {
    /**
     * What the anchor sends.
     *
     * @param width     picture width, at least {@link TimestampBarcode#WIDTH}, even
     * @param height    picture height, at least {@link TimestampBarcode#HEIGHT}, even
     * @param fps       pictures per second
     * @param bitrate   H.264 bit rate in bit/s
     * @param gopMillis time between IDRs
     */
    record Settings(int width, int height, int fps, int bitrate, int gopMillis) {
        /** A mini program's live-pusher in its "SD" mode: 640×360 at 30 fps, 1 Mbit/s, a 1 s GOP. */
        static final Settings DEFAULT = new Settings(640, 360, 30, 1_000_000, 1000);

        Settings {
            if (width < TimestampBarcode.WIDTH || height < TimestampBarcode.HEIGHT || width % 2 != 0
                    || height % 2 != 0 || fps < 1 || fps > 60 || bitrate < 100_000 || gopMillis < 100) {
                throw new IllegalArgumentException("invalid anchor settings: " + width + "x" + height + " at " + fps
                        + " fps, " + bitrate + " bit/s, GOP " + gopMillis + " ms");
            }
        }

        int gopFrames() {
            return Math.max(1, gopMillis * fps / 1000);
        }
    }

    private final Settings settings;
    private final StampClock clock;
    private final RtmpPushClient client;
    private final LatencyRecorder encodeTimes;
    private final SendLog sendLog;
    private final Thread thread;
    private final byte[] y;
    private final byte[] u;
    private final byte[] v;
    private volatile long durationNanos;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private volatile long framesSent;
    private volatile long audioFramesSent;
    private volatile long videoBytes;
    private volatile long keyframes;

    /**
     * An anchor that will push over {@code client} (connected and published).
     *
     * @param encodeTimes receives stamp → encoded for each picture
     * @param sendLog     notes when each picture was handed to {@code client}
     */
    RtmpAnchor(Settings settings, StampClock clock, RtmpPushClient client, LatencyRecorder encodeTimes,
            SendLog sendLog) {
        this.settings = settings;
        this.clock = clock;
        this.client = client;
        this.encodeTimes = encodeTimes;
        this.sendLog = sendLog;
        this.y = new byte[settings.width() * settings.height()];
        this.u = new byte[y.length / 4];
        this.v = new byte[y.length / 4];
        this.thread = new Thread(this::run, "rtmp-anchor");
        this.thread.setDaemon(true);
    }

    /** Starts pushing for {@code durationMillis}, or until {@link #close()}. */
    void start(long durationMillis) {
        durationNanos = durationMillis * 1_000_000;
        thread.start();
    }

    private void run() {
        try (OpenH264Encoder video = new OpenH264Encoder(settings.width(), settings.height(), settings.fps(),
                settings.bitrate()); AacToneEncoder audio = new AacToneEncoder()) {
            long startNanos = System.nanoTime();
            long startMillis = clock.millis();
            client.sendMetadata(0, metadata());
            client.send(RtmpMessageType.AUDIO, 0, Unpooled.wrappedBuffer(
                    FlvAudioTagHeader.sequenceHeaderBody(AacToneEncoder.config())));
            long frameNanos = 1_000_000_000L / settings.fps();
            boolean sequenceHeaderSent = false;
            for (long frame = 0; !stopping; frame++) {
                long due = startNanos + frame * frameNanos;
                if (due - startNanos > durationNanos) {
                    break;
                }
                for (long wait; (wait = due - System.nanoTime()) > 0 && !stopping; ) {
                    LockSupport.parkNanos(wait);
                }
                if (!client.isActive()) {
                    throw new IllegalStateException("the RTMP connection closed", client.failure());
                }
                long elapsedNanos = System.nanoTime() - startNanos;
                while (audio.position() * 1_000_000_000L / AacToneEncoder.RATE <= elapsedNanos) {
                    audio.encodeNext(this::sendAudio);
                }
                paint(frame);
                long stamp = clock.millis();
                TimestampBarcode.paint(stamp, y, 0, settings.width());
                int length = video.encode(y, u, v, stamp - startMillis, frame % settings.gopFrames() == 0);
                double encoded = clock.exactMillis();
                if (length == 0) {
                    continue;
                }
                encodeTimes.onSample(encoded, encoded - stamp);
                if (!sequenceHeaderSent) {
                    if (video.sequenceHeader() == null) {
                        continue; // a decoder can do nothing with pictures before the first IDR
                    }
                    client.send(RtmpMessageType.VIDEO, stamp - startMillis, Unpooled.wrappedBuffer(
                            FlvVideoTagHeader.sequenceHeaderBody(video.sequenceHeader())));
                    sequenceHeaderSent = true;
                }
                ByteBuf body = Unpooled.wrappedBuffer(FlvVideoTagHeader.naluBody(video.isIdr(), 0,
                        video.accessUnit(), 0, length));
                sendLog.onSent(stamp, clock.exactMillis()); // first: a viewer may read the picture before send returns
                client.send(RtmpMessageType.VIDEO, stamp - startMillis, body);
                framesSent++;
                videoBytes += length;
                if (video.isIdr()) {
                    keyframes++;
                }
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void sendAudio(byte[] frame, int length, long ptsSamples) {
        long timestamp = Math.max(0, ptsSamples) * 1000 / AacToneEncoder.RATE;
        client.send(RtmpMessageType.AUDIO, timestamp, Unpooled.wrappedBuffer(
                FlvAudioTagHeader.rawBody(frame, 0, length)));
        audioFramesSent++;
    }

    private ByteBuf metadata() {
        Map<String, Amf0Value> properties = new LinkedHashMap<>();
        properties.put("width", Amf0Value.of(settings.width()));
        properties.put("height", Amf0Value.of(settings.height()));
        properties.put("framerate", Amf0Value.of(settings.fps()));
        properties.put("videocodecid", Amf0Value.of(FlvVideoTagHeader.CODEC_AVC));
        properties.put("videodatarate", Amf0Value.of(settings.bitrate() / 1000.0));
        properties.put("audiocodecid", Amf0Value.of(FlvAudioTagHeader.FORMAT_AAC));
        properties.put("audiosamplerate", Amf0Value.of(AacToneEncoder.RATE));
        properties.put("audiochannels", Amf0Value.of(1));
        properties.put("encoder", Amf0Value.of("Lianmai LiveLatency (libopenh264, FFmpeg aac)"));
        ByteBuf out = Unpooled.buffer();
        Amf0Encoder.encode(out, new Amf0String("onMetaData"), new Amf0EcmaArray(properties));
        return out;
    }

    /**
     * A moving picture, so that P-frames carry real motion: a diagonal gradient that scrolls and a bright bar that
     * sweeps across; the chroma drifts, except under the barcode (painted over the top left afterwards), which stays
     * grey so that a viewer reading RGB (a browser's canvas) sees pure black and white.
     */
    private void paint(long frame) {
        int w = settings.width();
        int h = settings.height();
        int bar = (int) ((frame * 8) % w);
        int shift = (int) frame * 2;
        for (int row = 0; row < h; row++) {
            int base = row * w;
            for (int col = 0; col < w; col++) {
                int value = col >= bar && col < bar + 24 ? 235 : 40 + ((row + col + shift) & 0x7F);
                y[base + col] = (byte) value;
            }
        }
        byte cb = (byte) (96 + (frame & 0x3F));
        byte cr = (byte) (160 - (frame & 0x3F));
        Arrays.fill(u, cb);
        Arrays.fill(v, cr);
        int chromaWidth = w / 2;
        for (int row = 0; row < TimestampBarcode.HEIGHT / 2; row++) {
            Arrays.fill(u, row * chromaWidth, row * chromaWidth + TimestampBarcode.WIDTH / 2, (byte) 128);
            Arrays.fill(v, row * chromaWidth, row * chromaWidth + TimestampBarcode.WIDTH / 2, (byte) 128);
        }
    }

    /** Pictures sent. */
    long framesSent() {
        return framesSent;
    }

    /** AAC frames sent. */
    long audioFramesSent() {
        return audioFramesSent;
    }

    /** H.264 bytes sent (access units). */
    long videoBytes() {
        return videoBytes;
    }

    /** IDRs sent. */
    long keyframes() {
        return keyframes;
    }

    /** Why the push ended early, or null. */
    Throwable failure() {
        return failure;
    }

    /** Whether the push thread has ended (its time is up, it failed, or it was closed). */
    boolean finished() {
        return !thread.isAlive();
    }

    /** Stops pushing (waits up to 5 s for the thread) and closes the RTMP connection politely. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
