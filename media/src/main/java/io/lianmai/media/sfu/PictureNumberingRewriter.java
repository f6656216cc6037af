package io.lianmai.media.sfu;

import io.lianmai.wire.vp8.Vp8PayloadDescriptor;

/**
 * Gives one subscriber of a VP8 track a continuous PictureID and TL0PICIDX (RFC 7741 §4.2) across the streams it is
 * forwarded in turn, as {@link RtpSequenceRewriter} does for sequence numbers and timestamps: each simulcast layer
 * is its own encoder with its own numbering (libwebrtc starts each at random), and a receiver finds a frame's
 * references by these numbers. Left as sent, a switch from the big layer to the small one made the player's VP8
 * reference finder meet, in one stream, the small layer's numbers after the big layer's: frames of the big layer
 * still on their way (repairs, frames waiting for a lost base frame) and the small layer's frames then look like the
 * same pictures, and once the small layer's TL0PICIDX reached values the big layer had used, Chromium took its frames
 * for ones already superseded and decoded nothing until its own keyframe request three seconds later (docs/media.md,
 * "Picture numbering across switches"). Every SFU rewrites these fields for the same reason.
 *
 * <p>Within one run of the {@link RtpSequenceRewriter} (one source, no restart), output = input + offset, modulo the
 * field's width; at a new run the offsets make its first picture follow the last one sent (PictureID + 1,
 * TL0PICIDX + 1: a switch happens at a keyframe, which is a base-layer frame). Packets without these fields pass
 * unchanged. Retransmissions get the offsets of their run ({@link #apply}); a repair of a packet from before a
 * switch is refused earlier ({@link RtpSequenceRewriter#isCurrentSource}).
 *
 * <p>Owned by the media thread; no allocation.
 */
final class Vp8PictureRewriter {
    private static final int PICTURE_MASK = 0x7FFF;
    private static final int HALF_PICTURE = 0x4000;
    private static final int TL0_MASK = 0xFF;
    private static final int HALF_TL0 = 0x80;
    private static final int NONE = -1;

    private long run = NONE;
    private int pictureOffset;
    private int tl0Offset;
    /** The newest PictureID sent (15-bit space), or NONE before the first. */
    private int lastPicture = NONE;
    /** The newest TL0PICIDX sent, or NONE before the first. */
    private int lastTl0 = NONE;

    /**
     * Rewrites the descriptor of a packet forwarded as part of {@code packetRun} ({@link RtpSequenceRewriter#run}),
     * in place; a new run takes new offsets from this packet.
     *
     * @param buf the packet's buffer
     * @param payloadOffset where its RTP payload (the descriptor) starts
     * @param payloadLength the payload's length
     */
    void rewrite(byte[] buf, int payloadOffset, int payloadLength, long packetRun) {
        int picture = Vp8PayloadDescriptor.pictureId(buf, payloadOffset, payloadLength);
        int tl0 = Vp8PayloadDescriptor.tl0PicIdx(buf, payloadOffset, payloadLength);
        if (packetRun != run) {
            run = packetRun;
            pictureOffset = picture < 0 || lastPicture == NONE ? 0 : (lastPicture + 1 - picture) & PICTURE_MASK;
            tl0Offset = tl0 < 0 || lastTl0 == NONE ? 0 : (lastTl0 + 1 - tl0) & TL0_MASK;
        }
        if (picture >= 0) {
            int out = (picture + pictureOffset) & PICTURE_MASK;
            Vp8PayloadDescriptor.setPictureId(buf, payloadOffset, payloadLength, out);
            if (lastPicture == NONE || isAhead(out, lastPicture, PICTURE_MASK, HALF_PICTURE)) {
                lastPicture = out;
            }
        }
        if (tl0 >= 0) {
            int out = (tl0 + tl0Offset) & TL0_MASK;
            Vp8PayloadDescriptor.setTl0PicIdx(buf, payloadOffset, payloadLength, out);
            if (lastTl0 == NONE || isAhead(out, lastTl0, TL0_MASK, HALF_TL0)) {
                lastTl0 = out;
            }
        }
    }

    /** Rewrites a retransmitted packet with the current run's offsets, changing nothing else. */
    void apply(byte[] buf, int payloadOffset, int payloadLength) {
        if (run == NONE) {
            return;
        }
        int picture = Vp8PayloadDescriptor.pictureId(buf, payloadOffset, payloadLength);
        if (picture >= 0) {
            Vp8PayloadDescriptor.setPictureId(buf, payloadOffset, payloadLength, (picture + pictureOffset) & PICTURE_MASK);
        }
        int tl0 = Vp8PayloadDescriptor.tl0PicIdx(buf, payloadOffset, payloadLength);
        if (tl0 >= 0) {
            Vp8PayloadDescriptor.setTl0PicIdx(buf, payloadOffset, payloadLength, (tl0 + tl0Offset) & TL0_MASK);
        }
    }

    /** Serial-number order (RFC 1982) in a field of {@code mask + 1} values. */
    private static boolean isAhead(int a, int b, int mask, int half) {
        int delta = (a - b) & mask;
        return delta != 0 && delta < half;
    }
}
