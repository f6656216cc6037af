package io.lianmai.live.rtmp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RTMP listener (port 1935 by convention) on caller-provided event loops. Each connection gets the pipeline
 * {@link #initialize}: idle timer, handshake, chunk decoder and encoder, session.
 *
 * <p>Listener limits ({@link RtmpServerConfig}): at most {@code maxConnectionsPerIp} open connections per source
 * address (the next is closed at accept, with a log line); the handshake and authorisation deadline, the idle
 * timeout and the pre-authorisation memory budget are enforced by the session handler and the chunk decoder.
 */
public final class RtmpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);
    private final RtmpServerConfig config;
    private final StreamAuthorizer authorizer;
    private final RtmpSessionListener listener;
    private final ConcurrentMap<InetAddress, Integer> connectionsByAddress = new ConcurrentHashMap<>();
    private Channel serverChannel;

    public RtmpServer(RtmpServerConfig config, StreamAuthorizer authorizer, RtmpSessionListener listener) {
        this.config = config;
        this.authorizer = authorizer;
        this.listener = listener;
    }

    /** Installs the RTMP handlers on a new connection's pipeline. */
    public static void initialize(ChannelPipeline pipeline, RtmpServerConfig config, StreamAuthorizer authorizer,
                                  RtmpSessionListener listener) {
        long idle = config.idleTimeout().toMillis();
        // Reader idle closes a silent publisher or a stalled handshake; all idle (nothing read or written) a player.
        pipeline.addLast("rtmp-idle", new IdleStateHandler(idle, 0, idle, TimeUnit.MILLISECONDS));
        pipeline.addLast("rtmp-handshake", new RtmpHandshakeHandler());
        pipeline.addLast("rtmp-encoder", new RtmpChunkEncoder());
        pipeline.addLast("rtmp-decoder", new RtmpChunkDecoder(config.preAuthLimits()));
        pipeline.addLast("rtmp-session", new RtmpSessionHandler(config, authorizer, listener));
    }

    /** Binds {@code address} (port 0 picks one) and returns the bound address. */
    public InetSocketAddress start(EventLoopGroup boss, EventLoopGroup workers, InetSocketAddress address)
            throws InterruptedException {
        serverChannel = new ServerBootstrap().group(boss, workers).channel(RtmpChannels.serverChannel(workers))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!admit(ch)) {
                            return;
                        }
                        initialize(ch.pipeline(), config, authorizer, listener);
                    }
                })
                .bind(address).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Counts the connection against its source address, or closes it when that address has too many. */
    private boolean admit(SocketChannel ch) {
        InetAddress address = ch.remoteAddress().getAddress();
        Integer open = connectionsByAddress.merge(address, 1, Integer::sum);
        ch.closeFuture().addListener(f -> connectionsByAddress.computeIfPresent(address,
                (key, count) -> count <= 1 ? null : count - 1));
        if (open > config.maxConnectionsPerIp()) {
            LOG.info("RTMP connection from {} refused: {} connections from that address is the limit "
                    + "(rtmp.maxConnectionsPerIp)", ch.remoteAddress(), config.maxConnectionsPerIp());
            ch.close();
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
