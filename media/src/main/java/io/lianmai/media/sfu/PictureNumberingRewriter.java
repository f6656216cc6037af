package io.lianmai.media.sfu;

import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.vp8.Vp8PayloadDescriptor;
import io.lianmai.wire.vp9.Vp9PayloadDescriptor;

/**
 * Gives one subscriber of a VP8 or VP9 track a continuous picture numbering — the payload descriptor's PictureID and
 * TL0PICIDX (VP8: RFC 7741 §4.2; VP9: RFC 9628 §4.2, TL0PICIDX in non-flexible mode with layer indices) — across
 * the streams it is forwarded in turn, as {@link RtpSequenceRewriter} does for sequence numbers and timestamps: each
 * simulcast layer is its own encoder with its own numbering (libwebrtc starts each at random), and a receiver finds a
 * frame's references by these numbers. Left as sent, a switch from the big layer to the small one made the player's
 * reference finder meet, in one stream, the small layer's numbers after the big layer's: frames of the big layer
 * still on their way (repairs, frames waiting for a lost base frame) and the small layer's frames then look like the
 * same pictures, and once the small layer's TL0PICIDX reached values the big layer had used, Chromium took its frames
 * for ones already superseded and decoded nothing until its own keyframe request three seconds later (docs/media.md,
 * "Picture numbering across switches"). libwebrtc's VP9 reference finder is hurt the same way: it keeps its
 * group-of-frames state per unwrapped TL0PICIDX and never replaces an entry it has, so a TL0PICIDX seen before
 * points the new layer's frames at the old layer's pictures. Every SFU rewrites these fields for the same reason.
 *
 * <p>Within one run of the {@link RtpSequenceRewriter} (one source, no restart), output = input + offset, modulo the
 * field's width; at a new run the offsets make its first picture follow the last one sent (PictureID + 1,
 * TL0PICIDX + 1: a switch happens at a keyframe, which is a base-layer frame). Packets without these fields pass
 * unchanged; VP9's P_DIFFs and scalability structure are relative to the PictureID and stay true. Retransmissions get
 * the offsets of their run ({@link #apply}); a repair of a packet from before a switch is refused earlier ({@link
 * RtpSequenceRewriter#isCurrentSource}).
 *
 * <p>7-bit PictureIDs (M = 0): a field keeps its width, since the packet's length must not change. libwebrtc's
 * receivers read either width into one 15-bit frame-id space and unwrap it as 15 bits (its VP8 and VP9 reference
 * finders); its own senders always send 15 bits, so a 7-bit PictureID comes from other encoders, and even unforwarded
 * its wrap from 127 to 0 is a step back there. This rewriter keeps one 15-bit counter per subscriber, and each packet
 * carries as many of its low bits as its field holds: a publisher sending only 7-bit ids gets continuity modulo
 * 2<sup>7</sup> (all its field can say), one sending 15-bit ids continuity modulo 2<sup>15</sup>, and with layers of
 * both widths each keeps its own width continuous (the 15-bit layer counting the pictures the 7-bit one had between).
 * The newest picture sent is therefore followed in the width of the field that carried it: compared in 15 bits, a
 * 7-bit id that wrapped would look older than the one before it, and the counter would stay behind.
 *
 * <p>One class for both codecs, with {@link Fields} naming where each codec's descriptor keeps the two numbers: the
 * logic is the same, and two copies would have had to be kept in step. The accessors are enum constants (no state, no
 * capture), so a packet costs two virtual calls per field and allocates nothing. Owned by the media thread.
 */
final class PictureNumberingRewriter {
    private static final int PICTURE_MASK = 0x7FFF;
    private static final int SHORT_PICTURE_MASK = 0x7F;
    private static final int TL0_MASK = 0xFF;
    private static final int NONE = -1;

    private final Fields fields;
    private long run = NONE;
    private int pictureOffset;
    private int tl0Offset;
    /** The newest PictureID sent (15-bit counter, of which a 7-bit field carries the low bits), or NONE. */
    private int lastPicture = NONE;
    /** The newest TL0PICIDX sent, or NONE before the first. */
    private int lastTl0 = NONE;

    private PictureNumberingRewriter(Fields fields) {
        this.fields = fields;
    }

    /** A rewriter for {@code codec}'s payload descriptor, or null for a codec whose descriptor has no such numbers. */
    static PictureNumberingRewriter forCodec(Codec codec) {
        return switch (codec) {
            case VP8 -> new PictureNumberingRewriter(Fields.VP8);
            case VP9 -> new PictureNumberingRewriter(Fields.VP9);
            default -> null;
        };
    }

    /**
     * Rewrites the descriptor of a packet forwarded as part of {@code packetRun} ({@link RtpSequenceRewriter#run}),
     * in place; a new run takes new offsets from this packet.
     *
     * @param buf the packet's buffer
     * @param payloadOffset where its RTP payload (the descriptor) starts
     * @param payloadLength the payload's length
     */
    void rewrite(byte[] buf, int payloadOffset, int payloadLength, long packetRun) {
        int picture = fields.pictureId(buf, payloadOffset, payloadLength);
        int tl0 = fields.tl0PicIdx(buf, payloadOffset, payloadLength);
        if (packetRun != run) {
            run = packetRun;
            pictureOffset = picture < 0 || lastPicture == NONE ? 0 : (lastPicture + 1 - picture) & PICTURE_MASK;
            tl0Offset = tl0 < 0 || lastTl0 == NONE ? 0 : (lastTl0 + 1 - tl0) & TL0_MASK;
        }
        if (picture >= 0) {
            int out = (picture + pictureOffset) & PICTURE_MASK;
            fields.setPictureId(buf, payloadOffset, payloadLength, out);
            int width = fields.hasLongPictureId(buf, payloadOffset, payloadLength) ? PICTURE_MASK : SHORT_PICTURE_MASK;
            lastPicture = newest(lastPicture, out, width, PICTURE_MASK);
        }
        if (tl0 >= 0) {
            int out = (tl0 + tl0Offset) & TL0_MASK;
            fields.setTl0PicIdx(buf, payloadOffset, payloadLength, out);
            lastTl0 = newest(lastTl0, out, TL0_MASK, TL0_MASK);
        }
    }

    /** Rewrites a retransmitted packet with the current run's offsets, changing nothing else. */
    void apply(byte[] buf, int payloadOffset, int payloadLength) {
        if (run == NONE) {
            return;
        }
        int picture = fields.pictureId(buf, payloadOffset, payloadLength);
        if (picture >= 0) {
            fields.setPictureId(buf, payloadOffset, payloadLength, (picture + pictureOffset) & PICTURE_MASK);
        }
        int tl0 = fields.tl0PicIdx(buf, payloadOffset, payloadLength);
        if (tl0 >= 0) {
            fields.setTl0PicIdx(buf, payloadOffset, payloadLength, (tl0 + tl0Offset) & TL0_MASK);
        }
    }

    /**
     * The counter {@code last} moved up to {@code sent} if that is ahead of it in serial-number order (RFC 1982)
     * within the sent field's {@code width}, else {@code last}.
     */
    private static int newest(int last, int sent, int width, int counterMask) {
        if (last == NONE) {
            return sent;
        }
        int delta = (sent - last) & width;
        return delta != 0 && delta <= width >>> 1 ? (last + delta) & counterMask : last;
    }

    /** Where a codec's payload descriptor keeps its picture numbers; each reads or writes in place, bounds checked. */
    enum Fields {
        /** RFC 7741 §4.2. */
        VP8 {
            @Override
            int pictureId(byte[] buf, int off, int len) {
                return Vp8PayloadDescriptor.pictureId(buf, off, len);
            }

            @Override
            boolean hasLongPictureId(byte[] buf, int off, int len) {
                return Vp8PayloadDescriptor.hasLongPictureId(buf, off, len);
            }

            @Override
            void setPictureId(byte[] buf, int off, int len, int pictureId) {
                Vp8PayloadDescriptor.setPictureId(buf, off, len, pictureId);
            }

            @Override
            int tl0PicIdx(byte[] buf, int off, int len) {
                return Vp8PayloadDescriptor.tl0PicIdx(buf, off, len);
            }

            @Override
            void setTl0PicIdx(byte[] buf, int off, int len, int tl0PicIdx) {
                Vp8PayloadDescriptor.setTl0PicIdx(buf, off, len, tl0PicIdx);
            }
        },
        /** RFC 9628 §4.2: TL0PICIDX only in non-flexible mode with layer indices. */
        VP9 {
            @Override
            int pictureId(byte[] buf, int off, int len) {
                return Vp9PayloadDescriptor.pictureId(buf, off, len);
            }

            @Override
            boolean hasLongPictureId(byte[] buf, int off, int len) {
                return Vp9PayloadDescriptor.hasLongPictureId(buf, off, len);
            }

            @Override
            void setPictureId(byte[] buf, int off, int len, int pictureId) {
                Vp9PayloadDescriptor.setPictureId(buf, off, len, pictureId);
            }

            @Override
            int tl0PicIdx(byte[] buf, int off, int len) {
                return Vp9PayloadDescriptor.tl0PicIdx(buf, off, len);
            }

            @Override
            void setTl0PicIdx(byte[] buf, int off, int len, int tl0PicIdx) {
                Vp9PayloadDescriptor.setTl0PicIdx(buf, off, len, tl0PicIdx);
            }
        };

        /** The 7- or 15-bit PictureID, or -1 if absent. */
        abstract int pictureId(byte[] buf, int off, int len);

        /** Whether the PictureID is 15 bits long. */
        abstract boolean hasLongPictureId(byte[] buf, int off, int len);

        /** Writes the low bits of {@code pictureId} that the field holds; nothing if absent. */
        abstract void setPictureId(byte[] buf, int off, int len, int pictureId);

        /** The TL0PICIDX, or -1 if absent. */
        abstract int tl0PicIdx(byte[] buf, int off, int len);

        /** Writes the low 8 bits of {@code tl0PicIdx}; nothing if absent. */
        abstract void setTl0PicIdx(byte[] buf, int off, int len, int tl0PicIdx);
    }
}
