package io.lianmai.server.signal;

import io.lianmai.common.TrtcErrorCode;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.Member;
import io.lianmai.server.config.SignalConfig;
import io.lianmai.server.http.ApiError;
import io.lianmai.server.http.ServerErrors;
import io.lianmai.server.limits.Admission;
import io.lianmai.server.live.LiveEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Optional;
import io.lianmai.room.RoomKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The signalling WebSocket at {@code GET /ws} (docs/protocol.md): upgrades the request and hands the socket to a
 * {@link SignallingConnection}. At most {@code signal.maxSocketsPerIp} sockets per source address are open at once;
 * the next upgrade gets 503 with {@code Retry-After}.
 */
public final class SignallingRoutes {
    /**
     * Largest WebSocket message the transport accepts. Above the protocol's 64 KiB so that a too-large frame gets
     * a protocol error and the socket stays open; beyond this, Vert.x closes the socket (1009).
     */
    public static final int MAX_TRANSPORT_MESSAGE_BYTES = 1024 * 1024;

    private final SignallingServices services;
    private final Vertx vertx;
    private final SignalConfig config;
    private final LiveEndpoints live;
    private final Consumer<HttpConnection> upgradedConnectionClosed;
    private final ProtocolCodec codec = new ProtocolCodec();
    /** Open sockets by source address (the TCP peer: a proxy in front should keep its own per-client limits). */
    private final ConcurrentMap<String, Integer> socketsByAddress = new ConcurrentHashMap<>();
    /** Open sockets, so that a shutdown can tell each client why it goes. */
    private final Set<SignallingConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private final Map<Member, Admission.Ticket> handOffs = new ConcurrentHashMap<>();

    /**
     * @param upgradedConnectionClosed told the HTTP connection of each socket once the socket closed (the HTTP
     *     server's per-address count, which cannot see upgraded connections close)
     */
    public SignallingRoutes(SignallingServices services, LiveEndpoints live,
            Consumer<HttpConnection> upgradedConnectionClosed) {
        this.services = services;
        this.vertx = services.vertx();
        this.config = services.config();
        this.live = live;
        this.upgradedConnectionClosed = upgradedConnectionClosed;
    }

    /** Sets the WebSocket limits this endpoint needs on the HTTP server's options. */
    public static HttpServerOptions configure(HttpServerOptions options) {
        return options.setMaxWebSocketFrameSize(MAX_TRANSPORT_MESSAGE_BYTES)
                .setMaxWebSocketMessageSize(MAX_TRANSPORT_MESSAGE_BYTES);
    }

    /**
     * Closes an upgraded connection at once with a reset, dropping what is still queued on it and in the kernel.
     * Vert.x's own close (and a close through its pipeline) is a graceful shutdown that waits for the queued writes,
     * which a client that stops reading never lets finish: the connection and its megabyte would stay. The channel
     * is reached through Vert.x's connection implementation (no public API gives it); any other connection gets
     * the ordinary close.
     */
    private static void cut(HttpConnection connection) {
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            io.netty.channel.Channel channel = base.channel();
            channel.eventLoop().execute(() -> {
                // Linger 0 makes the close a reset: the kernel drops what it holds for the client too.
                channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
                channel.unsafe().close(channel.voidPromise());
            });
        } else {
            connection.close();
        }
    }

    private void release(String address) {
        socketsByAddress.computeIfPresent(address, (key, open) -> open <= 1 ? null : open - 1);
    }

    /**
     * Sends every open socket the {@code serverShutdown} event and closes it with 1001 (going away); members stay in
     * their rooms for the caller to remove; new sockets are refused (503). Completes when every socket closed, or
     * fails after {@code timeout}.
     */
    public Future<Void> shutdown(Duration timeout) {
        stopping = true;
        List<Future<Void>> closing = new ArrayList<>();
        for (SignallingConnection connection : open) {
            closing.add(connection.shutdown());
        }
        return Future.all(closing).<Void>mapEmpty().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends the client of every member of a room in {@code targets} the {@code serverShutdown} event naming the node
     * to go to ({@code moveTo}, a WebSocket URL) and closes its socket with 1001; the members stay in their rooms for
     * the caller to remove. Completes when those sockets closed, or after {@code timeout}.
     */
    public Future<Void> moveAway(Function<RoomKey, Optional<String>> targets, String reason, Duration timeout) {
        List<Future<Void>> closing = new ArrayList<>();
        for (SignallingConnection connection : open) {
            closing.add(connection.moveAway(targets, reason));
        }
        return Future.join(closing).<Void>mapEmpty().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Signalling WebSockets open now (in a room or not yet). */
    public int openSockets() {
        return open.size();
    }

    /** Adds {@code /ws} to {@code router}. */
    public void mount(Router router) {
        router.route("/ws").handler(context -> {
            if (!context.request().canUpgradeToWebSocket()) {
                new ApiError(426, TrtcErrorCode.INVALID_PARAMETER, "/ws is the signalling WebSocket: open it with "
                        + "new WebSocket(url)").send(context);
                return;
            }
            if (stopping) {
                context.response().putHeader("retry-after", "5");
                new ApiError(503, TrtcErrorCode.SERVER_FAILED, "the server is shutting down").send(context);
                return;
            }
            String address = context.request().remoteAddress().hostAddress();
            if (socketsByAddress.merge(address, 1, Integer::sum) > config.maxSocketsPerIp()) {
                release(address);
                context.response().putHeader("retry-after", "10");
                // A refusal, not a failure: logged at debug, so a flood of them does not flood the log.
                new ApiError(503, TrtcErrorCode.SERVER_FAILED, ServerErrors.refusalMessage("too many signalling "
                        + "sockets from this address: at most " + config.maxSocketsPerIp()
                        + " (signal.maxSocketsPerIp)"))
                        .send(context);
                return;
            }
            // Told to the client in enter/resume: the live URLs as seen through the host this client used.
            LiveEndpoints.Bases liveBases = live.forRequest(context.request());
            HttpConnection connection = context.request().connection();
            context.request().toWebSocket()
                    .onSuccess(socket -> {
                        SignallingConnection signalling = new SignallingConnection(services, socket, codec,
                                liveBases, handOffs);
                        open.add(signalling);
                        signalling.closeConnectionWith(() -> cut(connection));
                        signalling.whenClosed(() -> {
                            open.remove(signalling);
                            release(address);
                            upgradedConnectionClosed.accept(connection);
                        });
                        signalling.start();
                    })
                    .onFailure(failure -> {
                        release(address);
                        context.fail(failure);
                    });
        });
    }
}
