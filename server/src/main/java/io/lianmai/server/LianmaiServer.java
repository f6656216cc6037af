package io.lianmai.server;

import io.lianmai.auth.UserSigVerifier;
import io.lianmai.live.rtmp.RtmpServerConfig;
import io.lianmai.media.transport.MediaServer;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.server.config.RtmpConfig;
import io.lianmai.server.http.DevUserSigRoute;
import io.lianmai.server.live.LiveService;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.http.HttpFrontDoor;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;
import io.lianmai.store.JdbcAppStore;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Lianmai node: the app store, the default app on first run, and the HTTP front door.
 *
 * <p>Created by {@link #start}; {@link #close} stops everything in reverse order and may be called from a
 * shutdown hook on any thread.
 */
public final class LianmaiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LianmaiServer.class);
    private static final long STOP_TIMEOUT_SECONDS = 10;
    private static final long ROOM_TICK_MILLIS = 1000;

    private final LianmaiConfig config;
    private final AppStore apps;
    private final Vertx vertx;
    private final MediaServer media;
    private final LiveService live;
    private final int httpPort;
    private final Optional<App> createdDefaultApp;

    private LianmaiServer(LianmaiConfig config, AppStore apps, Vertx vertx, MediaServer media, LiveService live,
            int httpPort, Optional<App> createdDefaultApp) {
        this.config = config;
        this.apps = apps;
        this.vertx = vertx;
        this.media = media;
        this.live = live;
        this.httpPort = httpPort;
        this.createdDefaultApp = createdDefaultApp;
    }

    /**
     * Opens the store, creates the default app if the registry is empty and configuration asks for it, and starts
     * listening. Fails with the cause when any part cannot start, leaving nothing running.
     */
    public static LianmaiServer start(LianmaiConfig config, Clock clock) {
        AppStore apps = JdbcAppStore.open(config.store(), clock);
        Vertx vertx = null;
        MediaServer media = null;
        LiveService live = null;
        try {
            Optional<App> created = Optional.empty();
            if (config.apps().createDefault() && apps.count() == 0) {
                App app = apps.create(config.apps().defaultName());
                LOG.info("created default app {} ({})", app.sdkAppId(), app.name());
                created = Optional.of(app);
            }
            media = MediaServer.start(config.media());
            vertx = Vertx.vertx();
            RequestAuthenticator authenticator = new RequestAuthenticator(apps, new UserSigVerifier(clock));
            DevUserSigRoute devUserSig = new DevUserSigRoute(vertx, apps, clock, config.apps().devUserSigEndpoint());
            RoomRegistry rooms = new RoomRegistry(config.room(), clock);
            // A media session that ends on its own (ICE/DTLS failure) withdraws its stream from the room too.
            media.onSessionEnded(rooms::onMediaSessionEnded);
            // The registry has no threads of its own: end expired resume grace periods once a second.
            vertx.setPeriodic(ROOM_TICK_MILLIS, id -> rooms.tick(clock.instant()));
            live = new LiveService(vertx, authenticator, config.live(), clock);
            live.bridgeRooms(media, rooms);
            if (config.rtmp().enabled()) {
                RtmpConfig rtmp = config.rtmp();
                live.startRtmp(rtmp.host(), rtmp.port(), RtmpServerConfig.DEFAULT.withListenerLimits(
                        rtmp.handshakeTimeout(), rtmp.idleTimeout(), rtmp.preAuthMaxBytes(), rtmp.maxMessageBytes(),
                        rtmp.maxConnectionsPerIp()));
            }
            int port = new HttpFrontDoor(vertx, apps, authenticator, media, rooms, config.signal(), clock, devUserSig,
                    live)
                    .listen(config.http())
                    .toCompletionStage().toCompletableFuture()
                    .get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("HTTP listening on {}:{}", config.http().host(), port);
            return new LianmaiServer(config, apps, vertx, media, live, port, created);
        } catch (Exception e) {
            if (vertx != null) {
                vertx.close();
            }
            if (media != null) {
                media.close();
            }
            if (live != null) {
                live.close();
            }
            apps.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot start Lianmai on " + config.http().host() + ":"
                    + config.http().port() + ": " + cause.getMessage(), cause);
        }
    }

    /** The TCP port the HTTP server bound (the configured one, or the one picked for port 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The base URL users should open. */
    public String baseUrl() {
        return config.http().baseUrl(httpPort);
    }

    /** The app this start created because the registry was empty, if any. */
    public Optional<App> createdDefaultApp() {
        return createdDefaultApp;
    }

    /** RTMP ingest and HTTP-FLV output. */
    public LiveService live() {
        return live;
    }

    /** The WebRTC media plane. */
    public MediaServer media() {
        return media;
    }

    public AppStore apps() {
        return apps;
    }

    public LianmaiConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        } finally {
            live.close();
            media.close();
            apps.close();
        }
    }
}
