package io.lianmai.server.console;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * {@code /console}: the operator console, a static page and ES modules shipped in the jar ({@code web/console/}) with
 * uPlot from its webjar at {@code /console/vendor/uplot/}. The page holds no server-side session: it signs every
 * call to the server API ({@code POST /}) with the API credential the operator typed, so it can do exactly what
 * that credential can (docs/security.md).
 *
 * <p>Every response under {@code /console} carries a strict Content-Security-Policy (same-origin scripts, styles and
 * requests only, no inline script, no framing) so that text the page shows from the server (room and user IDs,
 * callback errors) can never run as script, and no referrer or caching of the page.
 */
public final class ConsoleRoutes {
    /** Where the uPlot webjar keeps its built files (org.webjars.npm:uplot, version pinned in server/pom.xml). */
    static final String UPLOT_DIST = "META-INF/resources/webjars/uplot/1.6.30/dist";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private ConsoleRoutes() {
    }

    /** Adds {@code /console} to {@code router}, before the catch-all static handler serves the page's files. */
    public static void mount(Router router) {
        // The page's relative URLs need the slash; Vert.x also matches "/console/" here, which must go on.
        router.get("/console").handler(context -> {
            if (context.request().path().equals("/console")) {
                context.redirect("/console/");
            } else {
                context.next();
            }
        });
        router.get("/console/*").handler(ConsoleRoutes::secure);
        router.get("/console/vendor/uplot/*").handler(StaticHandler.create(UPLOT_DIST).setCachingEnabled(false));
    }

    private static void secure(RoutingContext context) {
        context.response()
                .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer")
                .putHeader("cache-control", "no-store");
        context.next();
    }
}
