package io.lianmai.server.cluster;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks requests between the nodes of a cluster with the shared {@code cluster.secret}: an HMAC-SHA256
 * over the method, the path (with its query), the calling node's id, the time and the SHA-256 of the body, carried
 * in three headers. A request is accepted within {@link #MAX_SKEW} of the receiver's clock (either way), so a
 * captured request cannot be replayed later; within that window it can, which the relay endpoint tolerates (a
 * replayed offer only makes one more relay session for a peer that cannot finish its DTLS handshake).
 *
 * <p>String to sign, UTF-8, fields separated by {@code \n}:
 * <pre>
 * METHOD \n /path?query \n nodeId \n timestampMillis \n hex(sha256(body))
 * </pre>
 *
 * <p>Thread-safe: each call makes its own {@link Mac}.
 */
public final class NodeRequestSigner {
    public static final String NODE_HEADER = "X-Lianmai-Node";
    public static final String TIMESTAMP_HEADER = "X-Lianmai-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Lianmai-Signature";
    /** How far the sender's clock and the receiver's may disagree, replay window included. */
    public static final Duration MAX_SKEW = Duration.ofSeconds(30);
    /** The secret's length (cluster.secret: 32 bytes). */
    public static final int SECRET_LENGTH = 32;
    private static final String NODE_ID_PATTERN = "[A-Za-z0-9._-]{1,64}";
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] secret;
    private final String nodeId;
    private final Clock clock;

    /**
     * @param secret {@code cluster.secret}; a node without one ({@code length != 32}) signs nothing and refuses
     *     every request with {@link Verdict#reason() "this node has no cluster.secret"}
     * @param nodeId this node's id, sent with its requests
     */
    public NodeRequestSigner(byte[] secret, String nodeId, Clock clock) {
        this.secret = secret.clone();
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /** Whether this node has a secret to sign and check with. */
    public boolean hasSecret() {
        return secret.length == SECRET_LENGTH;
    }

    /**
     * The headers that sign a request from this node.
     *
     * @throws IllegalStateException when this node has no secret
     */
    public Map<String, String> sign(String method, String pathAndQuery, byte[] body) {
        if (!hasSecret()) {
            throw new IllegalStateException("cluster.secret is not set (32 bytes in base64): this node cannot sign "
                    + "requests to other nodes");
        }
        String timestamp = Long.toString(clock.millis());
        return Map.of(NODE_HEADER, nodeId, TIMESTAMP_HEADER, timestamp,
                SIGNATURE_HEADER, HEX.formatHex(mac(method, pathAndQuery, nodeId, timestamp, body)));
    }

    /**
     * Checks a request; the header values may be null (missing).
     *
     * @return accepted with the calling node's id, or refused with the reason to send back
     */
    public Verdict verify(String method, String pathAndQuery, String node, String timestamp, String signature,
            byte[] body) {
        if (!hasSecret()) {
            return Verdict.refused("this node has no cluster.secret: it accepts no node-to-node requests");
        }
        if (node == null || timestamp == null || signature == null) {
            return Verdict.refused("unsigned: the " + NODE_HEADER + ", " + TIMESTAMP_HEADER + " and "
                    + SIGNATURE_HEADER + " headers are required");
        }
        if (!node.matches(NODE_ID_PATTERN)) {
            return Verdict.refused(NODE_HEADER + " is not a node id");
        }
        long millis;
        try {
            millis = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return Verdict.refused(TIMESTAMP_HEADER + " must be milliseconds since the epoch");
        }
        long skew = Math.abs(clock.millis() - millis);
        if (skew > MAX_SKEW.toMillis() || millis < 0) {
            return Verdict.refused("stale: " + TIMESTAMP_HEADER + " is more than " + MAX_SKEW.toSeconds()
                    + " s from this node's clock (are the nodes' clocks synchronised?)");
        }
        byte[] given;
        try {
            given = HEX.parseHex(signature);
        } catch (IllegalArgumentException e) {
            return Verdict.refused(SIGNATURE_HEADER + " must be hexadecimal");
        }
        if (!MessageDigest.isEqual(given, mac(method, pathAndQuery, node, timestamp, body))) {
            return Verdict.refused("bad signature: not signed with this cluster's cluster.secret, or the request "
                    + "was changed on the way");
        }
        return new Verdict(Optional.of(node), "");
    }

    private byte[] mac(String method, String pathAndQuery, String node, String timestamp, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String toSign = method + "\n" + pathAndQuery + "\n" + node + "\n" + timestamp + "\n"
                    + HEX.formatHex(sha.digest(body));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /**
     * The outcome of {@link #verify}.
     *
     * @param node the calling node's id when accepted
     * @param reason why it was refused, empty when accepted
     */
    public record Verdict(Optional<String> node, String reason) {
        static Verdict refused(String reason) {
            return new Verdict(Optional.empty(), reason);
        }

        public boolean accepted() {
            return node.isPresent();
        }
    }
}
