package io.lianmai.live.rtmp;

import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Number;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.amf.Amf0Value;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of an RTMP publish session, after the handshake (RTMP 1.0 section 7.2, and the FMS commands every
 * encoder sends):
 *
 * <pre>
 * handshake done ─▶ Set Chunk Size, connect(1) ──_result──▶ releaseStream(2), FCPublish(3), createStream(4)
 *   createStream _result(stream id) ─▶ publish(5, name, "live") on that stream
 *   onStatus NetStream.Publish.Start ─▶ {@link #published()} completes with the stream id; media may flow
 *   _error for connect/createStream/publish, or an error-level onStatus ─▶ published() fails with the server's
 *   code and description, connection closed
 * </pre>
 *
 * Ping Requests are answered and the server's Window Acknowledgement Size honoured. {@code _result}/{@code _error}
 * of releaseStream and FCPublish are ignored: servers differ in whether they answer them at all.
 */
final class RtmpPushSessionHandler extends SimpleChannelInboundHandler<RtmpMessage> {
    static final double CONNECT_TX = 1;
    static final double RELEASE_STREAM_TX = 2;
    static final double FC_PUBLISH_TX = 3;
    static final double CREATE_STREAM_TX = 4;
    static final double PUBLISH_TX = 5;
    /** The flashVer FMLE-compatible servers expect from a publishing encoder. */
    static final String FLASH_VERSION = "FMLE/3.0 (compatible; Lianmai)";

    private final RtmpUrl url;
    private final int outChunkSize;
    private final long publishTimeoutMillis;
    private final CompletableFuture<Integer> published = new CompletableFuture<>();
    private volatile Throwable failure;
    private ScheduledFuture<?> timeout;
    private int streamId;
    private long peerWindowAckSize;
    private long lastAcknowledged;

    RtmpPushSessionHandler(RtmpUrl url, int outChunkSize, long publishTimeoutMillis) {
        this.url = url;
        this.outChunkSize = outChunkSize;
        this.publishTimeoutMillis = publishTimeoutMillis;
    }

    /** Completes with the message stream id once the server said NetStream.Publish.Start. */
    CompletableFuture<Integer> published() {
        return published;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        timeout = ctx.executor().schedule(() -> fail(ctx, new RtmpException("no NetStream.Publish.Start from "
                + url.redacted() + " within " + publishTimeoutMillis + " ms")), publishTimeoutMillis,
                TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == RtmpHandshakeHandler.HANDSHAKE_COMPLETE) {
            ctx.write(new SetChunkSize(outChunkSize).toMessage());
            Amf0Object properties = Amf0Object.builder().put("app", url.app()).put("type", "nonprivate")
                    .put("flashVer", FLASH_VERSION).put("tcUrl", url.tcUrl()).build();
            ctx.writeAndFlush(new RtmpCommand(RtmpCommand.CONNECT, CONNECT_TX, properties, List.of()).toMessage(0));
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage msg) {
        acknowledge(ctx);
        switch (msg.typeId()) {
            case RtmpMessageType.COMMAND_AMF0, RtmpMessageType.COMMAND_AMF3 -> onCommand(ctx, RtmpCommand.decode(msg));
            case RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE ->
                    peerWindowAckSize = WindowAcknowledgementSize.decode(msg).windowSize();
            case RtmpMessageType.USER_CONTROL -> {
                UserControlMessage event = UserControlMessage.decode(msg);
                if (event.eventType() == UserControlMessage.PING_REQUEST) {
                    ctx.writeAndFlush(UserControlMessage.pingResponse(event.value()).toMessage());
                }
            }
            default -> {
                // Set Peer Bandwidth, Acknowledgement, data (onBWDone, |RtmpSampleAccess): nothing to do.
            }
        }
    }

    private void onCommand(ChannelHandlerContext ctx, RtmpCommand command) {
        double tx = command.transactionId();
        switch (command.name()) {
            case RtmpCommand.RESULT -> {
                if (tx == CONNECT_TX) {
                    String name = url.streamName();
                    ctx.write(command(RtmpCommand.RELEASE_STREAM, RELEASE_STREAM_TX, name).toMessage(0));
                    ctx.write(command(RtmpCommand.FC_PUBLISH, FC_PUBLISH_TX, name).toMessage(0));
                    ctx.writeAndFlush(new RtmpCommand(RtmpCommand.CREATE_STREAM, CREATE_STREAM_TX, Amf0Null.INSTANCE,
                            List.of()).toMessage(0));
                } else if (tx == CREATE_STREAM_TX) {
                    Amf0Value id = command.argument(0);
                    double value = id == null ? Double.NaN : id.asNumber();
                    if (Double.isNaN(value) || value < 1 || value > Integer.MAX_VALUE) {
                        throw new RtmpException("createStream _result without a stream id from " + url.redacted());
                    }
                    streamId = (int) value;
                    ctx.writeAndFlush(new RtmpCommand(RtmpCommand.PUBLISH, PUBLISH_TX, Amf0Null.INSTANCE,
                            List.of(new Amf0String(url.streamName()), new Amf0String("live"))).toMessage(streamId));
                }
            }
            case RtmpCommand.ERROR -> {
                if (tx == CONNECT_TX || tx == CREATE_STREAM_TX || tx == PUBLISH_TX) {
                    fail(ctx, new RtmpException(describe(command, tx == CONNECT_TX ? "connect"
                            : tx == CREATE_STREAM_TX ? "createStream" : "publish")));
                }
            }
            case RtmpCommand.ON_STATUS -> {
                Amf0Object info = command.argument(0) instanceof Amf0Object o ? o : Amf0Object.builder().build();
                String code = String.valueOf(info.string("code"));
                if (NetStatus.PUBLISH_START.equals(code)) {
                    cancelTimeout();
                    published.complete(streamId);
                } else if (NetStatus.LEVEL_ERROR.equals(info.string("level"))) {
                    fail(ctx, new RtmpException(describe(command, "publish")));
                }
            }
            default -> {
                // onBWDone, onFCPublish, _checkbw, close: informational.
            }
        }
    }

    private static RtmpCommand command(String name, double tx, String streamName) {
        return new RtmpCommand(name, tx, Amf0Null.INSTANCE, List.of(new Amf0String(streamName)));
    }

    /** "server refused publish: NetStream.Publish.Denied -100018 …", from the information object. */
    private String describe(RtmpCommand command, String what) {
        Amf0Value first = command.argument(0);
        if (first instanceof Amf0Object info) {
            return url.redacted() + " refused " + what + ": " + info.string("code") + " "
                    + (info.string("description") == null ? "" : info.string("description"));
        }
        return url.redacted() + " refused " + what + " (" + command.name() + " without an information object)";
    }

    /** Sends an Acknowledgement each time the server's window of bytes has arrived (RTMP 5.4.3). */
    private void acknowledge(ChannelHandlerContext ctx) {
        if (peerWindowAckSize <= 0) {
            return;
        }
        RtmpChunkDecoder decoder = ctx.pipeline().get(RtmpChunkDecoder.class);
        if (decoder != null && decoder.bytesReceived() - lastAcknowledged >= peerWindowAckSize) {
            lastAcknowledged = decoder.bytesReceived();
            ctx.writeAndFlush(new Acknowledgement(lastAcknowledged & 0xFFFF_FFFFL).toMessage());
        }
    }

    /** Why the session failed (a refusal, a protocol error), or null. */
    Throwable failure() {
        return failure;
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        cancelTimeout();
        published.completeExceptionally(cause);
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        published.completeExceptionally(new RtmpException(url.redacted() + " closed the connection"
                + (published.isDone() ? "" : " before publishing started")));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause instanceof RtmpException ? cause
                : new RtmpException("RTMP push to " + url.redacted() + " failed: " + cause, cause));
    }
}
