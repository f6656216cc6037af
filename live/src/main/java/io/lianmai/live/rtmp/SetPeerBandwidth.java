package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Set Peer Bandwidth (RTMP 1.0 section 5.4.5, type 6): an output window size and a limit type (0 hard, 1 soft,
 * 2 dynamic).
 */
public record SetPeerBandwidth(long windowSize, int limitType) {
    public static final int HARD = 0;
    public static final int SOFT = 1;
    public static final int DYNAMIC = 2;

    public static SetPeerBandwidth decode(RtmpMessage message) {
        ByteBuf p = message.payload();
        if (p.readableBytes() < 5) {
            throw new RtmpException("Set Peer Bandwidth of " + p.readableBytes() + " bytes; it carries 5 (RTMP 5.4.5)");
        }
        return new SetPeerBandwidth(p.getUnsignedInt(p.readerIndex()), p.getUnsignedByte(p.readerIndex() + 4));
    }

    public RtmpMessage toMessage() {
        return RtmpMessage.of(RtmpMessageType.SET_PEER_BANDWIDTH, 0, 0,
                Unpooled.buffer(5).writeInt((int) windowSize).writeByte(limitType));
    }
}
