package io.lianmai.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Cluster mode ({@code cluster.*}, docs/cluster.md): the Redis server every node shares, this node's name and the
 * address other nodes reach it at, the secret nodes prove themselves to each other with, and the heartbeat.
 * {@link #enabled} is false on a single node, which then needs no Redis.
 *
 * @param redis         {@code redis://[:password@]host:port[/db]}; empty: a single node
 * @param nodeId        this node's name in the registry (letters, digits, {@code .-_}, at most 64)
 * @param secret        32 bytes every node shares: signs node-to-node requests and keys their media relays
 * @param internalUrl   base URL other nodes reach this node's HTTP port at; empty: {@code http.publicUrl}, or
 *                      {@code http://{first media.publicIp}:{bound http port}/} (see {@link #internalUrl(Optional, String, int)})
 * @param heartbeat     how often this node renews its registry entry and load
 * @param nodeTtl       how long an entry lives without a heartbeat: a node killed is forgotten after it
 * @param edgeAudience  whether a live room's audience stays on the node it reached, playing the anchors through
 *                      relays from the room's node, instead of going there
 * @param roomMembersPerNode how many members of one room its node holds before members who reach another node stay
 *                      there (the room then spans nodes, each showing the others' members through relays)
 * @param maxEdgeRooms  rooms this node shows at most as an edge (served by another node); beyond, members go there
 * @param edgeFanout    edges a node feeds directly at most per room, beyond which new edges pull from an edge (a
 *                      tree); 0: every edge pulls from the room's node
 */
public record ClusterConfig(Optional<URI> redis, String nodeId, byte[] secret, Optional<URI> internalUrl, Duration heartbeat,
                            Duration nodeTtl, boolean edgeAudience, int roomMembersPerNode,
                            int maxEdgeRooms, int edgeFanout) {
    /** Node ids are used in Redis keys and URLs. */
    public static final String NODE_ID_PATTERN = "[A-Za-z0-9._-]{1,64}";

    public ClusterConfig {
        secret = secret.clone();
    }

    /** Whether this node is part of a cluster. */
    public boolean enabled() {
        return redis.isPresent();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public String toString() {
        return "ClusterConfig[redis=" + redis.map(ClusterConfig::withoutPassword).orElse("(single node)")
                + ", nodeId=" + nodeId + ", internalUrl=" + internalUrl + ", heartbeat=" + heartbeat + ", nodeTtl="
                + nodeTtl + "]";
    }

    /** The Redis URI with any password taken out, for logs. */
    public static String withoutPassword(URI uri) {
        return uri.getUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }

    /**
     * The base URL other nodes reach this node at, ending in {@code /}: {@link #internalUrl} when set, else
     * {@code publicUrl} when set, else {@code http://{firstAddress}:{boundPort}/}.
     */
    public String internalUrl(Optional<String> publicUrl, String firstAddress, int boundPort) {
        String url = internalUrl.map(URI::toString).or(() -> publicUrl).orElseGet(() -> "http://"
                + (firstAddress.contains(":") ? "[" + firstAddress + "]" : firstAddress) + ":" + boundPort + "/");
        return url.endsWith("/") ? url : url + "/";
    }

    /** Whether {@code duration} is shorter than twice the heartbeat (an entry would expire between heartbeats). */
    static boolean tooShortForHeartbeat(Duration ttl, Duration heartbeat) {
        return ttl.compareTo(heartbeat.multipliedBy(2)) < 0;
    }
}
