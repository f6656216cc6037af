package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * User Control Message (RTMP 1.0 sections 6.2 and 7.1.7, type 4): a 16-bit event type and event data. Stream
 * Begin/EOF/Dry/Is Recorded carry a stream id, Set Buffer Length a stream id and milliseconds, Ping Request/Response
 * a timestamp; {@code value} is the first 32-bit field and {@code value2} the second (Set Buffer Length only).
 */
public record UserControlMessage(int eventType, long value, long value2) {
    public static final int STREAM_BEGIN = 0;
    public static final int STREAM_EOF = 1;
    public static final int STREAM_DRY = 2;
    public static final int SET_BUFFER_LENGTH = 3;
    public static final int STREAM_IS_RECORDED = 4;
    public static final int PING_REQUEST = 6;
    public static final int PING_RESPONSE = 7;

    public static UserControlMessage streamBegin(int streamId) {
        return new UserControlMessage(STREAM_BEGIN, streamId, 0);
    }

    public static UserControlMessage streamEof(int streamId) {
        return new UserControlMessage(STREAM_EOF, streamId, 0);
    }

    public static UserControlMessage pingRequest(long timestamp) {
        return new UserControlMessage(PING_REQUEST, timestamp, 0);
    }

    public static UserControlMessage pingResponse(long timestamp) {
        return new UserControlMessage(PING_RESPONSE, timestamp, 0);
    }

    public static UserControlMessage decode(RtmpMessage message) {
        ByteBuf p = message.payload();
        int at = p.readerIndex();
        int length = p.readableBytes();
        if (length < 2) {
            throw new RtmpException("User Control message of " + length + " bytes; it needs an event type (RTMP 6.2)");
        }
        int event = p.getUnsignedShort(at);
        long value = length >= 6 ? p.getUnsignedInt(at + 2) : 0;
        long value2 = event == SET_BUFFER_LENGTH && length >= 10 ? p.getUnsignedInt(at + 6) : 0;
        return new UserControlMessage(event, value, value2);
    }

    public RtmpMessage toMessage() {
        ByteBuf p = Unpooled.buffer(10).writeShort(eventType).writeInt((int) value);
        if (eventType == SET_BUFFER_LENGTH) {
            p.writeInt((int) value2);
        }
        return RtmpMessage.of(RtmpMessageType.USER_CONTROL, 0, 0, p);
    }
}
