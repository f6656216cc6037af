package io.lianmai.live.rtmp;

import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Number;
import io.lianmai.live.amf.Amf0String;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes one stream to an RTMP server (a CDN's ingest, another Lianmai): the client handshake, then
 * connect / releaseStream / FCPublish / createStream / publish ({@link RtmpPushSessionHandler}), then audio, video
 * and metadata messages cut into chunks by the shared {@link RtmpChunkEncoder}.
 *
 * <pre>
 * pipeline: RtmpClientHandshakeHandler → RtmpChunkEncoder → RtmpChunkDecoder → RtmpPushSessionHandler
 * </pre>
 *
 * {@link #send} and {@link #close} may be called from any thread; writes are queued on the connection's event loop.
 */
public final class RtmpPushClient implements AutoCloseable {
    /**
     * Settings of a push client.
     *
     * @param connectTimeout  TCP connect; a CDN ingest answers in well under a second when it is up
     * @param publishTimeout  from TCP connect to NetStream.Publish.Start; covers handshake, connect and auth
     * @param outChunkSize    chunk size sent with; 4096 as FFmpeg and OBS use
     * @param limits          what the server may make this client buffer
     */
    public record Config(Duration connectTimeout, Duration publishTimeout, int outChunkSize, RtmpLimits limits) {
        public static final Config DEFAULT = new Config(Duration.ofSeconds(10), Duration.ofSeconds(10), 4096,
                RtmpLimits.DEFAULT);
    }

    /** AMF0 string "@setDataFrame": a publisher wraps onMetaData in it so the server keeps it for players. */
    private static final byte[] SET_DATA_FRAME = {0x02, 0x00, 0x0D, '@', 's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r',
        'a', 'm', 'e'};

    private final Channel channel;
    private final RtmpUrl url;
    private final int streamId;
    private final RtmpPushSessionHandler session;
    private volatile boolean closing;

    private RtmpPushClient(Channel channel, RtmpUrl url, int streamId, RtmpPushSessionHandler session) {
        this.channel = channel;
        this.url = url;
        this.streamId = streamId;
        this.session = session;
    }

    /**
     * Connects to {@code address} (resolved by the caller: DNS would block the event loop) and publishes
     * {@code url}'s stream. Completes once the server said NetStream.Publish.Start; fails with an
     * {@link RtmpException} carrying the server's refusal (code and description) or what went wrong.
     */
    public static CompletableFuture<RtmpPushClient> connect(EventLoopGroup group, InetSocketAddress address,
                                                            RtmpUrl url, Config config) {
        RtmpPushSessionHandler session = new RtmpPushSessionHandler(url, config.outChunkSize(),
                config.publishTimeout().toMillis());
        CompletableFuture<RtmpPushClient> result = new CompletableFuture<>();
        ChannelFuture connected = new Bootstrap().group(group).channel(RtmpChannels.socketChannel(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("rtmp-handshake", new RtmpClientHandshakeHandler());
                        ch.pipeline().addLast("rtmp-encoder", new RtmpChunkEncoder());
                        ch.pipeline().addLast("rtmp-decoder", new RtmpChunkDecoder(config.limits()));
                        ch.pipeline().addLast("rtmp-session", session);
                    }
                })
                .connect(address);
        connected.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new RtmpException("cannot connect to " + url.redacted() + ": "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        session.published().whenComplete((streamId, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
                connected.channel().close();
            } else {
                result.complete(new RtmpPushClient(connected.channel(), url, streamId, session));
            }
        });
        return result;
    }

    /**
     * Sends an audio (8), video (9) or data (18) message on the published stream; takes ownership of {@code body}.
     * The returned future completes once the bytes are written to the socket.
     */
    public ChannelFuture send(int typeId, long timestamp, ByteBuf body) {
        return channel.writeAndFlush(RtmpMessage.of(typeId, streamId, timestamp, body));
    }

    /**
     * Sends stream metadata ({@code onMetaData} and its ECMA array, as an FLV script tag carries it) wrapped in
     * {@code @setDataFrame}, so the server keeps it for its players; takes ownership of {@code onMetaData}.
     */
    public ChannelFuture sendMetadata(long timestamp, ByteBuf onMetaData) {
        ByteBuf body = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(SET_DATA_FRAME), onMetaData);
        return send(RtmpMessageType.DATA_AMF0, timestamp, body);
    }

    /** Whether the connection is up and not being closed. */
    public boolean isActive() {
        return !closing && channel.isActive();
    }

    /** Completes when the connection is closed, by either side. */
    public ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /** Why the server ended the session (an error onStatus, a protocol error), or null. */
    public Throwable failure() {
        return session.failure();
    }

    public RtmpUrl url() {
        return url;
    }

    /** The message stream id the server gave in createStream. */
    public int streamId() {
        return streamId;
    }

    /** Ends publishing politely (FCUnpublish, deleteStream) and closes the connection once they are written. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        channel.write(new RtmpCommand(RtmpCommand.FC_UNPUBLISH, 6, Amf0Null.INSTANCE,
                List.of(new Amf0String(url.streamName()))).toMessage(0));
        channel.writeAndFlush(new RtmpCommand(RtmpCommand.DELETE_STREAM, 7, Amf0Null.INSTANCE,
                List.of(new Amf0Number(streamId))).toMessage(0))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public String toString() {
        return "RTMP push to " + url.redacted();
    }
}
