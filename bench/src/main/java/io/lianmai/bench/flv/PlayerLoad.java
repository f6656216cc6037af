package io.lianmai.bench.flv;

import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Number;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.live.rtmp.Acknowledgement;
import io.lianmai.live.rtmp.RtmpChunkDecoder;
import io.lianmai.live.rtmp.RtmpChunkEncoder;
import io.lianmai.live.rtmp.RtmpClientHandshakeHandler;
import io.lianmai.live.rtmp.RtmpCommand;
import io.lianmai.live.rtmp.RtmpHandshakeHandler;
import io.lianmai.live.rtmp.RtmpMessage;
import io.lianmai.live.rtmp.RtmpMessageType;
import io.lianmai.live.rtmp.SetChunkSize;
import io.lianmai.live.rtmp.WindowAcknowledgementSize;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many players of one stream, as cheap as a player can be: Netty (epoll) connections that send the HTTP-FLV request,
 * or the RTMP handshake, {@code connect}, {@code createStream} and {@code play}, and from then on only count the bytes
 * they read and discard them (an RTMP player acknowledges each window of bytes, as RTMP 5.4.3 asks). No demuxing:
 * the server under test does the work, not the client.
 *
 * <p>A player is starved when, once its first byte arrived, more than {@link #STARVED_NANOS} pass without data; a
 * periodic check catches a player that stopped receiving altogether.
 */
final class PlayerLoad implements AutoCloseable {
    /** No data for longer than this once started: the player would have stalled. */
    static final long STARVED_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int READ_BUFFER = 64 * 1024;

    /** What the players play: an HTTP-FLV URL or an RTMP URL (query included, e.g. a signature). */
    enum Protocol { FLV, RTMP }

    private final EventLoopGroup group;
    private final List<Player> players = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private final ScheduledFuture<?> check;

    PlayerLoad(int threads) {
        group = new MultiThreadIoEventLoopGroup(threads,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        check = group.next().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            for (Player player : snapshot()) {
                if (!player.closed) {
                    player.noteGap(now);
                }
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** The transport the players use, for the report. */
    static String transport() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    private synchronized List<Player> snapshot() {
        return new ArrayList<>(players);
    }

    /** The players started so far. */
    List<Player> players() {
        return snapshot();
    }

    /** Starts one player of {@code url}; returns at once (the connection proceeds on the loop). */
    Player start(Protocol protocol, URI url) {
        Player player;
        synchronized (this) {
            player = new Player(players.size());
            players.add(player);
        }
        Bootstrap bootstrap = new Bootstrap().group(group)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_BUFFER))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (protocol == Protocol.FLV) {
                            ch.pipeline().addLast(new FlvRequest(player, url));
                        } else {
                            ch.pipeline().addLast("rtmp-handshake", new RtmpClientHandshakeHandler());
                            ch.pipeline().addLast("rtmp-encoder", new RtmpChunkEncoder());
                            ch.pipeline().addLast("rtmp-decoder", new RtmpChunkDecoder());
                            ch.pipeline().addLast("rtmp-play", new RtmpPlay(player, url));
                        }
                    }
                });
        int port = url.getPort() > 0 ? url.getPort() : protocol == Protocol.FLV ? 80 : 1935;
        bootstrap.connect(new InetSocketAddress(url.getHost(), port)).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                player.problem = "connect: " + f.cause().getMessage();
                player.closed = true;
                return;
            }
            player.connectedNanos = System.nanoTime();
            synchronized (this) {
                channels.add(f.channel());
            }
            f.channel().closeFuture().addListener(c -> {
                if (player.problem == null && !player.started()) {
                    player.problem = "closed by the server before any data";
                }
                player.closed = true;
            });
        });
        return player;
    }

    @Override
    public void close() {
        check.cancel(false);
        for (Channel channel : snapshotChannels()) {
            channel.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private synchronized List<Channel> snapshotChannels() {
        return new ArrayList<>(channels);
    }

    /** Sends the GET, checks the status line, then counts and discards. */
    private static final class FlvRequest extends ChannelInboundHandlerAdapter {
        private final Player player;
        private final URI url;
        private boolean statusChecked;

        FlvRequest(Player player, URI url) {
            this.player = player;
            this.url = url;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String target = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            String request = "GET " + target + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nUser-Agent: lianmai-bench-flv\r\nAccept: */*\r\n\r\n";
            ctx.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                if (!statusChecked) {
                    statusChecked = true;
                    String head = bytes.toString(bytes.readerIndex(), Math.min(bytes.readableBytes(), 12),
                            StandardCharsets.US_ASCII);
                    if (!head.startsWith("HTTP/1.1 200") && !head.startsWith("HTTP/1.0 200")) {
                        int eol = bytes.indexOf(bytes.readerIndex(), bytes.writerIndex(), (byte) '\r');
                        player.problem = "answered " + bytes.toString(bytes.readerIndex(),
                                (eol < 0 ? bytes.writerIndex() : eol) - bytes.readerIndex(), StandardCharsets.US_ASCII);
                        ctx.close();
                        return;
                    }
                }
                player.received(bytes.readableBytes(), System.nanoTime());
            } finally {
                bytes.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (player.problem == null) {
                player.problem = cause.toString();
            }
            ctx.close();
        }
    }

    /**
     * connect → createStream → play, decoding messages until NetStream.Play.Start; then the decoder leaves the
     * pipeline and the rest of the connection is counted as raw bytes (an Acknowledgement per window).
     */
    private static final class RtmpPlay extends SimpleChannelInboundHandler<RtmpMessage> {
        private static final double CONNECT_TX = 1;
        private static final double CREATE_STREAM_TX = 2;
        private final Player player;
        private final URI url;
        private long windowAckSize = 2_500_000;

        RtmpPlay(Player player, URI url) {
            this.player = player;
            this.url = url;
        }

        private String app() {
            String path = url.getPath();
            return path.substring(1, path.lastIndexOf('/'));
        }

        private String streamName() {
            String path = url.getRawPath();
            return path.substring(path.lastIndexOf('/') + 1) + (url.getRawQuery() == null ? ""
                    : "?" + url.getRawQuery());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == RtmpHandshakeHandler.HANDSHAKE_COMPLETE) {
                ctx.write(new SetChunkSize(4096).toMessage());
                String tcUrl = "rtmp://" + url.getHost() + ":" + url.getPort() + "/" + app();
                Amf0Object properties = Amf0Object.builder().put("app", app()).put("flashVer", "LNX 9,0,124,2")
                        .put("tcUrl", tcUrl).put("fpad", false).put("capabilities", 15.0)
                        .put("audioCodecs", 4071.0).put("videoCodecs", 252.0).put("videoFunction", 1.0).build();
                ctx.writeAndFlush(new RtmpCommand(RtmpCommand.CONNECT, CONNECT_TX, properties, List.of())
                        .toMessage(0));
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage msg) {
            switch (msg.typeId()) {
                case RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE ->
                        windowAckSize = Math.max(1, WindowAcknowledgementSize.decode(msg).windowSize());
                case RtmpMessageType.COMMAND_AMF0 -> onCommand(ctx, RtmpCommand.decode(msg));
                case RtmpMessageType.AUDIO, RtmpMessageType.VIDEO ->
                        player.received(msg.payload().readableBytes(), System.nanoTime());
                default -> {
                    // user control, data (|RtmpSampleAccess, onMetaData), bandwidth: nothing to do.
                }
            }
        }

        private void onCommand(ChannelHandlerContext ctx, RtmpCommand command) {
            switch (command.name()) {
                case RtmpCommand.RESULT -> {
                    if (command.transactionId() == CONNECT_TX) {
                        ctx.writeAndFlush(new RtmpCommand(RtmpCommand.CREATE_STREAM, CREATE_STREAM_TX,
                                Amf0Null.INSTANCE, List.of()).toMessage(0));
                    } else if (command.transactionId() == CREATE_STREAM_TX) {
                        Amf0Value id = command.argument(0);
                        int streamId = id == null ? 1 : (int) id.asNumber();
                        ctx.writeAndFlush(new RtmpCommand(RtmpCommand.PLAY, 0, Amf0Null.INSTANCE,
                                List.of(new Amf0String(streamName()), new Amf0Number(-1000)))
                                .toMessage(streamId));
                    }
                }
                case RtmpCommand.ERROR -> fail(ctx, "refused: " + describe(command));
                case RtmpCommand.ON_STATUS -> {
                    Amf0Object info = command.argument(0) instanceof Amf0Object o ? o : null;
                    String code = info == null ? "" : String.valueOf(info.string("code"));
                    if ("error".equals(info == null ? null : info.string("level"))) {
                        fail(ctx, "refused: " + describe(command));
                    } else if ("NetStream.Play.Start".equals(code)) {
                        countRawFromNowOn(ctx);
                    }
                }
                default -> {
                    // onBWDone, |RtmpSampleAccess, ...
                }
            }
        }

        /** Replaces decoding by byte counting: the cheapest player that still keeps the server's window. */
        private void countRawFromNowOn(ChannelHandlerContext ctx) {
            ctx.pipeline().addAfter("rtmp-play", "rtmp-count", new RawCounter(player, windowAckSize));
            ctx.pipeline().remove(this);
            // The decoder hands what it holds to the counter as it leaves.
            ctx.pipeline().remove("rtmp-decoder");
        }

        private static String describe(RtmpCommand command) {
            return command.argument(0) instanceof Amf0Object info ? info.string("code") + " "
                    + info.string("description") : command.name();
        }

        private void fail(ChannelHandlerContext ctx, String problem) {
            player.problem = problem;
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (player.problem == null) {
                player.problem = cause.toString();
            }
            ctx.close();
        }
    }

    /** Counts and discards RTMP bytes once playing, acknowledging every window. */
    private static final class RawCounter extends ChannelInboundHandlerAdapter {
        private final Player player;
        private final long windowAckSize;
        private long received;
        private long acknowledged;

        RawCounter(Player player, long windowAckSize) {
            this.player = player;
            this.windowAckSize = windowAckSize;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes) {
                int n = bytes.readableBytes();
                player.received(n, System.nanoTime());
                received += n;
                if (received - acknowledged >= windowAckSize) {
                    acknowledged = received;
                    ctx.writeAndFlush(new Acknowledgement(received & 0xFFFF_FFFFL).toMessage());
                }
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (player.problem == null) {
                player.problem = cause.toString();
            }
            ctx.close();
        }
    }
}
