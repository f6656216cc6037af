package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server side of the RTMP handshake (RTMP 1.0 section 5.2): reads C0+C1, answers S0+S1+S2 at once, waits for
 * C2, then removes itself so the bytes after C2 reach the chunk decoder.
 *
 * <pre>
 * C0/S0: version (1 byte, 3)      C1/S1: time (4) | zero (4) | random (1528)      C2/S2: echo of S1/C1 (1536)
 * </pre>
 *
 * The simple handshake only: S2 echoes C1, and C2 is not checked. Flash-era clients that send the digest
 * ("complex") C1 accept this, as they do from nginx-rtmp in its default mode; the zero field of S1 is 0, which tells
 * FFmpeg not to validate a server digest. Fires {@link #HANDSHAKE_COMPLETE} as a user event when done.
 */
public final class RtmpHandshakeHandler extends ByteToMessageDecoder {
    /** The only version this server speaks (section 5.2.2); 6 (RTMPE) and others are refused. */
    public static final int RTMP_VERSION = 3;
    /** Size of C1, S1, C2 and S2 (sections 5.2.3, 5.2.4). */
    public static final int HANDSHAKE_SIZE = 1536;
    /** The user event fired after C2, when the chunk stream starts. */
    public static final Object HANDSHAKE_COMPLETE = new Object() {
        @Override
        public String toString() {
            return "RTMP handshake complete";
        }
    };

    private boolean sentS0S1S2;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!sentS0S1S2) {
            if (in.readableBytes() < 1) {
                return;
            }
            int version = in.getUnsignedByte(in.readerIndex());
            if (version != RTMP_VERSION) {
                in.skipBytes(in.readableBytes());
                ctx.close();
                throw new RtmpException("RTMP handshake version " + version + " is not supported; only "
                        + RTMP_VERSION + " (plain RTMP, section 5.2.2)");
            }
            if (in.readableBytes() < 1 + HANDSHAKE_SIZE) {
                return;
            }
            in.skipBytes(1);
            ByteBuf reply = ctx.alloc().buffer(1 + 2 * HANDSHAKE_SIZE);
            reply.writeByte(RTMP_VERSION);
            reply.writeInt(0).writeInt(0);
            byte[] random = new byte[HANDSHAKE_SIZE - 8];
            ThreadLocalRandom.current().nextBytes(random);
            reply.writeBytes(random);
            reply.writeBytes(in, HANDSHAKE_SIZE);
            ctx.writeAndFlush(reply);
            sentS0S1S2 = true;
        }
        if (in.readableBytes() < HANDSHAKE_SIZE) {
            return;
        }
        in.skipBytes(HANDSHAKE_SIZE);
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(HANDSHAKE_COMPLETE);
    }
}
