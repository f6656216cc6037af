package io.lianmai.live.rtmp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.SocketAddress;

/**
 * One publishing or playing NetStream of an RTMP connection, as handed to {@link RtmpSessionListener}: its
 * application, name, query, message stream id, and (for players) its connection's encoder, for
 * {@link RtmpPlayer}'s merged writes.
 */
public final class RtmpStream {
    /** Whether the client publishes into the server or plays from it. */
    public enum Role { PUBLISH, PLAY }

    private final Channel channel;
    private final String app;
    private final StreamName name;
    private final int streamId;
    private final Role role;
    private volatile boolean closed;

    RtmpStream(Channel channel, String app, StreamName name, int streamId, Role role) {
        this.channel = channel;
        this.app = app;
        this.name = name;
        this.streamId = streamId;
        this.role = role;
    }

    public String app() {
        return app;
    }

    public String streamName() {
        return name.name();
    }

    /** The raw query after '?' in the stream name (contains credentials; do not log). */
    public String query() {
        return name.query();
    }

    public int streamId() {
        return streamId;
    }

    public Role role() {
        return role;
    }

    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    boolean markClosed() {
        boolean was = closed;
        closed = true;
        return !was;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Whether the stream is open and its connection up; any thread. */
    public boolean isActive() {
        return !closed && channel.isActive();
    }

    /** Sends an {@code onStatus} (RTMP 7.2.2) on this stream, e.g. NetStream.Play.UnpublishNotify; any thread. */
    public ChannelFuture sendStatus(String level, String code, String description) {
        return channel.writeAndFlush(RtmpResponses.onStatus(streamId, level, code, description));
    }

    /** Sends the User Control event Stream EOF (RTMP 7.1.7) for this stream; any thread. */
    public ChannelFuture sendStreamEof() {
        return channel.writeAndFlush(UserControlMessage.streamEof(streamId).toMessage());
    }

    /**
     * The context of the connection's {@link RtmpChunkEncoder} (null once the pipeline is gone): a player encodes its
     * merged media with that encoder and writes the bytes from there, on the channel's event loop.
     */
    io.netty.channel.ChannelHandlerContext encoderContext() {
        return channel.pipeline().context(RtmpChunkEncoder.class);
    }

    /** The connection's event loop. */
    public io.netty.channel.EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Whether the connection can take more data without queueing (for dropping frames to slow players). */
    public boolean isWritable() {
        return channel.isWritable();
    }

    /** Closes the whole connection (an RTMP connection carries one stream in practice). */
    public ChannelFuture closeConnection() {
        return channel.close();
    }

    @Override
    public String toString() {
        return role + " " + app + "/" + name + " (stream " + streamId + ", " + channel.remoteAddress() + ")";
    }
}
