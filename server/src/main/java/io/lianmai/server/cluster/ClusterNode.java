package io.lianmai.server.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One node's registry entry, as JSON in Redis under {@code lianmai:node:{id}} (renewed every heartbeat, expiring
 * after {@code cluster.nodeTtlMillis} without one).
 *
 * @param id           {@code cluster.nodeId}
 * @param url          base URL clients are sent to ({@code http.publicUrl}, else the internal URL): signalling,
 *                     WHIP/WHEP, live output
 * @param internalUrl  base URL other nodes reach its HTTP port at ({@code cluster.internalUrl})
 * @param mediaPort    its WebRTC UDP port
 * @param rtmpPort     its RTMP port, -1 when RTMP is off
 * @param rooms        rooms it serves
 * @param members      members of those rooms
 * @param sessions     WebRTC media sessions
 * @param bitrateOutBps media bits per second sent in the last heartbeat interval
 * @param cpu          the process's CPU load over the machine's cores, 0..1 (-1 when unknown)
 * @param draining     whether it takes no new rooms and is moving its members away ({@code lianmai node drain})
 * @param startedAt    when it started, epoch ms
 * @param version      the Lianmai version it runs
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterNode(String id, String url, String internalUrl, int mediaPort, int rtmpPort, int rooms, int members, int sessions,
                          long bitrateOutBps, double cpu, boolean draining, long startedAt, String version) {
    /** The signalling WebSocket URL of this node ({@code ws://host:port/ws}, {@code wss://} behind https). */
    public String webSocketUrl() {
        return webSocketUrl(url);
    }

    /**
     * The URL of {@code requestUri} on this node, for a redirect there (WHIP/WHEP 307, live output 302): its
     * {@link #url() base URL} without its trailing slash, then the request's path and query as received. An
     * absolute-form request target ({@code http://host/path?query}, from a proxy) contributes its path and query only.
     */
    public String urlFor(String requestUri) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String target = requestUri;
        if (!target.startsWith("/")) {
            java.net.URI parsed = java.net.URI.create(target);
            String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
            target = parsed.getRawQuery() == null ? path : path + "?" + parsed.getRawQuery();
        }
        return base + target;
    }

    /** {@code base} ({@code http(s)://host:port/}) as its signalling WebSocket URL. */
    public static String webSocketUrl(String base) {
        String trimmed = base.endsWith("/") ? base : base + "/";
        if (trimmed.startsWith("https://")) {
            return "wss://" + trimmed.substring("https://".length()) + "ws";
        }
        if (trimmed.startsWith("http://")) {
            return "ws://" + trimmed.substring("http://".length()) + "ws";
        }
        return trimmed + "ws";
    }
}
