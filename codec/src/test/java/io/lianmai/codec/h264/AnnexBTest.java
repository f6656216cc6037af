package io.lianmai.codec.h264;

import io.lianmai.wire.h264.NalUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.codec.CodecException;
import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class AnnexBTest {
    @Test
    void threeAndFourByteStartCodesBecomeFourByteLengths() {
        byte[] annexB = Hex.bytes("00 00 00 01 67 42 | 00 00 01 68 ce | 00 00 00 01 65 88 84 00 | 00 00 01 06 05");
        byte[] avcc = AnnexB.toAvcc(annexB, 0, annexB.length);
        // the zero before a 4-byte start code and trailing zero bytes are not part of the NAL unit before
        assertThat(avcc).isEqualTo(Hex.bytes("00000002 6742 | 00000002 68ce | 00000003 658884 | 00000002 0605"));
        assertThat(AnnexB.fromAvcc(avcc, 0, avcc.length, 4))
                .isEqualTo(Hex.bytes("00000001 6742 00000001 68ce 00000001 658884 00000001 0605"));
    }

    @Test
    void shortLengthSizesAndIndexQueries() {
        byte[] avcc = Hex.bytes("0003 670102 | 0001 68 | 0000 | 0002 6501");
        NalUnits nals = new NalUnits();
        assertThat(nals.scanAvcc(avcc, 0, avcc.length, 2)).isEqualTo(3);
        assertThat(nals.type(0)).isEqualTo(NalUnit.SPS);
        assertThat(nals.indexOf(NalUnit.PPS)).isEqualTo(1);
        assertThat(nals.hasIdr()).isTrue();
        assertThat(nals.offset(2)).isEqualTo(12);
        assertThat(nals.length(2)).isEqualTo(2);
        assertThat(nals.payloadBytes()).isEqualTo(6);
        assertThat(nals.scanAvcc(Hex.bytes("05 0102"), 0, 3, 1)).isEqualTo(-1);
        assertThat(nals.scanAvcc(Hex.bytes("000000"), 0, 3, 4)).isEqualTo(-1);
    }

    @Test
    void dataBeforeTheFirstStartCodeOrNoneAtAllIsMalformed() {
        NalUnits nals = new NalUnits();
        assertThat(nals.scanAnnexB(Hex.bytes("65 88 00 00 01 65"), 0, 6)).isEqualTo(-1);
        assertThat(nals.scanAnnexB(Hex.bytes("65 88 84"), 0, 3)).isEqualTo(-1);
        assertThat(nals.scanAnnexB(Hex.bytes("00 00 00 01"), 0, 4)).isZero();
        assertThatThrownBy(() -> AnnexB.toAvcc(new byte[] {1, 2, 3}, 0, 3)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> AnnexB.fromAvcc(new byte[] {0, 0, 0, 9, 1}, 0, 5, 4))
                .isInstanceOf(CodecException.class);
    }

    @Test
    void writesIntoACallersBufferOrRefuses() {
        byte[] annexB = Hex.bytes("00 00 01 65 01 02 03");
        NalUnits scratch = new NalUnits();
        byte[] dst = new byte[10];
        assertThat(AnnexB.avccLength(annexB, 0, annexB.length, scratch)).isEqualTo(8);
        assertThat(AnnexB.toAvcc(annexB, 0, annexB.length, scratch, dst, 2)).isEqualTo(8);
        assertThat(dst).isEqualTo(Hex.bytes("0000 00000004 65010203"));
        assertThat(AnnexB.toAvcc(annexB, 0, annexB.length, scratch, dst, 3)).isEqualTo(-1);
    }
}
