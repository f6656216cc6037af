package io.lianmai.live.rtmp;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one RTMP connection after the handshake: connect, createStream, publish and play with
 * authorization, protocol control replies, and media handed to the {@link RtmpSessionListener}.
 *
 * <pre>
 * handshake done ──connect──▶ CONNECTED ──createStream──▶ stream n created
 *   stream n ──publish──▶ (authorizePublish) ──allow──▶ PUBLISHING: onPublish, media → onMediaMessage
 *                                            ──reject─▶ onStatus error, connection closed
 *   stream n ──play─────▶ (authorizePlay)    ──allow──▶ PLAYING: StreamBegin, Play.Reset/Start, onPlay
 *   deleteStream / closeStream / FCUnpublish / connection close ──▶ onClose
 * </pre>
 *
 * Protocol violations (commands before connect, invalid AMF, unknown stream ids for publish/play) close this
 * connection with a logged {@link RtmpException}; other connections never notice.
 *
 * <p>Until a publish or play is authorised the connection lives on a budget: it must be authorised within
 * {@link RtmpServerConfig#handshakeTimeout} of becoming active, and its chunk decoder holds it to
 * {@link RtmpServerConfig#preAuthLimits}; the first authorisation cancels the deadline and lifts the decoder to
 * {@link RtmpServerConfig#limits}. Idle events of the pipeline's {@code IdleStateHandler} close it too.
 */
public final class RtmpSessionHandler extends SimpleChannelInboundHandler<RtmpMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpSessionHandler.class);

    private final RtmpServerConfig config;
    private final StreamAuthorizer authorizer;
    private final RtmpSessionListener listener;
    /** Created NetStreams by message stream id; the value is null until publish or play is accepted. */
    private final IntObjectMap<RtmpStream> streams = new IntObjectHashMap<>();
    private final List<Integer> pending = new ArrayList<>();
    private String app;
    private int nextStreamId = 1;
    private long peerWindowAckSize;
    private long lastAcknowledged;
    private long droppedMessages;
    private boolean authorized;
    private ScheduledFuture<?> authorizationDeadline;

    public RtmpSessionHandler(RtmpServerConfig config, StreamAuthorizer authorizer, RtmpSessionListener listener) {
        this.config = config;
        this.authorizer = authorizer;
        this.listener = listener;
    }

    /** The application name from connect, or null before connect. */
    public String app() {
        return app;
    }

    /** Media messages dropped because their stream was not publishing. */
    public long droppedMessages() {
        return droppedMessages;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long timeout = config.handshakeTimeout().toMillis();
        authorizationDeadline = ctx.executor().schedule(() -> {
            if (!authorized && ctx.channel().isActive()) {
                LOG.info("RTMP connection {} closed: not authorised to publish or play within {} ms of connecting "
                        + "(rtmp.handshakeTimeoutSeconds)", ctx.channel().remoteAddress(), timeout);
                ctx.close();
            }
        }, timeout, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent idle) {
            boolean playing = streams.values().stream()
                    .anyMatch(s -> s != null && s.role() == RtmpStream.Role.PLAY);
            // A player sends nothing but acknowledgements, so only total silence (no media to it either) counts.
            if (idle.state() == IdleState.ALL_IDLE
                    || (idle.state() == IdleState.READER_IDLE && !playing)) {
                LOG.info("RTMP connection {} closed: idle for {} ms (rtmp.idleTimeoutSeconds)",
                        ctx.channel().remoteAddress(), config.idleTimeout().toMillis());
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /** The first authorised publish or play ends the pre-authorisation budget and deadline. */
    private void onAuthorized(ChannelHandlerContext ctx) {
        if (authorized) {
            return;
        }
        authorized = true;
        if (authorizationDeadline != null) {
            authorizationDeadline.cancel(false);
        }
        RtmpChunkDecoder decoder = ctx.pipeline().get(RtmpChunkDecoder.class);
        if (decoder != null) {
            decoder.limits(config.limits());
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage msg) {
        acknowledge(ctx);
        switch (msg.typeId()) {
            case RtmpMessageType.AUDIO, RtmpMessageType.VIDEO, RtmpMessageType.DATA_AMF0:
                RtmpStream stream = streams.get(msg.streamId());
                if (stream != null && stream.role() == RtmpStream.Role.PUBLISH) {
                    listener.onMediaMessage(stream, msg);
                } else {
                    droppedMessages++;
                }
                return;
            case RtmpMessageType.COMMAND_AMF0, RtmpMessageType.COMMAND_AMF3:
                onCommand(ctx, msg, RtmpCommand.decode(msg));
                return;
            case RtmpMessageType.WINDOW_ACKNOWLEDGEMENT_SIZE:
                peerWindowAckSize = WindowAcknowledgementSize.decode(msg).windowSize();
                return;
            case RtmpMessageType.USER_CONTROL:
                UserControlMessage event = UserControlMessage.decode(msg);
                if (event.eventType() == UserControlMessage.PING_REQUEST) {
                    ctx.writeAndFlush(UserControlMessage.pingResponse(event.value()).toMessage());
                }
                return;
            default:
                // Acknowledgement, Set Peer Bandwidth, shared objects, aggregate, AMF3 data: nothing to do yet.
                droppedMessages++;
        }
    }

    /** Sends an Acknowledgement each time the peer's window of bytes has arrived (RTMP 5.4.3). */
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

    private void onCommand(ChannelHandlerContext ctx, RtmpMessage msg, RtmpCommand command) {
        if (app == null && !RtmpCommand.CONNECT.equals(command.name())) {
            throw new RtmpException("command '" + command.name() + "' before connect (RTMP 7.2.1.1)");
        }
        switch (command.name()) {
            case RtmpCommand.CONNECT -> onConnect(ctx, ConnectCommand.from(command));
            case RtmpCommand.RELEASE_STREAM, RtmpCommand.FC_PUBLISH ->
                    ctx.writeAndFlush(RtmpResponses.result(command.transactionId()));
            case RtmpCommand.CREATE_STREAM -> onCreateStream(ctx, command);
            case RtmpCommand.PUBLISH -> onPublish(ctx, msg.streamId(), PublishCommand.from(command));
            case RtmpCommand.PLAY -> onPlay(ctx, msg.streamId(), PlayCommand.from(command));
            case RtmpCommand.FC_UNPUBLISH -> {
                ctx.writeAndFlush(RtmpResponses.result(command.transactionId()));
                String name = StreamCommand.from(command).streamName();
                for (RtmpStream s : new ArrayList<>(streams.values())) {
                    if (s != null && s.role() == RtmpStream.Role.PUBLISH && s.streamName().equals(name)) {
                        endStream(ctx, s.streamId(), false);
                    }
                }
            }
            case RtmpCommand.DELETE_STREAM -> endStream(ctx, StreamCommand.from(command).streamId(), true);
            case RtmpCommand.CLOSE_STREAM -> endStream(ctx, msg.streamId(), false);
            default -> {
                // getStreamLength, _checkbw, ...: answered by nothing in FMS either; clients do not wait.
            }
        }
    }

    private void onConnect(ChannelHandlerContext ctx, ConnectCommand connect) {
        if (app != null) {
            throw new RtmpException("second connect on one connection (RTMP 7.2.1.1)");
        }
        if (connect.app().isEmpty()) {
            ctx.writeAndFlush(RtmpResponses.error(connect.transactionId(), NetStatus.CONNECT_REJECTED,
                    "the RTMP URL has no application name (rtmp://host/app/stream)"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        app = connect.app();
        ctx.write(new WindowAcknowledgementSize(config.windowAckSize()).toMessage());
        ctx.write(new SetPeerBandwidth(config.windowAckSize(), SetPeerBandwidth.DYNAMIC).toMessage());
        ctx.write(new SetChunkSize(config.outChunkSize()).toMessage());
        ctx.writeAndFlush(RtmpResponses.connectSuccess(connect.transactionId(), connect.objectEncoding(),
                config.fourCcFor(connect.fourCcList())));
    }

    private void onCreateStream(ChannelHandlerContext ctx, RtmpCommand command) {
        if (streams.size() >= config.maxStreamsPerConnection()) {
            ctx.writeAndFlush(RtmpResponses.error(command.transactionId(), NetStatus.CALL_FAILED,
                    "at most " + config.maxStreamsPerConnection() + " streams per connection"));
            return;
        }
        int id = nextStreamId++;
        streams.put(id, null);
        ctx.writeAndFlush(RtmpResponses.createStreamResult(command.transactionId(), id));
    }

    private void onPublish(ChannelHandlerContext ctx, int streamId, PublishCommand publish) {
        StreamName name = publish.streamName();
        if (!checkStream(ctx, streamId, name, NetStatus.PUBLISH_BAD_NAME)) {
            return;
        }
        authorize(ctx, streamId, name, RtmpStream.Role.PUBLISH,
                authorizer.authorizePublish(app, name.name(), name.query(), ctx.channel().remoteAddress()));
    }

    private void onPlay(ChannelHandlerContext ctx, int streamId, PlayCommand play) {
        StreamName name = play.streamName();
        if (!checkStream(ctx, streamId, name, NetStatus.PLAY_FAILED)) {
            return;
        }
        authorize(ctx, streamId, name, RtmpStream.Role.PLAY, authorizer.authorizePlay(app, name.name(), name.query()));
    }

    /** The message stream must have been created, be idle, not be awaiting a decision, and the name be non-empty. */
    private boolean checkStream(ChannelHandlerContext ctx, int streamId, StreamName name, String errorCode) {
        if (!streams.containsKey(streamId)) {
            throw new RtmpException("publish/play on message stream " + streamId
                    + " which createStream did not return (RTMP 7.2.1.3)");
        }
        if (streams.get(streamId) != null || pending.contains(streamId)) {
            reject(ctx, streamId, errorCode, "stream " + streamId + " is already publishing or playing");
            return false;
        }
        if (name.name().isEmpty()) {
            reject(ctx, streamId, errorCode, "empty stream name (rtmp://host/app/stream?usersig=...)");
            return false;
        }
        return true;
    }

    private void authorize(ChannelHandlerContext ctx, int streamId, StreamName name, RtmpStream.Role role,
                           CompletionStage<AuthorizationResult> decision) {
        pending.add(streamId);
        decision.whenComplete((result, failure) -> ctx.executor().execute(() -> {
            pending.remove(Integer.valueOf(streamId));
            if (!ctx.channel().isActive() || !streams.containsKey(streamId)) {
                return;
            }
            AuthorizationResult r = result;
            if (failure != null || r == null) {
                LOG.warn("RTMP {} authorization for {}/{} failed", role, app, name, failure);
                r = AuthorizationResult.reject(role == RtmpStream.Role.PUBLISH ? NetStatus.PUBLISH_DENIED
                        : NetStatus.PLAY_FAILED, "authorization failed");
            }
            if (!r.allowed()) {
                LOG.info("RTMP {} of {}/{} from {} rejected: {} {}", role, app, name, ctx.channel().remoteAddress(),
                        r.code(), r.description());
                reject(ctx, streamId, r.code(), r.description());
                return;
            }
            RtmpStream stream = new RtmpStream(ctx.channel(), app, name, streamId, role);
            streams.put(streamId, stream);
            onAuthorized(ctx);
            if (role == RtmpStream.Role.PUBLISH) {
                ctx.writeAndFlush(RtmpResponses.onStatus(streamId, NetStatus.LEVEL_STATUS, NetStatus.PUBLISH_START,
                        name.name() + " is now published."));
                listener.onPublish(stream);
            } else {
                ctx.write(UserControlMessage.streamBegin(streamId).toMessage());
                ctx.write(RtmpResponses.onStatus(streamId, NetStatus.LEVEL_STATUS, NetStatus.PLAY_RESET,
                        "Playing and resetting " + name.name() + "."));
                ctx.write(RtmpResponses.onStatus(streamId, NetStatus.LEVEL_STATUS, NetStatus.PLAY_START,
                        "Started playing " + name.name() + "."));
                ctx.writeAndFlush(RtmpResponses.sampleAccess(streamId));
                listener.onPlay(stream);
            }
        }));
    }

    /** Sends an error onStatus and closes the connection once it is written: the client gives up anyway. */
    private static void reject(ChannelHandlerContext ctx, int streamId, String code, String description) {
        ctx.writeAndFlush(RtmpResponses.onStatus(streamId, NetStatus.LEVEL_ERROR, code, description))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void endStream(ChannelHandlerContext ctx, int streamId, boolean delete) {
        RtmpStream stream = streams.get(streamId);
        if (delete) {
            streams.remove(streamId);
        } else if (streams.containsKey(streamId)) {
            streams.put(streamId, null);
        }
        if (stream != null && stream.markClosed()) {
            if (stream.role() == RtmpStream.Role.PUBLISH && ctx.channel().isActive()) {
                ctx.writeAndFlush(RtmpResponses.onStatus(streamId, NetStatus.LEVEL_STATUS,
                        NetStatus.UNPUBLISH_SUCCESS, stream.streamName() + " is now unpublished."));
            }
            listener.onClose(stream);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (authorizationDeadline != null) {
            authorizationDeadline.cancel(false);
        }
        for (RtmpStream stream : new ArrayList<>(streams.values())) {
            if (stream != null && stream.markClosed()) {
                listener.onClose(stream);
            }
        }
        streams.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof RtmpException) {
            LOG.info("RTMP connection {} closed: {}", ctx.channel().remoteAddress(), cause.getMessage());
        } else if (isDisconnect(cause)) {
            // A player or publisher that goes away mid-write is how RTMP connections usually end: not an error.
            LOG.debug("RTMP connection {} closed by the peer: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("RTMP connection {} closed on error", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /**
     * Whether {@code cause} is the peer going away (connection reset, broken pipe, end of stream, channel already
     * closed) rather than a fault on this side.
     */
    static boolean isDisconnect(Throwable cause) {
        if (cause instanceof java.nio.channels.ClosedChannelException || cause instanceof java.io.EOFException) {
            return true;
        }
        if (!(cause instanceof java.io.IOException)) {
            return false;
        }
        String message = cause.getMessage();
        return message != null && (message.contains("Connection reset") || message.contains("Broken pipe"));
    }
}
