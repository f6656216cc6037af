package io.lianmai.server.live;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.mix.StillImage;
import io.lianmai.server.config.MixConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches the images a mix request names by URL (TRTC {@code EncodeParams.BackgroundImageUrl},
 * {@code PresetLayoutConfig.PlaceImageUrl}) without letting a REST caller aim this server at itself or its network:
 * {@code http}/{@code https} only, no user info; the host is resolved once and every address checked by a
 * {@link CdnTargetPolicy} ({@code mix.imageAllowPrivateHosts}, {@code mix.imageAllowedHosts}), and the request goes to
 * the checked address (the Host header and the TLS server name come from the URL: no second lookup, so no DNS
 * rebinding); no redirects; at most {@code mix.imageMaxBytes} within {@code mix.imageTimeoutMillis}, connect to last
 * byte; the bytes must decode as PNG or JPEG of at most {@code mix.imageMaxPixels} pixels.
 *
 * <p>Blocking (DNS, the download, the decoder): call from a worker thread, never an event loop, and hold no lock others
 * wait for. Thread-safe.
 */
public final class MixImageFetcher implements AutoCloseable {
    /** Longest URL taken. */
    static final int MAX_URL_LENGTH = 2048;

    /** An image that cannot be used; the message says why and is safe to show to the REST caller. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedException(String message) {
            super(message, null, false, false);
        }
    }

    private final HttpClient http;
    private final CdnTargetPolicy policy;
    private final MixConfig limits;

    /** With the system resolver. */
    public MixImageFetcher(Vertx vertx, MixConfig limits) {
        this(vertx, limits, InetAddress::getAllByName);
    }

    public MixImageFetcher(Vertx vertx, MixConfig limits, CdnTargetPolicy.Resolver resolver) {
        this.limits = limits;
        this.policy = new CdnTargetPolicy(limits.imageAllowPrivateHosts(), limits.imageAllowedHosts(),
                java.util.List.of(), "mix images come only from public addresses (mix.imageAllowPrivateHosts, "
                        + "mix.imageAllowedHosts)", resolver);
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(false)
                .setForceSni(true) // the URL's host name, not the checked address, names the TLS server
                .setVerifyHost(true)
                .setMaxRedirects(0)
                .setConnectTimeout(limits.imageTimeoutMillis()));
    }

    /**
     * Fetches and decodes {@code url}; the caller owns the image (close it).
     *
     * @throws RefusedException when the URL, its target, the answer or the image is refused, or the fetch is too slow
     */
    public StillImage fetch(String url) throws RefusedException {
        URI uri = parse(url);
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        InetSocketAddress target;
        try {
            target = policy.check(uri.getHost(), port);
        } catch (CdnTargetPolicy.DeniedException e) {
            throw new RefusedException(e.getMessage());
        }
        byte[] body = download(uri, https, port, target);
        try {
            return StillImage.decode(body, limits.imageMaxPixels());
        } catch (CodecException e) {
            throw new RefusedException("is not a PNG or JPEG image of at most " + limits.imageMaxPixels()
                    + " pixels (mix.imageMaxPixels): " + e.getMessage());
        }
    }

    /** An absolute http(s) URL with a host and no user info. */
    static URI parse(String url) throws RefusedException {
        if (url.length() > MAX_URL_LENGTH) {
            throw new RefusedException("is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedException("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RefusedException("must be an http:// or https:// URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new RefusedException("must name a host and no user info");
        }
        return uri;
    }

    private byte[] download(URI uri, boolean https, int port, InetSocketAddress target) throws RefusedException {
        int timeout = limits.imageTimeoutMillis();
        int maxBytes = limits.imageMaxBytes();
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(target))
                .setHost(host)
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setFollowRedirects(false)
                .setConnectTimeout(timeout)
                .setIdleTimeout(timeout)
                .putHeader("Accept", "image/png, image/jpeg");
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<io.vertx.core.http.HttpClientRequest> pending =
                new java.util.concurrent.atomic.AtomicReference<>();
        http.request(request).onFailure(result::completeExceptionally).onSuccess(req -> {
            pending.set(req);
            req.exceptionHandler(result::completeExceptionally);
            req.send().onFailure(result::completeExceptionally).onSuccess(response -> {
                if (response.statusCode() != 200) {
                    result.completeExceptionally(new RefusedException("answered HTTP " + response.statusCode()
                            + " (redirects are not followed)"));
                    req.reset();
                    return;
                }
                String length = response.getHeader("Content-Length");
                if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > maxBytes) {
                    result.completeExceptionally(new RefusedException(tooLargeMessage(maxBytes)));
                    req.reset();
                    return;
                }
                Buffer body = Buffer.buffer();
                response.handler(chunk -> {
                    if (body.length() + chunk.length() > maxBytes) {
                        result.completeExceptionally(new RefusedException(tooLargeMessage(maxBytes)));
                        req.reset();
                    } else {
                        body.appendBuffer(chunk);
                    }
                });
                response.exceptionHandler(result::completeExceptionally);
                response.endHandler(end -> result.complete(body.getBytes()));
            });
        });
        try {
            return result.get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RefusedException("did not answer within " + timeout + " ms (mix.imageTimeoutMillis)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RefusedException("fetch interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RefusedException refused) {
                throw refused;
            }
            if (e.getCause() instanceof TimeoutException) {
                // The client's own connect or idle timeout (the same limit) can fire before the wait above ends.
                throw new RefusedException("did not answer within " + timeout + " ms (mix.imageTimeoutMillis)");
            }
            throw new RefusedException("cannot be fetched: " + e.getCause().getClass().getSimpleName());
        } finally {
            io.vertx.core.http.HttpClientRequest req = pending.get();
            if (!result.isDone() || result.isCompletedExceptionally()) {
                result.cancel(false);
                if (req != null) {
                    req.reset(); // a slow or refused answer: the connection goes
                }
            }
        }
    }

    private static String tooLargeMessage(int maxBytes) {
        return "is larger than " + maxBytes + " bytes (mix.imageMaxBytes)";
    }

    @Override
    public void close() {
        http.close();
    }
}
