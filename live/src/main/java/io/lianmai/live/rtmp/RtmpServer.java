package io.lianmai.live.rtmp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * An RTMP listener (port 1935 by convention) on caller-provided event loops. Each connection gets the pipeline
 * {@link #initialize}: handshake, chunk decoder and encoder, session.
 */
public final class RtmpServer implements AutoCloseable {
    private final RtmpServerConfig config;
    private final StreamAuthorizer authorizer;
    private final RtmpSessionListener listener;
    private Channel serverChannel;

    public RtmpServer(RtmpServerConfig config, StreamAuthorizer authorizer, RtmpSessionListener listener) {
        this.config = config;
        this.authorizer = authorizer;
        this.listener = listener;
    }

    /** Installs the RTMP handlers on a new connection's pipeline. */
    public static void initialize(ChannelPipeline pipeline, RtmpServerConfig config, StreamAuthorizer authorizer,
                                  RtmpSessionListener listener) {
        pipeline.addLast("rtmp-handshake", new RtmpHandshakeHandler());
        pipeline.addLast("rtmp-encoder", new RtmpChunkEncoder());
        pipeline.addLast("rtmp-decoder", new RtmpChunkDecoder(config.limits()));
        pipeline.addLast("rtmp-session", new RtmpSessionHandler(config, authorizer, listener));
    }

    /** Binds {@code address} (port 0 picks one) and returns the bound address. */
    public InetSocketAddress start(EventLoopGroup boss, EventLoopGroup workers, InetSocketAddress address)
            throws InterruptedException {
        serverChannel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initialize(ch.pipeline(), config, authorizer, listener);
                    }
                })
                .bind(address).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
