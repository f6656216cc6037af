package io.lianmai.media.ice;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Prefixes each outgoing datagram with its 16-bit big-endian length for ICE-TCP (RFC 6544 §3, RFC 4571 §2); the
 * counterpart of {@link Rfc4571FrameDecoder}. Consumes (releases) the {@link ByteBuf} written to it and writes one
 * pooled buffer holding prefix and payload, so a datagram goes out in one write. Stateless and
 * {@link ChannelHandler.Sharable}.
 */
@ChannelHandler.Sharable
public final class Rfc4571FrameEncoder extends MessageToByteEncoder<ByteBuf> {

    /** A shared instance; the encoder holds no state. */
    public static final Rfc4571FrameEncoder INSTANCE = new Rfc4571FrameEncoder();

    private Rfc4571FrameEncoder() {
        super(ByteBuf.class);
    }

    /**
     * Writes {@code payload}'s readable bytes, prefixed by their length, to {@code out}; does not consume
     * {@code payload}. For callers that build frames themselves.
     *
     * @throws EncoderException if the payload is empty or longer than 65535 bytes
     */
    public static void writeFrame(ByteBuf payload, ByteBuf out) {
        int length = payload.readableBytes();
        if (length == 0 || length > Rfc4571FrameDecoder.MAX_FRAME_LENGTH) {
            throw new EncoderException("RFC 4571 frames hold 1..65535 bytes, got " + length);
        }
        out.writeShort(length);
        out.writeBytes(payload, payload.readerIndex(), length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf payload, ByteBuf out) {
        writeFrame(payload, out);
        payload.skipBytes(payload.readableBytes());
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf payload, boolean preferDirect) {
        int size = Rfc4571FrameDecoder.PREFIX_LENGTH + payload.readableBytes();
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }
}
