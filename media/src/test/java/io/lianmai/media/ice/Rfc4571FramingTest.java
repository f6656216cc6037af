package io.lianmai.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class Rfc4571FramingTest {

    private static byte[] framed(byte[]... payloads) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[] payload : payloads) {
            stream.write(payload.length >>> 8);
            stream.write(payload.length);
            stream.writeBytes(payload);
        }
        return stream.toByteArray();
    }

    /** Reads every frame the channel emitted, releasing them. */
    private static List<byte[]> frames(EmbeddedChannel channel) {
        List<byte[]> frames = new ArrayList<>();
        for (ByteBuf frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            frames.add(ByteBufUtil.getBytes(frame));
            frame.release();
        }
        return frames;
    }

    @Test
    void aStunRequestInOneFrameComesOutWhole() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        byte[] stun = Rfc5769VectorsTest.SAMPLE_REQUEST;

        channel.writeInbound(Unpooled.wrappedBuffer(framed(stun)));

        List<byte[]> frames = frames(channel);
        assertThat(frames).hasSize(1);
        assertThat(StunMessage.parse(frames.get(0), 0, frames.get(0).length).verifyFingerprint()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aFrameSplitByteByByteIsReassembled() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        byte[] stream = framed(Rfc5769VectorsTest.SAMPLE_IPV6_RESPONSE);

        for (byte b : stream) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(frames(channel)).containsExactly(Rfc5769VectorsTest.SAMPLE_IPV6_RESPONSE);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void manyFramesInOneReadComeOutInOrder() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        byte[][] payloads = new byte[50][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = ("frame " + i).getBytes(StandardCharsets.US_ASCII);
        }

        channel.writeInbound(Unpooled.wrappedBuffer(framed(payloads)));

        assertThat(frames(channel)).containsExactly(payloads);
    }

    @Test
    void aPartialTailWaitsForTheRest() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        byte[] stream = framed(new byte[] {1, 2, 3}, new byte[] {4, 5, 6, 7});

        channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, 8));
        assertThat(frames(channel)).containsExactly(new byte[] {1, 2, 3});

        channel.writeInbound(Unpooled.wrappedBuffer(stream, 8, stream.length - 8));
        assertThat(frames(channel)).containsExactly(new byte[] {4, 5, 6, 7});
    }

    @Test
    void aZeroLengthFrameClosesTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        byte[] stream = framed(new byte[] {9}, new byte[0], new byte[] {8});

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(stream)))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("length 0");

        assertThat(frames(channel)).containsExactly(new byte[] {9});
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aFrameAboveTheMaximumClosesTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder(1500));

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(framed(new byte[1501]))))
                .isInstanceOf(TooLongFrameException.class).hasMessageContaining("1501 bytes");

        assertThat(frames(channel)).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anHttpRequestOnTheIceTcpPortIsGarbage() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        byte[] http = "GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(http)))
                .isInstanceOf(TooLongFrameException.class).hasMessageContaining("18245 bytes");

        assertThat(frames(channel)).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theMaximumIsBounded() {
        assertThatThrownBy(() -> new Rfc4571FrameDecoder(0)).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> new Rfc4571FrameDecoder(65536)).hasMessageContaining("1..65535");
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder(Rfc4571FrameDecoder.MAX_FRAME_LENGTH));

        channel.writeInbound(Unpooled.wrappedBuffer(framed(new byte[65535])));

        assertThat(frames(channel)).singleElement().satisfies(frame -> assertThat(frame).hasSize(65535));
    }

    @Test
    void theEncoderPrefixesTheLengthAndReleasesThePayload() {
        EmbeddedChannel channel = new EmbeddedChannel(Rfc4571FrameEncoder.INSTANCE);
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});

        channel.writeOutbound(payload);

        ByteBuf out = channel.readOutbound();
        assertThat(ByteBufUtil.getBytes(out)).containsExactly(0, 3, 1, 2, 3);
        out.release();
        assertThat(payload.refCnt()).isZero();
    }

    @Test
    void theEncoderRefusesWhatCannotBeFramed() {
        EmbeddedChannel channel = new EmbeddedChannel(Rfc4571FrameEncoder.INSTANCE);

        assertThatThrownBy(() -> channel.writeOutbound(Unpooled.buffer(0)))
                .isInstanceOf(EncoderException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> channel.writeOutbound(Unpooled.wrappedBuffer(new byte[65536])))
                .isInstanceOf(EncoderException.class).hasMessageContaining("got 65536");
        assertThatThrownBy(() -> Rfc4571FrameEncoder.writeFrame(Unpooled.buffer(0), Unpooled.buffer()))
                .isInstanceOf(EncoderException.class);
    }

    @Property(tries = 300)
    void anyFramesSplitAnyWayComeBackIntact(@ForAll("payloads") List<byte[]> payloads, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 64) int maxChunk) {
        EmbeddedChannel encoder = new EmbeddedChannel(Rfc4571FrameEncoder.INSTANCE);
        for (byte[] payload : payloads) {
            encoder.writeOutbound(Unpooled.wrappedBuffer(payload));
        }
        ByteBuf stream = Unpooled.buffer();
        for (ByteBuf frame = encoder.readOutbound(); frame != null; frame = encoder.readOutbound()) {
            stream.writeBytes(frame);
            frame.release();
        }
        EmbeddedChannel decoder = new EmbeddedChannel(new Rfc4571FrameDecoder());
        Random random = new Random(seed);
        while (stream.isReadable()) {
            int chunk = Math.min(stream.readableBytes(), 1 + random.nextInt(maxChunk));
            decoder.writeInbound(stream.readRetainedSlice(chunk));
        }
        stream.release();

        assertThat(frames(decoder)).containsExactlyElementsOf(payloads);
        assertThat(decoder.isOpen()).isTrue();
    }

    @Property(tries = 500)
    void garbageNeverEscapesAsAnythingButAFrameOrAClose(@ForAll byte[] garbage) {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder(1500));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(garbage));
        } catch (CorruptedFrameException | TooLongFrameException e) {
            assertThat(channel.isOpen()).isFalse();
        }
        for (byte[] frame : frames(channel)) {
            assertThat(frame.length).isBetween(1, 1500);
        }
        channel.finishAndReleaseAll();
    }

    @Provide
    Arbitrary<List<byte[]>> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300).list().ofMaxSize(20);
    }
}
