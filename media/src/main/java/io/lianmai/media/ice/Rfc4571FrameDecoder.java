package io.lianmai.media.ice;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits an ICE-TCP stream into the datagrams it carries (RFC 6544 §3, framing of RFC 4571 §2): each is preceded by
 * its length as a 16-bit big-endian number.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * -----------------------------------------------------------------
 * |             LENGTH            |  STUN, DTLS, RTP or RTCP ...
 * -----------------------------------------------------------------
 * </pre>
 *
 * <p>Emits one retained {@link ByteBuf} slice per frame, without the prefix; the next handler owns it and must
 * release it. A frame of length zero carries nothing any of those protocols could send, and a length above the
 * configured maximum is either garbage (an HTTP or TLS client on the wrong port) or an attempt to make the server
 * buffer 64 KiB per connection: either closes the connection, discards everything after it, and fires a
 * {@link CorruptedFrameException} or {@link TooLongFrameException} with the offending length so the transport can
 * count it. One instance per channel (not sharable); runs on the channel's event loop.
 */
public final class Rfc4571FrameDecoder extends ByteToMessageDecoder {

    /** Size of the length prefix. */
    public static final int PREFIX_LENGTH = 2;
    /** The largest frame the format can carry. */
    public static final int MAX_FRAME_LENGTH = 0xFFFF;
    /**
     * Default largest frame accepted: 8 KiB, well above any datagram that fits a path MTU (STUN, DTLS records, SRTP
     * all stay near 1,200 bytes in browsers) while capping what one connection can make the server hold.
     */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 8192;

    private final int maxFrameLength;
    private boolean discarding;

    /** A decoder accepting frames up to {@link #DEFAULT_MAX_FRAME_LENGTH}. */
    public Rfc4571FrameDecoder() {
        this(DEFAULT_MAX_FRAME_LENGTH);
    }

    /**
     * A decoder accepting frames up to {@code maxFrameLength} bytes.
     *
     * @throws IllegalArgumentException unless 1 &lt;= maxFrameLength &lt;= 65535
     */
    public Rfc4571FrameDecoder(int maxFrameLength) {
        if (maxFrameLength < 1 || maxFrameLength > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("RFC 4571 frames hold 1..65535 bytes, max asked " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // Each pass consumes a prefix and a non-empty frame, so at most readableBytes / 3 passes.
        while (!discarding && in.readableBytes() >= PREFIX_LENGTH) {
            int frameLength = in.getUnsignedShort(in.readerIndex());
            if (frameLength == 0 || frameLength > maxFrameLength) {
                reject(ctx, in, frameLength);
                return;
            }
            if (in.readableBytes() < PREFIX_LENGTH + frameLength) {
                return;
            }
            in.skipBytes(PREFIX_LENGTH);
            out.add(in.readRetainedSlice(frameLength));
        }
        if (discarding) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, int frameLength) {
        discarding = true;
        in.skipBytes(in.readableBytes());
        ctx.close();
        ctx.fireExceptionCaught(frameLength == 0
                ? new CorruptedFrameException("RFC 4571 frame of length 0 from " + ctx.channel().remoteAddress())
                : new TooLongFrameException("RFC 4571 frame of " + frameLength + " bytes from "
                        + ctx.channel().remoteAddress() + " exceeds the maximum of " + maxFrameLength));
    }
}
