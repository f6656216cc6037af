package io.lianmai.server.metrics;

import io.lianmai.common.TrtcErrorCode;
import io.lianmai.server.config.MetricsConfig;
import io.lianmai.server.http.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}, on the HTTP port or on a management port of its own ({@code metrics.*}).
 *
 * <p>Who may scrape: with {@code metrics.token} set, a request must carry {@code Authorization: Bearer TOKEN}
 * (RFC 6750), else 401. Without a token, the HTTP port answers only loopback peers that sent no proxy header
 * ({@code Forwarded}, {@code X-Forwarded-For}, {@code X-Real-IP}: a reverse proxy on this machine would otherwise
 * make every client look local), else 403; the management port answers whoever reaches it (it binds loopback by
 * default). A scrape renders on a worker thread: it waits for the media loop's snapshot.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** Prometheus's text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String[] PROXY_HEADERS = {"forwarded", "x-forwarded-for", "x-real-ip"};

    private final Vertx vertx;
    private final NodeMetrics metrics;
    private final MetricsConfig config;
    private final Optional<byte[]> expectedAuthorization;
    private HttpServer ownServer;

    public MetricsEndpoint(Vertx vertx, NodeMetrics metrics, MetricsConfig config) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.config = config;
        this.expectedAuthorization = config.bearerToken()
                .map(token -> ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    /** Adds {@code GET /metrics} to the HTTP port's router, unless it is off or has its own port. */
    public void mount(Router router) {
        if (config.enabled() && !config.ownPort()) {
            router.get("/metrics").handler(context -> serve(context, true));
        }
    }

    /**
     * Starts the management port when {@code metrics.port} asks for one; the future carries its bound port, or -1
     * when there is none.
     */
    public Future<Integer> listen() {
        if (!config.enabled() || !config.ownPort()) {
            return Future.succeededFuture(-1);
        }
        if (expectedAuthorization.isEmpty() && !isLoopback(config.host())) {
            LOG.warn("metrics.port binds {} with no metrics.token: anyone who reaches it can read the node's load",
                    config.host());
        }
        Router router = Router.router(vertx);
        router.get("/metrics").handler(context -> serve(context, false));
        HttpServerOptions options = new HttpServerOptions().setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS);
        return vertx.createHttpServer(options).requestHandler(router).listen(config.port(), config.host())
                .map(server -> {
                    ownServer = server;
                    LOG.info("metrics on http://{}:{}/metrics", config.host(), server.actualPort());
                    return server.actualPort();
                });
    }

    private void serve(RoutingContext context, boolean httpPort) {
        if (expectedAuthorization.isPresent()) {
            String header = context.request().getHeader("authorization");
            if (header == null || !MessageDigest.isEqual(expectedAuthorization.get(),
                    header.getBytes(StandardCharsets.UTF_8))) {
                context.response().putHeader("www-authenticate", "Bearer realm=\"lianmai-metrics\"");
                new ApiError(401, TrtcErrorCode.PRIVILEGE_CHECK_FAILED,
                        "GET /metrics needs Authorization: Bearer <metrics.token>").send(context);
                return;
            }
        } else if (httpPort && !isLocalScraper(context)) {
            new ApiError(403, TrtcErrorCode.PRIVILEGE_CHECK_FAILED, "GET /metrics answers only this machine: set "
                    + "metrics.token to scrape from elsewhere, or use metrics.port").send(context);
            return;
        }
        vertx.executeBlocking(metrics::scrape, false).onComplete(result -> {
            if (result.failed()) {
                new ApiError(500, TrtcErrorCode.SERVER_FAILED, "metrics scrape failed: " + result.cause())
                        .send(context);
                return;
            }
            context.response().putHeader("content-type", CONTENT_TYPE).end(result.result());
        });
    }

    private static boolean isLocalScraper(RoutingContext context) {
        for (String header : PROXY_HEADERS) {
            if (context.request().getHeader(header) != null) {
                return false;
            }
        }
        SocketAddress remote = context.request().remoteAddress();
        return remote != null && remote.hostAddress() != null && isLoopback(remote.hostAddress());
    }

    /** Whether {@code address} (an IP literal, or a name) is a loopback address; a name is looked up. */
    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The management port's bound port, or -1 when it is not listening. */
    public int port() {
        HttpServer server = ownServer;
        return server == null ? -1 : server.actualPort();
    }

    /** Stops the management port (the HTTP port's route stops with the HTTP server). */
    @Override
    public void close() {
        HttpServer server = ownServer;
        if (server != null) {
            server.close();
        }
    }
}
