package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One RTMP message (RTMP 1.0 section 5.1 / 6.1): type id, message stream id, 32-bit timestamp in milliseconds and
 * the payload, plus the chunk stream it arrived on or is to be sent on. Reference counted through its payload: the
 * receiver of a message owns it and must release it (or pass it on).
 */
public final class RtmpMessage extends DefaultByteBufHolder {
    private final int chunkStreamId;
    private final int typeId;
    private final int streamId;
    private final long timestamp;

    public RtmpMessage(int chunkStreamId, int typeId, int streamId, long timestamp, ByteBuf payload) {
        super(payload);
        if (chunkStreamId < 2 || chunkStreamId > 65599) {
            throw new IllegalArgumentException("chunk stream id must be 2..65599, got " + chunkStreamId);
        }
        if (typeId < 0 || typeId > 255) {
            throw new IllegalArgumentException("type id must be 0..255, got " + typeId);
        }
        this.chunkStreamId = chunkStreamId;
        this.typeId = typeId;
        this.streamId = streamId;
        this.timestamp = timestamp & 0xFFFF_FFFFL;
    }

    /** A message on the chunk stream this server uses for its type. */
    public static RtmpMessage of(int typeId, int streamId, long timestamp, ByteBuf payload) {
        return new RtmpMessage(RtmpMessageType.defaultChunkStreamId(typeId), typeId, streamId, timestamp, payload);
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    public int typeId() {
        return typeId;
    }

    /** The message stream id (0 for NetConnection and control messages). */
    public int streamId() {
        return streamId;
    }

    /** Milliseconds, unsigned 32-bit. */
    public long timestamp() {
        return timestamp;
    }

    public ByteBuf payload() {
        return content();
    }

    @Override
    public RtmpMessage replace(ByteBuf content) {
        return new RtmpMessage(chunkStreamId, typeId, streamId, timestamp, content);
    }

    @Override
    public RtmpMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public RtmpMessage retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public String toString() {
        return "RtmpMessage(csid=" + chunkStreamId + ", type=" + typeId + ", stream=" + streamId + ", ts="
                + timestamp + ", " + content().readableBytes() + " bytes)";
    }
}
