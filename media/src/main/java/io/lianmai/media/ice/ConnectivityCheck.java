package io.lianmai.media.ice;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * What goes into an ICE connectivity check, a Binding request (RFC 8445 §7.2.2), for the client side: the load
 * generator and tests acting as a browser against the server. Written by
 * {@link StunMessageWriter#writeBindingRequest}.
 *
 * @param transactionId 12 random bytes (copied); see {@link #randomTransactionId}
 * @param username      {@code <receiver's ufrag>:<sender's ufrag>}, e.g. {@code serverUfrag + ":" + clientUfrag}
 * @param priority      PRIORITY: the priority a peer-reflexive candidate of the sender would get, 1..2^32-1
 * @param role          the sender's role: sends ICE-CONTROLLING or ICE-CONTROLLED
 * @param tieBreaker    the role attribute's 64-bit tie-breaker
 * @param useCandidate  whether to nominate the pair with USE-CANDIDATE (only a controlling agent does)
 *
 * <p>The transaction ID is copied in and out, so two checks are never {@code equals}; compare fields instead.
 */
public record ConnectivityCheck(byte[] transactionId, String username, long priority, IceRole role, long tieBreaker,
        boolean useCandidate) {

    public ConnectivityCheck {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        if (transactionId.length != StunMessage.TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("STUN transaction ID must have 12 bytes, got " + transactionId.length);
        }
        int usernameBytes = username.getBytes(StandardCharsets.UTF_8).length;
        if (usernameBytes == 0 || usernameBytes > StunMessage.MAX_USERNAME_LENGTH) {
            throw new IllegalArgumentException("USERNAME must have 1.." + StunMessage.MAX_USERNAME_LENGTH
                    + " bytes, got " + usernameBytes);
        }
        if (priority < 1 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("PRIORITY must be 1..2^32-1, got " + priority);
        }
        transactionId = transactionId.clone();
    }

    /** A transaction ID from a cryptographic random source, as RFC 8489 §6 asks. */
    public static byte[] randomTransactionId(SecureRandom random) {
        byte[] id = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        random.nextBytes(id);
        return id;
    }

    /** A copy of the transaction ID. */
    @Override
    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** The transaction ID itself, for the writer. */
    byte[] transactionIdBytes() {
        return transactionId;
    }
}
