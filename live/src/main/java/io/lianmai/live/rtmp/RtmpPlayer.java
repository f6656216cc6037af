package io.lianmai.live.rtmp;

import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.flv.MergingPlayer;
import io.lianmai.live.flv.WriteMerger;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;

/**
 * A client playing a hub stream over RTMP ({@code rtmp://host/live/{stream}}): the tags the hub offers are queued and,
 * once per merge window ({@link WriteMerger}), chunked straight from the shared FLV bytes into one buffer by the
 * connection's own {@link RtmpChunkEncoder} (audio, video or data messages on the client's play stream) and written
 * with one flush: one allocation, one pipeline pass and one system call per window instead of one per tag.
 *
 * <p>A client more than {@code maxBacklogBytes} behind (bytes offered but not yet written to the socket) is dropped
 * and its connection closed, as an HTTP-FLV player is, instead of being buffered without limit. When the stream
 * itself ends the queued tags are written, the client is told (NetStream.Play.UnpublishNotify, Stream EOF,
 * NetStream.Play.Stop) and then disconnected, as the HTTP-FLV response ends.
 *
 * <p>{@link #offer} and {@link #end} are called on the publisher's thread (or the one calling {@code hub.play}); the
 * writes happen on the connection's event loop, which must be {@code merger}'s.
 */
public final class RtmpPlayer extends MergingPlayer {
    private final RtmpStream stream;
    /** Loop only: the encoder's context, looked up at the first write. */
    private ChannelHandlerContext encoderContext;

    @Override
    public String kind() {
        return "rtmp";
    }

    public RtmpPlayer(RtmpStream stream, WriteMerger merger, long maxBacklogBytes) {
        super(merger, maxBacklogBytes);
        this.stream = stream;
    }

    @Override
    protected boolean isOpen() {
        return stream.isActive();
    }

    /**
     * Tag layout (FLV E.4.1): type (1) | DataSize (3) | Timestamp (3) | TimestampExtended (1) | StreamID (3) | Data |
     * PrevTagSize (4). The FLV file header the hub offers first is not a tag and is skipped.
     */
    @Override
    protected void write(ArrayDeque<ByteBuf> tags, long bytes) {
        if (encoderContext == null) {
            encoderContext = stream.encoderContext();
        }
        if (encoderContext == null) { // the connection is closing: its pipeline is gone
            written(bytes);
            return;
        }
        RtmpChunkEncoder encoder = (RtmpChunkEncoder) encoderContext.handler();
        // Chunk headers add at most 12 bytes per message and 1 per 128 payload bytes; FLV headers take 15 per tag.
        ByteBuf out = encoderContext.alloc().ioBuffer((int) Math.min(Integer.MAX_VALUE, bytes + bytes / 128 + 64));
        try {
            for (ByteBuf tag; (tag = tags.poll()) != null; ) {
                try {
                    encodeTag(encoder, tag, out);
                } finally {
                    tag.release();
                }
            }
        } catch (RuntimeException e) {
            out.release();
            written(bytes);
            throw e;
        }
        encoderContext.writeAndFlush(out).addListener(done -> written(bytes));
    }

    private void encodeTag(RtmpChunkEncoder encoder, ByteBuf tag, ByteBuf out) {
        int at = tag.readerIndex();
        int length = tag.readableBytes();
        if (length < FlvTags.TAG_HEADER + FlvTags.PREVIOUS_TAG_SIZE) {
            return;
        }
        int type = tag.getUnsignedByte(at);
        int size = tag.getUnsignedMedium(at + 1);
        if ((type != FlvTags.AUDIO && type != FlvTags.VIDEO && type != FlvTags.SCRIPT)
                || FlvTags.TAG_HEADER + size + FlvTags.PREVIOUS_TAG_SIZE != length) {
            return; // the file header ('F' 'L' 'V'), never a tag
        }
        long timestamp = tag.getUnsignedMedium(at + 4) | ((long) tag.getUnsignedByte(at + 7) << 24);
        encoder.encode(RtmpMessageType.defaultChunkStreamId(type), type, stream.streamId(), timestamp, tag,
                at + FlvTags.TAG_HEADER, size, out);
    }

    /**
     * Ended by the hub: dropped as too slow, the connection is closed; the stream ended, what is queued is written,
     * then the end is announced and the connection closed.
     */
    @Override
    public void end() {
        loop().execute(() -> {
            if (!stream.isActive()) {
                closeQueue();
                return;
            }
            if (dropped()) {
                closeQueue();
                stream.closeConnection();
                return;
            }
            flushQueued();
            closeQueue();
            String name = stream.streamName();
            stream.sendStatus(NetStatus.LEVEL_STATUS, NetStatus.PLAY_UNPUBLISH_NOTIFY, name + " is now unpublished.");
            stream.sendStreamEof();
            stream.sendStatus(NetStatus.LEVEL_STATUS, NetStatus.PLAY_STOP, "Stopped playing " + name + ".")
                    .addListener(ChannelFutureListener.CLOSE);
        });
    }

    @Override
    public String toString() {
        return "RTMP player " + stream;
    }
}
