package io.lianmai.auth;

import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * A time-limited TURN credential in the "TURN REST API" form (draft-uberti-behave-turn-rest-00 §2.2), the one coturn
 * checks with {@code use-auth-secret} / {@code static-auth-secret}: the username is {@code expiry:userID}, expiry in
 * Unix seconds; the password is the Base64 of HMAC-SHA1 of that username under the secret the TURN server shares
 * with Lianmai. The TURN server needs no call to Lianmai: it recomputes the MAC and refuses an expired username.
 *
 * @param username {@code expiry:userID}
 * @param credential Base64(HMAC-SHA1(secret, username))
 * @param expiresAt when the TURN server stops accepting it (allocations are refreshed with it, so it must outlive the
 *     call)
 */
public record TurnCredential(String username, String credential, Instant expiresAt) {
    public TurnCredential {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * Issues the credential of {@code userId} valid until {@code expiresAt}.
     *
     * @param secret the shared secret (coturn's {@code static-auth-secret})
     */
    public static TurnCredential issue(String secret, String userId, Instant expiresAt) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the TURN shared secret is empty");
        }
        String username = expiresAt.getEpochSecond() + ":" + userId;
        return new TurnCredential(username, Base64.getEncoder().encodeToString(Hmac.sha1(secret, username)),
                expiresAt);
    }

    @Override
    public String toString() {
        return "TurnCredential[" + username + ", expires " + expiresAt + "]";
    }
}
