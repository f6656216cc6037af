package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Encoder→decoder round trips over random message sequences, chunk sizes and read splits; and garbage in: random,
 * truncated and mutated chunk streams end either in messages or in an {@link RtmpException} with the channel
 * closed, never another exception, a hang or a huge allocation.
 */
class RtmpChunkCodecPropertyTest {
    record Msg(int csid, int type, int streamId, long timestamp, byte[] payload) {
    }

    @Provide
    Arbitrary<List<Msg>> messages() {
        Arbitrary<Msg> msg = Combinators.combine(
                Arbitraries.of(3, 4, 5, 6, 63, 64, 319, 320, 65599),
                Arbitraries.of(8, 9, 18, 20),
                Arbitraries.of(0, 1, 7),
                Arbitraries.oneOf(Arbitraries.longs().between(0, 100_000),
                        Arbitraries.longs().between(0xFFFF00L, 0xFFFF_FFFFL)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(1000)).as(Msg::new);
        return msg.list().ofMinSize(1).ofMaxSize(20);
    }

    /** Timestamps per chunk stream made monotonic in part, so all header types appear. */
    private static List<Msg> shape(List<Msg> messages, boolean monotonic) {
        List<Msg> out = new ArrayList<>();
        long ts = 0;
        for (Msg m : messages) {
            ts += m.timestamp() % 50;
            out.add(monotonic ? new Msg(m.csid(), m.type(), m.streamId(), ts, m.payload()) : m);
        }
        return out;
    }

    @Property(tries = 500)
    void roundTrip(@ForAll("messages") List<Msg> input, @ForAll boolean monotonic,
                   @ForAll @IntRange(min = 1, max = 5000) int chunkSize,
                   @ForAll @IntRange(min = 1, max = 700) int readSize) {
        List<Msg> messages = shape(input, monotonic);
        EmbeddedChannel sender = new EmbeddedChannel(new RtmpChunkEncoder());
        sender.writeOutbound(new SetChunkSize(chunkSize).toMessage());
        for (Msg m : messages) {
            sender.writeOutbound(new RtmpMessage(m.csid(), m.type(), m.streamId(), m.timestamp(),
                    Unpooled.wrappedBuffer(m.payload())));
        }
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf b; (b = sender.readOutbound()) != null; ) {
            wire.writeBytes(b);
            b.release();
        }
        EmbeddedChannel receiver = new EmbeddedChannel(new RtmpChunkDecoder());
        while (wire.isReadable()) {
            receiver.writeInbound(wire.readRetainedSlice(Math.min(readSize, wire.readableBytes())));
        }
        wire.release();
        List<Msg> decoded = new ArrayList<>();
        for (RtmpMessage m; (m = receiver.readInbound()) != null; ) {
            decoded.add(new Msg(m.chunkStreamId(), m.typeId(), m.streamId(), m.timestamp(),
                    ByteBufUtil.getBytes(m.payload())));
            m.release();
        }
        assertThat(decoded).hasSameSizeAs(messages);
        for (int i = 0; i < messages.size(); i++) {
            Msg want = messages.get(i);
            Msg got = decoded.get(i);
            assertThat(got.csid()).isEqualTo(want.csid());
            assertThat(got.type()).isEqualTo(want.type());
            assertThat(got.streamId()).isEqualTo(want.streamId());
            assertThat(got.timestamp()).as("timestamp of message %d", i).isEqualTo(want.timestamp());
            assertThat(got.payload()).isEqualTo(want.payload());
        }
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }

    @Property(tries = 3000)
    void randomBytes(@ForAll @Size(max = 2000) byte[] bytes) {
        garbage(bytes, 1 + (bytes.length > 0 ? bytes[0] & 0x3F : 0));
    }

    @Property(tries = 1000)
    void truncatedAndMutatedStreams(@ForAll("messages") List<Msg> messages,
                                    @ForAll @IntRange(min = 0, max = 1_000_000) int cut,
                                    @ForAll @IntRange(min = 0, max = 1_000_000) int flipAt,
                                    @ForAll byte flip, @ForAll @IntRange(min = 1, max = 300) int readSize) {
        EmbeddedChannel sender = new EmbeddedChannel(new RtmpChunkEncoder());
        for (Msg m : messages) {
            sender.writeOutbound(new RtmpMessage(m.csid(), m.type(), m.streamId(), m.timestamp(),
                    Unpooled.wrappedBuffer(m.payload())));
        }
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf b; (b = sender.readOutbound()) != null; ) {
            wire.writeBytes(b);
            b.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(wire);
        wire.release();
        bytes[flipAt % bytes.length] ^= flip;
        garbage(Arrays.copyOf(bytes, cut % (bytes.length + 1)), readSize);
    }

    private static void garbage(byte[] bytes, int readSize) {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder(new RtmpLimits(64 * 1024, 16, 256 * 1024)));
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            while (in.isReadable() && channel.isOpen()) {
                channel.writeInbound(in.readRetainedSlice(Math.min(readSize, in.readableBytes())));
            }
        } catch (RtmpException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            assertThat(channel.isOpen()).isFalse();
        } finally {
            in.release();
            channel.finishAndReleaseAll();
        }
    }
}
