package io.lianmai.live.amf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0CodecTest {
    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    @Test
    void decodesAConnectCommandAsFfmpegSendsIt() {
        ByteBuf buf = Unpooled.buffer();
        Amf0Encoder.encode(buf, new Amf0String("connect"), new Amf0Number(1),
                Amf0Object.builder().put("app", "live").put("type", "nonprivate").put("flashVer", "FMLE/3.0")
                        .put("tcUrl", "rtmp://127.0.0.1:1935/live").build());
        List<Amf0Value> values = Amf0Decoder.decode(buf);
        assertThat(values).hasSize(3);
        assertThat(values.get(0).asString()).isEqualTo("connect");
        assertThat(values.get(1).asNumber()).isEqualTo(1.0);
        assertThat(((Amf0Object) values.get(2)).string("tcUrl")).isEqualTo("rtmp://127.0.0.1:1935/live");
        assertThat(buf.isReadable()).isFalse();
    }

    @Test
    void wireFormatOfEachMarker() {
        assertThat(Amf0Decoder.decode(hex("00 3ff0000000000000"))).containsExactly(new Amf0Number(1));
        assertThat(Amf0Decoder.decode(hex("01 01 01 00"))).containsExactly(new Amf0Boolean(true), new Amf0Boolean(false));
        assertThat(Amf0Decoder.decode(hex("02 0002 6869"))).containsExactly(new Amf0String("hi"));
        assertThat(Amf0Decoder.decode(hex("0c 00000002 6869"))).containsExactly(new Amf0String("hi"));
        assertThat(Amf0Decoder.decode(hex("05 06 0d"))).containsExactly(Amf0Null.INSTANCE, Amf0Undefined.INSTANCE,
                Amf0Undefined.INSTANCE);
        assertThat(Amf0Decoder.decode(hex("03 0001 61 05 0000 09"))).containsExactly(
                new Amf0Object(Map.of("a", Amf0Null.INSTANCE)));
        // The ECMA array count is a hint: 0 here, one property present.
        assertThat(Amf0Decoder.decode(hex("08 00000000 0001 61 0101 0000 09"))).containsExactly(
                new Amf0EcmaArray(Map.of("a", new Amf0Boolean(true))));
        assertThat(Amf0Decoder.decode(hex("0a 00000002 05 06"))).containsExactly(
                new Amf0StrictArray(List.of(Amf0Null.INSTANCE, Amf0Undefined.INSTANCE)));
        assertThat(Amf0Decoder.decode(hex("0b 3ff0000000000000 0000"))).containsExactly(new Amf0Date(1, (short) 0));
    }

    @Test
    void longStringsUseTheLongMarker() {
        String big = "x".repeat(70_000);
        ByteBuf buf = Unpooled.buffer();
        Amf0Encoder.encode(buf, new Amf0String(big));
        assertThat(buf.getByte(0)).isEqualTo((byte) 0x0C);
        assertThat(Amf0Decoder.decode(buf)).containsExactly(new Amf0String(big));
    }

    @Test
    void clearErrors() {
        assertThatThrownBy(() -> Amf0Decoder.decode(hex("02 0010 6869")))
                .isInstanceOf(AmfException.class).hasMessageContaining("truncated AMF0 string");
        assertThatThrownBy(() -> Amf0Decoder.decode(hex("0a 7fffffff 05")))
                .isInstanceOf(AmfException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> Amf0Decoder.decode(hex("07 0001")))
                .isInstanceOf(AmfException.class).hasMessageContaining("unsupported AMF0 marker 0x7");
        assertThatThrownBy(() -> Amf0Decoder.decode(hex("09")))
                .isInstanceOf(AmfException.class).hasMessageContaining("object-end marker outside");
        assertThatThrownBy(() -> Amf0Decoder.decode(hex("03 0001 61 05")))
                .isInstanceOf(AmfException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Amf0Decoder.decode(Unpooled.wrappedBuffer(nested(100))))
                .isInstanceOf(AmfException.class).hasMessageContaining("nesting deeper than 32");
        assertThatThrownBy(() -> Amf0Decoder.decode(hex("05 05 05"), 32, 2))
                .isInstanceOf(AmfException.class).hasMessageContaining("more than 2 AMF0 values");
    }

    private static byte[] nested(int depth) {
        ByteBuf buf = Unpooled.buffer();
        for (int i = 0; i < depth; i++) {
            buf.writeByte(0x0A).writeInt(1);
        }
        buf.writeByte(0x05);
        return ByteBufUtil.getBytes(buf);
    }
}
