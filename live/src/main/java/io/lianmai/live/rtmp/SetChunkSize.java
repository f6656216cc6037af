package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Set Chunk Size (RTMP 1.0 section 5.4.1, type 1): the sender's new maximum chunk size, 31 bits with the top bit
 * zero. Values above 16777215 are refused because no chunk can be larger than the largest message.
 */
public record SetChunkSize(int chunkSize) {
    public SetChunkSize {
        if (chunkSize < 1 || chunkSize > 0xFFFFFF) {
            throw new RtmpException("chunk size must be 1..16777215 (RTMP 5.4.1), got " + chunkSize);
        }
    }

    public static SetChunkSize decode(RtmpMessage message) {
        ByteBuf p = message.payload();
        if (p.readableBytes() < 4) {
            throw new RtmpException("Set Chunk Size of " + p.readableBytes() + " bytes; it carries 4 (RTMP 5.4.1)");
        }
        int value = p.getInt(p.readerIndex());
        if (value < 0) {
            throw new RtmpException("Set Chunk Size with the top bit set (RTMP 5.4.1): 0x" + Integer.toHexString(value));
        }
        return new SetChunkSize(value);
    }

    public RtmpMessage toMessage() {
        return RtmpMessage.of(RtmpMessageType.SET_CHUNK_SIZE, 0, 0, Unpooled.buffer(4).writeInt(chunkSize));
    }
}
