package io.lianmai.live.rtmp;

import io.lianmai.live.flv.FlvTagPlayer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client playing a hub stream over RTMP ({@code rtmp://host/live/{stream}}): each tag the hub offers is sent as an
 * audio, video or data message on the client's play stream, without copying the body.
 *
 * <p>A client more than {@code maxBacklogBytes} behind (bytes handed to its connection but not yet written to the
 * socket) is dropped and its connection closed, as an HTTP-FLV player is, instead of being buffered without limit.
 * When the stream itself ends the client is told (NetStream.Play.UnpublishNotify, Stream EOF, NetStream.Play.Stop)
 * and then disconnected, as the HTTP-FLV response ends.
 *
 * <p>{@link #offer} and {@link #end} are called on the publisher's thread (or the one calling {@code hub.play}); the
 * connection's writes are queued on its event loop.
 */
public final class RtmpPlayer extends FlvTagPlayer {
    private final RtmpStream stream;
    private final long maxBacklogBytes;
    private final AtomicLong backlog = new AtomicLong();
    private volatile boolean dropped;

    @Override
    public String kind() {
        return "rtmp";
    }

    public RtmpPlayer(RtmpStream stream, long maxBacklogBytes) {
        this.stream = stream;
        this.maxBacklogBytes = maxBacklogBytes;
    }

    @Override
    protected boolean onTag(int type, long timestamp, ByteBuf body) {
        if (!stream.isActive()) {
            body.release();
            return false;
        }
        if (backlog.get() > maxBacklogBytes) {
            dropped = true;
            body.release();
            return false;
        }
        int size = body.readableBytes();
        backlog.addAndGet(size);
        stream.send(type, timestamp, body).addListener(done -> backlog.addAndGet(-size));
        return true;
    }

    @Override
    protected boolean accepting() {
        return stream.isActive();
    }

    /** Bytes queued towards the client and not yet written to its socket. */
    public long backlogBytes() {
        return backlog.get();
    }

    /** Whether the client was dropped for falling too far behind. */
    public boolean dropped() {
        return dropped;
    }

    @Override
    public void end() {
        if (!stream.isActive()) {
            return;
        }
        if (dropped) {
            stream.closeConnection();
            return;
        }
        String name = stream.streamName();
        stream.sendStatus(NetStatus.LEVEL_STATUS, NetStatus.PLAY_UNPUBLISH_NOTIFY, name + " is now unpublished.");
        stream.sendStreamEof();
        stream.sendStatus(NetStatus.LEVEL_STATUS, NetStatus.PLAY_STOP, "Stopped playing " + name + ".")
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public String toString() {
        return "RTMP player " + stream;
    }
}
