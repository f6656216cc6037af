package io.lianmai.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.List;

/**
 * Reassembles RTMP chunks into {@link RtmpMessage}s (RTMP 1.0 section 5.3).
 *
 * <pre>
 * +--------------+----------------+--------------------+--------------+
 * | Basic Header | Message Header | Extended Timestamp |  Chunk Data  |
 * | 1-3 bytes    | 11/7/3/0 bytes | 0 or 4 bytes       | <= chunkSize |
 * +--------------+----------------+--------------------+--------------+
 * </pre>
 *
 * A chunk is consumed only once it is complete, so input may be split anywhere. Set Chunk Size (5.4.1) and Abort
 * (5.4.2) are applied here and not passed on, since they change how the very next byte is read. Single-chunk
 * messages are zero-copy slices of the input; longer ones are copied into a buffer that grows as chunks arrive
 * (never to the declared length up front, so a lying header costs nothing).
 *
 * <p>Extended timestamps (5.3.1.3): for type 1 and 2 they are deltas; on type 3 chunks they are present when the
 * last type 0/1/2 header of that chunk stream had one, but librtmp-style senders omit them, so a type 3 chunk's four
 * bytes are taken as the extended timestamp only when they repeat it (as SRS and nginx-rtmp do).
 *
 * <p>Violations ({@link RtmpLimits}, malformed headers) close the connection with an {@link RtmpException}.
 */
public final class RtmpChunkDecoder extends ByteToMessageDecoder {
    /** Chunk size before any Set Chunk Size (section 5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int MAX_CHUNK_SIZE = 0xFFFFFF;

    private RtmpLimits limits;
    private final IntObjectMap<ChunkStream> chunkStreams = new IntObjectHashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int bufferedBytes;
    private long bytesReceived;
    private long messagesDecoded;
    private boolean failed;

    public RtmpChunkDecoder() {
        this(RtmpLimits.DEFAULT);
    }

    public RtmpChunkDecoder(RtmpLimits limits) {
        this.limits = limits;
    }

    /**
     * Replaces the limits, e.g. to lift a connection's pre-authorisation budget once it may publish or play. Call on
     * the channel's event loop; messages already being reassembled keep the size they declared.
     */
    public void limits(RtmpLimits newLimits) {
        this.limits = newLimits;
    }

    /** The limits in force. */
    public RtmpLimits limits() {
        return limits;
    }

    /** The peer's current chunk size. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Bytes consumed as chunks so far, for Acknowledgement (section 5.4.3). */
    public long bytesReceived() {
        return bytesReceived;
    }

    public long messagesDecoded() {
        return messagesDecoded;
    }

    /** Per chunk stream id: the last header fields and the message being reassembled. */
    private static final class ChunkStream {
        long timestamp;
        long timestampDelta;
        int messageLength;
        int typeId;
        int streamId;
        boolean extended;
        long extendedTimestamp;
        ByteBuf partial;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (in.isReadable() && decodeChunk(ctx, in, out)) {
                // one chunk per iteration; each consumes at least its basic header
            }
        } catch (RtmpException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            releasePartials();
            ctx.close();
            throw e;
        }
    }

    /** Decodes one chunk if it is complete; returns false (consuming nothing) if more bytes are needed. */
    private boolean decodeChunk(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int first = in.getUnsignedByte(start);
        int fmt = first >>> 6;
        int csid = first & 0x3F;
        int pos = start + 1;
        if (csid == 0) {
            if (end - pos < 1) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(pos);
            pos += 1;
        } else if (csid == 1) {
            if (end - pos < 2) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(pos) + (in.getUnsignedByte(pos + 1) << 8);
            pos += 2;
        }
        int headerLength = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
        if (end - pos < headerLength) {
            return false;
        }

        ChunkStream cs = chunkStreams.get(csid);
        if (cs == null) {
            // 5.3.1.2.1: type 0 MUST start a chunk stream. Type 1 is tolerated (stream id 0) because some encoders
            // open the control chunk stream with it.
            if (fmt > 1) {
                throw new RtmpException("chunk stream " + csid + " starts with a type " + fmt
                        + " header; the first chunk must be type 0 (RTMP 5.3.1.2.1)");
            }
            if (chunkStreams.size() >= limits.maxChunkStreams()) {
                throw new RtmpException("more than " + limits.maxChunkStreams() + " chunk streams");
            }
        }
        boolean newMessage = cs == null || cs.partial == null;
        if (!newMessage && fmt != 3) {
            throw new RtmpException("type " + fmt + " header on chunk stream " + csid + " while a message is "
                    + cs.partial.writerIndex() + " of " + cs.messageLength + " bytes complete (RTMP 5.3.1.2)");
        }

        long timestampField = 0;
        int messageLength = cs == null ? 0 : cs.messageLength;
        int typeId = cs == null ? 0 : cs.typeId;
        int streamId = cs == null ? 0 : cs.streamId;
        if (fmt <= 2) {
            timestampField = in.getUnsignedMedium(pos);
            if (fmt <= 1) {
                messageLength = in.getUnsignedMedium(pos + 3);
                typeId = in.getUnsignedByte(pos + 6);
                if (fmt == 0) {
                    streamId = in.getIntLE(pos + 7);
                }
            }
        }
        pos += headerLength;

        boolean extended = fmt <= 2 ? timestampField == 0xFFFFFF : cs.extended;
        long extendedTimestamp = 0;
        if (extended) {
            if (end - pos < 4) {
                return false;
            }
            extendedTimestamp = in.getUnsignedInt(pos);
            if (fmt <= 2 || extendedTimestamp == cs.extendedTimestamp) {
                pos += 4;
            }
        }

        if (newMessage && messageLength > limits.maxMessageSize()) {
            throw new RtmpException("message of " + messageLength + " bytes on chunk stream " + csid
                    + " exceeds the " + limits.maxMessageSize() + "-byte limit");
        }
        int received = newMessage ? 0 : cs.partial.writerIndex();
        int chunkData = Math.min(chunkSize, messageLength - received);
        if (end - pos < chunkData) {
            return false;
        }

        // The chunk is complete: commit.
        if (cs == null) {
            cs = new ChunkStream();
            chunkStreams.put(csid, cs);
        }
        if (fmt <= 2) {
            cs.messageLength = messageLength;
            cs.typeId = typeId;
            cs.streamId = streamId;
            cs.extended = extended;
            cs.extendedTimestamp = extended ? extendedTimestamp : 0;
        }
        if (newMessage) {
            long field = extended && fmt <= 2 ? extendedTimestamp : timestampField;
            long timestamp;
            if (fmt == 0) {
                timestamp = field;
                cs.timestampDelta = (field - cs.timestamp) & 0xFFFF_FFFFL;
            } else if (fmt <= 2) {
                cs.timestampDelta = field;
                timestamp = cs.timestamp + field;
            } else {
                timestamp = cs.timestamp + cs.timestampDelta;
            }
            cs.timestamp = timestamp & 0xFFFF_FFFFL;
        }
        bytesReceived += pos - start + chunkData;

        ByteBuf payload;
        if (newMessage && chunkData == messageLength) {
            payload = in.retainedSlice(pos, chunkData);
            in.readerIndex(pos + chunkData);
        } else {
            if (newMessage) {
                cs.partial = ctx.alloc().buffer(Math.min(messageLength, 64 * 1024), messageLength);
            }
            if (bufferedBytes + chunkData > limits.maxBufferedBytes()) {
                throw new RtmpException("more than " + limits.maxBufferedBytes()
                        + " bytes of incomplete messages buffered");
            }
            bufferedBytes += chunkData;
            in.readerIndex(pos);
            cs.partial.writeBytes(in, chunkData);
            if (cs.partial.writerIndex() < messageLength) {
                return true;
            }
            payload = cs.partial;
            cs.partial = null;
            bufferedBytes -= messageLength;
        }
        messagesDecoded++;
        onMessage(new RtmpMessage(csid, cs.typeId, cs.streamId, cs.timestamp, payload), out);
        return true;
    }

    private void onMessage(RtmpMessage message, List<Object> out) {
        switch (message.typeId()) {
            case RtmpMessageType.SET_CHUNK_SIZE:
                try {
                    int requested = SetChunkSize.decode(message).chunkSize();
                    // A chunk is buffered whole before it is decoded: a chunk size above the largest message
                    // allowed would let the peer make this connection hold that much unparsed input.
                    if (requested > limits.maxMessageSize()) {
                        throw new RtmpException("Set Chunk Size " + requested + " exceeds the "
                                + limits.maxMessageSize() + "-byte limit of this connection");
                    }
                    chunkSize = requested;
                } finally {
                    message.release();
                }
                return;
            case RtmpMessageType.ABORT:
                try {
                    ByteBuf p = message.payload();
                    if (p.readableBytes() < 4) {
                        throw new RtmpException("Abort message of " + p.readableBytes()
                                + " bytes; it carries a 4-byte chunk stream id (RTMP 5.4.2)");
                    }
                    ChunkStream aborted = chunkStreams.get(p.getInt(p.readerIndex()));
                    if (aborted != null && aborted.partial != null) {
                        bufferedBytes -= aborted.partial.writerIndex();
                        aborted.partial.release();
                        aborted.partial = null;
                    }
                } finally {
                    message.release();
                }
                return;
            default:
                out.add(message);
        }
    }

    private void releasePartials() {
        for (ChunkStream cs : chunkStreams.values()) {
            if (cs.partial != null) {
                cs.partial.release();
                cs.partial = null;
            }
        }
        bufferedBytes = 0;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartials();
    }

    /** Upper bound accepted for Set Chunk Size; a chunk never needs to exceed the largest message. */
    static int maxChunkSize() {
        return MAX_CHUNK_SIZE;
    }
}
