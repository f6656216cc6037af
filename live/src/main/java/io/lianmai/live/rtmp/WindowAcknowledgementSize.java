package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Window Acknowledgement Size (RTMP 1.0 section 5.4.4, type 5): after this many bytes the receiver sends an
 * {@link Acknowledgement}.
 */
public record WindowAcknowledgementSize(long windowSize) {
    public static WindowAcknowledgementSize decode(RtmpMessage message) {
        ByteBuf p = message.payload();
        if (p.readableBytes() < 4) {
            throw new RtmpException("Window Acknowledgement Size of " + p.readableBytes()
                    + " bytes; it carries 4 (RTMP 5.4.4)");
        }
        return new WindowAcknowledgementSize(p.getUnsignedInt(p.readerIndex()));
    }

    public RtmpMessage toMessage() {
        return RtmpMessage.of(RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE, 0, 0,
                Unpooled.buffer(4).writeInt((int) windowSize));
    }
}
