package io.lianmai.live.rtmp;

import java.util.Locale;

/**
 * An RTMP publish or play URL, {@code rtmp://host[:port]/app/stream[?query]}, split the way FFmpeg splits it: the
 * first path segment is the application, the rest (with the query, which CDNs use for their auth tokens, e.g.
 * {@code ?txSecret=…&txTime=…}) is the stream name sent in {@code publish}.
 *
 * @param host       host name or IP address (an IPv6 literal without brackets)
 * @param port       TCP port, 1935 when the URL has none
 * @param app        application name, the {@code app} of {@code connect} (RTMP 7.2.1.1)
 * @param streamName stream name with its query, the argument of {@code publish} (RTMP 7.2.2.6)
 */
public record RtmpUrl(String host, int port, String app, String streamName) {
    /** The port RTMP uses when a URL names none. */
    public static final int DEFAULT_PORT = 1935;
    /** Longest URL accepted; CDN URLs with tokens are a few hundred characters. */
    public static final int MAX_LENGTH = 2048;
    private static final String SCHEME = "rtmp://";

    /**
     * Parses {@code url}.
     *
     * @throws IllegalArgumentException saying what is wrong (credentials in the query are never echoed)
     */
    public static RtmpUrl parse(String url) {
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException("the RTMP URL is empty");
        }
        if (url.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the RTMP URL is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("the RTMP URL contains a space, control or non-ASCII character at "
                        + i + " (percent-encode it)");
            }
        }
        if (!url.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            int colon = url.indexOf("://");
            if (colon <= 0 || colon >= 16) {
                throw new IllegalArgumentException("the URL must start with rtmp://");
            }
            throw new IllegalArgumentException("only rtmp:// URLs are supported, not scheme " + url.substring(0, colon));
        }
        String rest = url.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("the RTMP URL has no application and stream: rtmp://host/app/stream");
        }
        String authority = rest.substring(0, slash);
        String path = rest.substring(slash + 1);
        if (authority.indexOf('@') >= 0) {
            throw new IllegalArgumentException("user info (user:password@) in RTMP URLs is not supported");
        }
        String host;
        int port = DEFAULT_PORT;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unterminated IPv6 literal in the RTMP URL host");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("unexpected characters after the IPv6 literal");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the RTMP URL has no host");
        }
        if (portText != null) {
            port = parsePort(portText);
        }
        int query = path.indexOf('?');
        String pathOnly = query < 0 ? path : path.substring(0, query);
        int appEnd = pathOnly.indexOf('/');
        if (appEnd <= 0 || appEnd == pathOnly.length() - 1) {
            throw new IllegalArgumentException("the RTMP URL needs an application and a stream name: "
                    + "rtmp://host/app/stream");
        }
        String app = pathOnly.substring(0, appEnd);
        String stream = path.substring(appEnd + 1);
        return new RtmpUrl(host.toLowerCase(Locale.ROOT), port, app, stream);
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5) {
            throw new IllegalArgumentException("the RTMP URL port must be 1..65535");
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("the RTMP URL port must be 1..65535");
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the RTMP URL port must be 1..65535");
        }
        return port;
    }

    /** The {@code tcUrl} of {@code connect}: {@code rtmp://host:port/app}. */
    public String tcUrl() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return SCHEME + h + ":" + port + "/" + app;
    }

    /** The URL without the query (which may carry CDN credentials): safe to log. */
    public String redacted() {
        StreamName name = StreamName.parse(streamName);
        return tcUrl() + "/" + name;
    }

    @Override
    public String toString() {
        return redacted();
    }
}
