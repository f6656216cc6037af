package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the RTMP handshake (RTMP 1.0 section 5.2): sends C0+C1 when the connection opens, reads
 * S0+S1+S2, answers C2 (the echo of S1), then removes itself and fires
 * {@link RtmpHandshakeHandler#HANDSHAKE_COMPLETE} so the session can send {@code connect}.
 *
 * <pre>
 * C0: version 3 (1)     C1: time (4) | zero (4) | random (1528)     C2: echo of S1 (1536)
 * </pre>
 *
 * The simple handshake: C1's zero field is 0, which servers (FMS, nginx-rtmp, SRS, Wowza, Tencent's CDN) accept without
 * a digest. S2 is read but not checked against C1, as FFmpeg does.
 */
public final class RtmpClientHandshakeHandler extends ByteToMessageDecoder {
    private static final int SIZE = RtmpHandshakeHandler.HANDSHAKE_SIZE;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ByteBuf c0c1 = ctx.alloc().buffer(1 + SIZE);
        c0c1.writeByte(RtmpHandshakeHandler.RTMP_VERSION);
        c0c1.writeInt(0).writeInt(0);
        byte[] random = new byte[SIZE - 8];
        ThreadLocalRandom.current().nextBytes(random);
        c0c1.writeBytes(random);
        ctx.writeAndFlush(c0c1);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 1) {
            return;
        }
        int version = in.getUnsignedByte(in.readerIndex());
        if (version != RtmpHandshakeHandler.RTMP_VERSION) {
            in.skipBytes(in.readableBytes());
            ctx.close();
            throw new RtmpException("the server answered the RTMP handshake with version " + version
                    + "; only " + RtmpHandshakeHandler.RTMP_VERSION + " is spoken (RTMP 5.2.2)");
        }
        if (in.readableBytes() < 1 + 2 * SIZE) {
            return;
        }
        in.skipBytes(1);
        ByteBuf c2 = ctx.alloc().buffer(SIZE);
        c2.writeBytes(in, SIZE);
        in.skipBytes(SIZE); // S2
        ctx.writeAndFlush(c2);
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(RtmpHandshakeHandler.HANDSHAKE_COMPLETE);
    }
}
