package io.lianmai.server.live;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Where a client reaches live output: the RTMP ingest base and the HTTP-FLV base, as a client that came in through
 * one HTTP request should address them. Signalling tells these to clients in {@code enter}'s {@code live} object so
 * that a mini program (whose only media path is RTMP out and FLV in) can name its streams (docs/protocol.md).
 *
 * <p>The host is the configured {@code http.publicUrl}'s, else the request's {@code Host}; the scheme of the FLV base
 * follows {@code X-Forwarded-Proto} (a TLS-terminating proxy), else the connection. The RTMP port is the bound one.
 * The bases carry the {@link PlaybackUrls} that sign each stream's playback query for members.
 * Thread-safe: immutable apart from the port supplier, which is read on each call.
 */
public final class LiveEndpoints {
    /** The application name in every live URL: {@code rtmp://host:1935/live/…}, {@code http://host/live/….flv}. */
    private static final String APP = "live";

    private final Optional<URI> publicUrl;
    private final IntSupplier rtmpPort;
    private final PlaybackUrls playbackUrls;

    /**
     * @param publicUrl {@code http.publicUrl}, when the server sits behind a proxy or a public name
     * @param rtmpPort the bound RTMP port, or -1 when RTMP is off (read on every call: RTMP binds after this exists)
     * @param playbackUrls signs members' playback queries
     */
    public LiveEndpoints(Optional<String> publicUrl, IntSupplier rtmpPort, PlaybackUrls playbackUrls) {
        this.publicUrl = publicUrl.filter(url -> !url.isBlank()).map(url -> URI.create(url.trim()));
        this.rtmpPort = rtmpPort;
        this.playbackUrls = playbackUrls;
    }

    /**
     * The two bases, without a trailing slash, and the signer of per-stream playback queries.
     *
     * @param rtmp {@code rtmp://host:port/live}, empty when RTMP is off
     * @param flv {@code http(s)://host[:port]/live}
     * @param playbackUrls signs each stream's {@code txSecret=…&txTime=…}
     */
    public record Bases(Optional<String> rtmp, String flv, PlaybackUrls playbackUrls) {
    }

    /** The bases for a client that reached this server the way {@code request} did. */
    public Bases forRequest(HttpServerRequest request) {
        String proto = request.getHeader("X-Forwarded-Proto");
        boolean secure = proto != null && !proto.isBlank()
                ? proto.split(",")[0].trim().toLowerCase(Locale.ROOT).equals("https")
                : request.isSSL();
        String authority = request.getHeader(HttpHeaders.HOST);
        if (authority == null || authority.isBlank()) {
            HostAndPort stated = request.authority();
            SocketAddress local = request.localAddress();
            authority = stated != null
                    ? hostLiteral(stated.host()) + (stated.port() >= 0 ? ":" + stated.port() : "")
                    : hostLiteral(local.hostAddress()) + ":" + local.port();
        }
        return forAuthority(secure, authority.trim());
    }

    /** As {@link #forRequest}, from the scheme and the {@code Host} value ({@code host[:port]}) the client used. */
    public Bases forAuthority(boolean secure, String authority) {
        String flv;
        String host;
        if (publicUrl.isPresent() && publicUrl.get().getHost() != null) {
            String base = publicUrl.get().toString();
            flv = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/" + APP;
            host = publicUrl.get().getHost();
        } else {
            flv = (secure ? "https://" : "http://") + authority + "/" + APP;
            host = hostOf(authority);
        }
        int port = rtmpPort.getAsInt();
        Optional<String> rtmp = port < 0 ? Optional.empty()
                : Optional.of("rtmp://" + hostLiteral(host) + ":" + port + "/" + APP);
        return new Bases(rtmp, flv, playbackUrls);
    }

    /** The host part of {@code host[:port]}, keeping an IPv6 literal's brackets. */
    static String hostOf(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(0, end + 1);
        }
        int colon = authority.indexOf(':');
        return colon < 0 || colon != authority.lastIndexOf(':') ? authority : authority.substring(0, colon);
    }

    private static String hostLiteral(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
