package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtmpChunkDecoderTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder());

    /** Builds chunk bytes by hand, independent of {@link RtmpChunkEncoder}. */
    static final class Chunks {
        final ByteBuf buf = Unpooled.buffer();

        Chunks basic(int fmt, int csid) {
            if (csid < 64) {
                buf.writeByte(fmt << 6 | csid);
            } else if (csid < 320) {
                buf.writeByte(fmt << 6).writeByte(csid - 64);
            } else {
                buf.writeByte(fmt << 6 | 1).writeByte((csid - 64) & 0xFF).writeByte((csid - 64) >> 8);
            }
            return this;
        }

        Chunks type0(int csid, int ts, int length, int type, int streamId) {
            basic(0, csid);
            buf.writeMedium(ts).writeMedium(length).writeByte(type).writeIntLE(streamId);
            return this;
        }

        Chunks type1(int csid, int delta, int length, int type) {
            basic(1, csid);
            buf.writeMedium(delta).writeMedium(length).writeByte(type);
            return this;
        }

        Chunks type2(int csid, int delta) {
            basic(2, csid);
            buf.writeMedium(delta);
            return this;
        }

        Chunks type3(int csid) {
            return basic(3, csid);
        }

        Chunks int32(long v) {
            buf.writeInt((int) v);
            return this;
        }

        Chunks data(int length, int fill) {
            for (int i = 0; i < length; i++) {
                buf.writeByte(fill);
            }
            return this;
        }
    }

    private List<RtmpMessage> feed(ByteBuf bytes) {
        channel.writeInbound(bytes);
        List<RtmpMessage> out = new ArrayList<>();
        for (RtmpMessage m; (m = channel.readInbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    private static void releaseAll(List<RtmpMessage> messages) {
        messages.forEach(RtmpMessage::release);
    }

    @Test
    void specExample1ConstantSizeAudioUsesTypes0_2_3() {
        // RTMP 1.0 section 5.3.2.1: four 32-byte audio messages, delta 20 ms.
        Chunks c = new Chunks().type0(3, 1000, 32, 8, 12345).data(32, 1)
                .type2(3, 20).data(32, 2).type3(3).data(32, 3).type3(3).data(32, 4);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(1000L, 1020L, 1040L, 1060L);
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.typeId()).isEqualTo(8);
            assertThat(m.streamId()).isEqualTo(12345);
            assertThat(m.chunkStreamId()).isEqualTo(3);
            assertThat(m.payload().readableBytes()).isEqualTo(32);
        });
        assertThat(messages.get(3).payload().getByte(0)).isEqualTo((byte) 4);
        releaseAll(messages);
    }

    @Test
    void specExample2OneMessageAcrossChunks() {
        // RTMP 1.0 section 5.3.2.2: a 307-byte video message at the default chunk size of 128.
        Chunks c = new Chunks().type0(4, 1000, 307, 9, 12346).data(128, 1).type3(4).data(128, 2).type3(4).data(51, 3);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).hasSize(1);
        ByteBuf payload = messages.get(0).payload();
        assertThat(payload.readableBytes()).isEqualTo(307);
        assertThat(payload.getByte(127)).isEqualTo((byte) 1);
        assertThat(payload.getByte(128)).isEqualTo((byte) 2);
        assertThat(payload.getByte(306)).isEqualTo((byte) 3);
        releaseAll(messages);
    }

    @Test
    void type1ChangesLengthAndTypeKeepsStreamId() {
        Chunks c = new Chunks().type0(5, 10, 4, 18, 1).data(4, 0).type1(5, 5, 6, 9).data(6, 0);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).extracting(RtmpMessage::typeId).containsExactly(18, 9);
        assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(10L, 15L);
        assertThat(messages.get(1).streamId()).isEqualTo(1);
        assertThat(messages.get(1).payload().readableBytes()).isEqualTo(6);
        releaseAll(messages);
    }

    @Test
    void twoAndThreeByteBasicHeaders() {
        Chunks c = new Chunks().type0(64, 0, 1, 8, 1).data(1, 0).type0(319, 0, 1, 8, 1).data(1, 0)
                .type0(320, 0, 1, 8, 1).data(1, 0).type0(65599, 0, 1, 8, 1).data(1, 0);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).extracting(RtmpMessage::chunkStreamId).containsExactly(64, 319, 320, 65599);
        releaseAll(messages);
    }

    @Test
    void setChunkSizeAppliesToTheNextChunkAndIsNotPassedOn() {
        Chunks c = new Chunks().type0(2, 0, 4, 1, 0).int32(300)
                .type0(4, 0, 500, 9, 1).data(300, 1).type3(4).data(200, 2);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).payload().readableBytes()).isEqualTo(500);
        assertThat(((RtmpChunkDecoder) channel.pipeline().first()).chunkSize()).isEqualTo(300);
        releaseAll(messages);
    }

    @Test
    void extendedTimestampOnType0AndRepeatedOnType3() {
        long ts = 0x0123_4567L;
        Chunks c = new Chunks().type0(4, 0xFFFFFF, 200, 9, 1).int32(ts).data(128, 1).type3(4).int32(ts).data(72, 2);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).timestamp()).isEqualTo(ts);
        assertThat(messages.get(0).payload().getByte(199)).isEqualTo((byte) 2);
        releaseAll(messages);
    }

    @Test
    void extendedTimestampOmittedOnType3ByLibrtmpStyleSenders() {
        long ts = 0x0123_4567L;
        Chunks c = new Chunks().type0(4, 0xFFFFFF, 200, 9, 1).int32(ts).data(128, 1).type3(4).data(72, 2);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).payload().getByte(128)).isEqualTo((byte) 2);
        releaseAll(messages);
    }

    @Test
    void extendedTimestampOnType1IsADelta() {
        Chunks c = new Chunks().type0(4, 11000, 1, 9, 1).data(1, 0).type1(4, 0xFFFFFF, 1, 9).int32(16_776_216)
                .data(1, 0).type3(4).int32(16_776_216).data(1, 0);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).extracting(RtmpMessage::timestamp)
                .containsExactly(11000L, 11000L + 16_776_216L, 11000L + 2 * 16_776_216L);
        releaseAll(messages);
    }

    @Test
    void messagesInterleavedAcrossChunkStreams() {
        Chunks c = new Chunks().type0(6, 40, 200, 9, 1).data(128, 0x11)
                .type0(4, 40, 10, 8, 1).data(10, 0x22)
                .type3(6).data(72, 0x12)
                .type2(4, 23).data(10, 0x23);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).extracting(RtmpMessage::typeId).containsExactly(8, 9, 8);
        assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(40L, 40L, 63L);
        assertThat(messages.get(1).payload().getByte(199)).isEqualTo((byte) 0x12);
        releaseAll(messages);
    }

    @Test
    void splitAtEveryByte() {
        Chunks c = new Chunks().type0(2, 0, 4, 1, 0).int32(100)
                .type0(320, 0xFFFFFF, 250, 9, 1).int32(0x0100_0000L).data(100, 1).type3(320).int32(0x0100_0000L)
                .data(100, 2).type3(320).int32(0x0100_0000L).data(50, 3)
                .type0(3, 7, 3, 8, 1).data(3, 9);
        List<RtmpMessage> messages = new ArrayList<>();
        while (c.buf.isReadable()) {
            messages.addAll(feed(c.buf.readRetainedSlice(1)));
        }
        c.buf.release();
        assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(0x0100_0000L, 7L);
        assertThat(messages.get(0).payload().readableBytes()).isEqualTo(250);
        assertThat(messages.get(0).payload().getByte(249)).isEqualTo((byte) 3);
        releaseAll(messages);
    }

    @Test
    void abortDropsThePartialMessage() {
        Chunks c = new Chunks().type0(4, 0, 300, 9, 1).data(128, 1)
                .type0(2, 0, 4, 2, 0).int32(4)
                .type0(4, 0, 2, 9, 1).data(2, 7);
        List<RtmpMessage> messages = feed(c.buf);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).payload().readableBytes()).isEqualTo(2);
        releaseAll(messages);
    }

    @Test
    void emptyMessage() {
        List<RtmpMessage> messages = feed(new Chunks().type0(3, 0, 0, 20, 0).buf);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).payload().readableBytes()).isZero();
        releaseAll(messages);
    }

    private void assertRejected(ByteBuf bytes, String message) {
        assertThatThrownBy(() -> channel.writeInbound(bytes)).isInstanceOf(RtmpException.class)
                .hasMessageContaining(message);
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void firstChunkOnAStreamMustCarryAFullHeader() {
        assertRejected(new Chunks().type2(5, 10).data(10, 0).buf, "starts with a type 2 header");
    }

    @Test
    void smallerLimitsApply() {
        EmbeddedChannel ch = new EmbeddedChannel(new RtmpChunkDecoder(new RtmpLimits(1000, 2, 150)));
        assertThatThrownBy(() -> ch.writeInbound(new Chunks().type0(4, 0, 1001, 9, 1).buf))
                .isInstanceOf(RtmpException.class).hasMessageContaining("exceeds the 1000-byte limit");
        EmbeddedChannel ch2 = new EmbeddedChannel(new RtmpChunkDecoder(new RtmpLimits(1000, 2, 150)));
        assertThatThrownBy(() -> ch2.writeInbound(new Chunks().type0(4, 0, 0, 9, 1).type0(5, 0, 0, 9, 1)
                .type0(6, 0, 0, 9, 1).buf)).isInstanceOf(RtmpException.class).hasMessageContaining("more than 2 chunk streams");
        assertThat(ch2.isOpen()).isFalse();
        EmbeddedChannel ch3 = new EmbeddedChannel(new RtmpChunkDecoder(new RtmpLimits(1000, 8, 150)));
        assertThatThrownBy(() -> ch3.writeInbound(new Chunks().type0(4, 0, 900, 9, 1).data(128, 0)
                .type0(5, 0, 900, 9, 1).data(128, 0).buf))
                .isInstanceOf(RtmpException.class).hasMessageContaining("incomplete messages buffered");
        ch.finishAndReleaseAll();
        ch2.finishAndReleaseAll();
        ch3.finishAndReleaseAll();
    }

    @Test
    void newHeaderWhileAMessageIsIncomplete() {
        assertRejected(new Chunks().type0(4, 0, 300, 9, 1).data(128, 0).type0(4, 0, 10, 9, 1).buf,
                "while a message is 128 of 300 bytes complete");
    }

    @Test
    void invalidChunkSize() {
        assertRejected(new Chunks().type0(2, 0, 4, 1, 0).int32(0).buf, "chunk size must be 1..16777215");
    }

    @Test
    void topBitOfChunkSize() {
        assertRejected(new Chunks().type0(2, 0, 4, 1, 0).int32(0x8000_0080L).buf, "top bit");
    }
}
