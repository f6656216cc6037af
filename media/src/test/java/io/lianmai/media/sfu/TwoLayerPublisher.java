package io.lianmai.media.sfu;

import io.lianmai.testkit.FakeClock;
import java.time.Duration;

/**
 * A simulcast publisher of two layers for the picture-continuity tests, on a fake clock: a frame on each layer every
 * 33 ms (the small one first), the media loop's tick every 20 ms, and a keyframe on the next frame of a layer the
 * server sends a PLI for (RFC 4585 §6.3.1). What a frame's packets hold is the test's ({@link Frames}).
 */
final class TwoLayerPublisher implements RtpSink {
    static final int SMALL = 0;
    static final int BIG = 1;

    /** Writes and sends one frame of a layer. */
    interface Frames {
        void frame(int layer, boolean keyframe, long timestamp, long nowMillis);
    }

    final FakeClock clock = new FakeClock();
    final byte[] scratch = Buffers.packetArray();
    /** The layers' SSRCs as the publisher sends them now. */
    final long[] ssrc;
    private final boolean[] keyframeAsked = {true, true};
    private Frames frames;
    private Publication publication;
    private long timestamp;

    TwoLayerPublisher(long smallSsrc, long bigSsrc) {
        this.ssrc = new long[] {smallSsrc, bigSsrc};
    }

    void start(Publication sendingTo, Frames writer) {
        this.publication = sendingTo;
        this.frames = writer;
    }

    /** The layer's next frame is a keyframe, as after an encoder restart. */
    void askKeyframe(int layer) {
        keyframeAsked[layer] = true;
    }

    /** {@code millis} of 30 fps frames on both layers and 20 ms media-loop ticks. */
    void run(long millis) {
        long end = clock.millis() + millis;
        long nextFrame = clock.millis();
        while (clock.millis() < end) {
            clock.advance(Duration.ofMillis(1));
            long now = clock.millis();
            if (now >= nextFrame) {
                nextFrame += 33;
                timestamp += 3000;
                for (int layer = SMALL; layer <= BIG; layer++) {
                    boolean keyframe = keyframeAsked[layer];
                    keyframeAsked[layer] = false;
                    frames.frame(layer, keyframe, timestamp, now);
                }
            }
            if (now % 20 == 0) {
                publication.tick(now, scratch);
            }
        }
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        if (len >= 12 && (buf[off + 1] & 0xFF) == 206 && (buf[off] & 0x1F) == 1) {
            long media = ((buf[off + 8] & 0xFFL) << 24) | ((buf[off + 9] & 0xFF) << 16)
                    | ((buf[off + 10] & 0xFF) << 8) | (buf[off + 11] & 0xFF);
            keyframeAsked[media == ssrc[SMALL] ? SMALL : BIG] = true;
        }
    }
}
