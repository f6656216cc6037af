package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * Splits {@link RtmpMessage}s into chunks (RTMP 1.0 section 5.3) at the current outgoing chunk size, choosing the
 * smallest header the receiver can resolve unambiguously:
 * <ul>
 *   <li>type 0 for the first message on a chunk stream, a new message stream id, or a timestamp going back;</li>
 *   <li>type 1 when length or type id changed, type 2 when only the timestamp delta changed;</li>
 *   <li>type 3 for continuation chunks, and for a new message repeating the delta that the previous type 1 or 2
 *       header stated (never right after type 0, where receivers disagree on what the implied delta is).</li>
 * </ul>
 * Writing a {@link SetChunkSize} switches the outgoing chunk size after that message, as 5.4.1 requires.
 * Extended timestamps are repeated on type 3 chunks (5.3.1.3), which FFmpeg and Flash expect.
 */
public final class RtmpChunkEncoder extends MessageToByteEncoder<RtmpMessage> {
    private final IntObjectMap<ChunkStream> chunkStreams = new IntObjectHashMap<>();
    private int chunkSize = RtmpChunkDecoder.DEFAULT_CHUNK_SIZE;

    public RtmpChunkEncoder() {
        super(RtmpMessage.class);
    }

    /** The current outgoing chunk size. */
    public int chunkSize() {
        return chunkSize;
    }

    private static final class ChunkStream {
        long timestamp;
        long timestampDelta;
        boolean deltaStated;
        int messageLength;
        int typeId;
        int streamId;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, ByteBuf out) {
        ByteBuf payload = msg.payload();
        encode(msg.chunkStreamId(), msg.typeId(), msg.streamId(), msg.timestamp(), payload, payload.readerIndex(),
                payload.readableBytes(), out);
        if (msg.typeId() == RtmpMessageType.SET_CHUNK_SIZE) {
            chunkSize = SetChunkSize.decode(msg).chunkSize();
        }
    }

    /**
     * Encodes one audio, video or data message whose payload is {@code payload[index, index + length)} into
     * {@code out}, exactly as writing it would (the chunk streams' state moves on): a player's merged writes encode
     * their tags straight from the shared FLV bytes into one buffer, with no message object or copy in between. On
     * the channel's event loop, as every write is; only reads {@code payload}.
     */
    public void encode(int csid, int typeId, int streamId, long timestamp, ByteBuf payload, int index, int length,
                       ByteBuf out) {
        if (length > 0xFFFFFF) {
            throw new RtmpException("cannot send a message of " + length + " bytes; the limit is 16777215");
        }
        ChunkStream cs = chunkStreams.get(csid);
        int fmt;
        long field;
        if (cs == null || cs.streamId != streamId || timestamp < cs.timestamp) {
            fmt = 0;
            field = timestamp;
        } else {
            field = timestamp - cs.timestamp;
            if (length != cs.messageLength || typeId != cs.typeId) {
                fmt = 1;
            } else if (cs.deltaStated && field == cs.timestampDelta) {
                fmt = 3;
            } else {
                fmt = 2;
            }
        }
        if (cs == null) {
            cs = new ChunkStream();
            chunkStreams.put(csid, cs);
        }
        boolean extended = field >= 0xFFFFFF;
        if (fmt == 3) {
            extended = cs.timestampDelta >= 0xFFFFFF;
            field = cs.timestampDelta;
        }
        out.ensureWritable(length + 18 + (length / chunkSize) * 7);
        writeBasicHeader(out, fmt, csid);
        if (fmt <= 2) {
            out.writeMedium(extended ? 0xFFFFFF : (int) field);
            if (fmt <= 1) {
                out.writeMedium(length);
                out.writeByte(typeId);
                if (fmt == 0) {
                    out.writeIntLE(streamId);
                }
            }
        }
        if (extended) {
            out.writeInt((int) field);
        }
        int first = Math.min(chunkSize, length);
        out.writeBytes(payload, index, first);
        for (int sent = first; sent < length; sent += chunkSize) {
            writeBasicHeader(out, 3, csid);
            if (extended) {
                out.writeInt((int) field);
            }
            out.writeBytes(payload, index + sent, Math.min(chunkSize, length - sent));
        }

        cs.timestampDelta = fmt == 0 ? timestamp - cs.timestamp : field;
        cs.deltaStated = fmt != 0;
        cs.timestamp = timestamp;
        cs.messageLength = length;
        cs.typeId = typeId;
        cs.streamId = streamId;
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 64) {
            out.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6).writeByte(csid - 64);
        } else {
            out.writeByte(fmt << 6 | 1).writeByte((csid - 64) & 0xFF).writeByte((csid - 64) >>> 8);
        }
    }
}
