package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Acknowledgement (RTMP 1.0 section 5.4.3, type 3): the sequence number, bytes received so far (mod 2^32). */
public record Acknowledgement(long sequenceNumber) {
    public static Acknowledgement decode(RtmpMessage message) {
        ByteBuf p = message.payload();
        if (p.readableBytes() < 4) {
            throw new RtmpException("Acknowledgement of " + p.readableBytes() + " bytes; it carries 4 (RTMP 5.4.3)");
        }
        return new Acknowledgement(p.getUnsignedInt(p.readerIndex()));
    }

    public RtmpMessage toMessage() {
        return RtmpMessage.of(RtmpMessageType.ACKNOWLEDGEMENT, 0, 0,
                Unpooled.buffer(4).writeInt((int) sequenceNumber));
    }
}
