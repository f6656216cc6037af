package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtmpHandshakeHandlerTest {
    private final List<Object> events = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new RtmpHandshakeHandler(),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    events.add(evt);
                }
            });

    private static byte[] c1() {
        byte[] c1 = new byte[1536];
        new Random(1).nextBytes(c1);
        return c1;
    }

    private ByteBuf readAllOutbound() {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }

    @Test
    void simpleHandshakeEchoesC1AndRemovesItselfPassingOnTheRest() {
        byte[] c1 = c1();
        ByteBuf c0c1 = Unpooled.buffer().writeByte(3).writeBytes(c1);
        // C0+C1 split across two reads.
        channel.writeInbound(c0c1.readRetainedSlice(700));
        assertThat(readAllOutbound().readableBytes()).isZero();
        channel.writeInbound(c0c1);

        ByteBuf reply = readAllOutbound();
        assertThat(reply.readableBytes()).isEqualTo(1 + 1536 * 2);
        assertThat(reply.getByte(0)).isEqualTo((byte) 3);
        assertThat(reply.getInt(5)).as("S1 zero field: no digest, so FFmpeg does not validate").isZero();
        assertThat(ByteBufUtil.getBytes(reply, 1 + 1536, 1536)).as("S2 echoes C1").isEqualTo(c1);
        reply.release();

        ByteBuf c2AndChunk = Unpooled.buffer().writeBytes(new byte[1536]).writeBytes(new byte[] {1, 2, 3});
        channel.writeInbound(c2AndChunk);
        assertThat(channel.pipeline().get(RtmpHandshakeHandler.class)).isNull();
        assertThat(events).containsExactly(RtmpHandshakeHandler.HANDSHAKE_COMPLETE);
        ByteBuf rest = channel.readInbound();
        assertThat(ByteBufUtil.getBytes(rest)).containsExactly(1, 2, 3);
        rest.release();
    }

    @Test
    void complexHandshakeC1IsAcceptedByEchoing() {
        // A Flash-era C1: non-zero version field (bytes 4..7) and a digest somewhere in the random part.
        byte[] c1 = c1();
        c1[4] = 9;
        c1[5] = 0;
        c1[6] = 124;
        c1[7] = 2;
        channel.writeInbound(Unpooled.buffer().writeByte(3).writeBytes(c1));
        ByteBuf reply = readAllOutbound();
        assertThat(ByteBufUtil.getBytes(reply, 1 + 1536, 1536)).isEqualTo(c1);
        reply.release();
    }

    @Test
    void wrongVersionIsRefused() {
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeByte(6).writeBytes(new byte[1536])))
                .isInstanceOf(RtmpException.class).hasMessageContaining("version 6 is not supported");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void httpOnTheRtmpPortIsRefusedAtTheFirstByte() {
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n",
                java.nio.charset.StandardCharsets.US_ASCII)))
                .isInstanceOf(RtmpException.class).hasMessageContaining("version 71");
    }
}
