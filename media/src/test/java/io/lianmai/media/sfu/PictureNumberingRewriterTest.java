package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtp.Codec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The picture numbering of PictureIDs of either width, for both codecs: a field keeps its width, and the newest picture
 * sent is followed in that width, so that a 7-bit PictureID that wrapped (127 → 0) still counts as newer and the next
 * run follows it. With 15-bit layers in between, each width stays continuous.
 */
class PictureNumberingRewriterTest {
    private final byte[] buf = new byte[8];

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"VP8", "VP9"})
    void sevenBitIdsFollowOnAcrossTheirWrapAndARunOfFifteenBitIdsCountsTheirPictures(Codec codec) {
        PictureNumberingRewriter rewriter = PictureNumberingRewriter.forCodec(codec);
        // Run 1, 7-bit ids 100..299 (wrapping twice): sent as they are.
        int sent = -1;
        for (int i = 0; i < 200; i++) {
            sent = send(rewriter, codec, false, (100 + i) & 0x7F, 1);
        }
        assertThat(sent).isEqualTo(299 & 0x7F);
        // Run 2, another encoder's 7-bit ids from 5: they follow the last one sent, in 7 bits.
        assertThat(send(rewriter, codec, false, 5, 2)).isEqualTo(300 & 0x7F);
        assertThat(send(rewriter, codec, false, 6, 2)).isEqualTo(301 & 0x7F);
        // Run 3, 15-bit ids from 20000: they follow the counter, of which the 7-bit ids were the low bits.
        int first = send(rewriter, codec, true, 20_000, 3);
        assertThat(first).isEqualTo(302);
        for (int i = 1; i < 300; i++) {
            assertThat(send(rewriter, codec, true, 20_000 + i, 3)).isEqualTo((first + i) & 0x7FFF);
        }
        // Run 4, 7-bit again: the low bits of the next number.
        assertThat(send(rewriter, codec, false, 90, 4)).isEqualTo((first + 300) & 0x7F);
        // Run 5, 15-bit again: the counter went on by the one 7-bit picture.
        assertThat(send(rewriter, codec, true, 7, 5)).isEqualTo((first + 301) & 0x7FFF);
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"OPUS", "H264", "AV1"})
    void codecsWithoutPictureNumbersHaveNoRewriter(Codec codec) {
        assertThat(PictureNumberingRewriter.forCodec(codec)).isNull();
    }

    /** One frame's first packet with {@code pictureId} in a 7- or 15-bit field; returns the PictureID sent. */
    private int send(PictureNumberingRewriter rewriter, Codec codec, boolean longId, int pictureId, long run) {
        // VP8: X S | I | PictureID; VP9: I B E | PictureID. Then payload.
        int at;
        if (codec == Codec.VP8) {
            buf[0] = (byte) 0x90;
            buf[1] = (byte) 0x80;
            at = 2;
        } else {
            buf[0] = (byte) 0x8C;
            at = 1;
        }
        if (longId) {
            buf[at] = (byte) (0x80 | pictureId >> 8);
            buf[at + 1] = (byte) pictureId;
        } else {
            buf[at] = (byte) (pictureId & 0x7F);
            buf[at + 1] = 0x55;
        }
        buf[at + 2] = 0x55;
        rewriter.rewrite(buf, 0, buf.length, run);
        int first = buf[at] & 0xFF;
        return longId ? (first & 0x7F) << 8 | (buf[at + 1] & 0xFF) : first;
    }
}
