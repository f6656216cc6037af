package io.lianmai.server.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The server API over Tencent Cloud API 3.0 ({@code POST /}, docs/rest-api.md) and its credentials.
 *
 * @param requestsPerSecond requests one credential may make to one action per second, burst and sustained: 20,
 *     TRTC's limit
 * @param requestsPerSecondPerIp requests per second one source address may send to the API, counted before
 *     authentication: 100 leaves a backend on one address room for five actions at TRTC's 20 each, while a flood of
 *     unsigned or badly signed requests costs the server at most that many parses and signature checks
 * @param burstPerIp requests one address may send at once: 200
 * @param removedUserRejoinBlock how long a user removed by {@code RemoveUser} cannot enter that room again: 60 s
 *     stops an SDK's automatic re-entry and a quick rejoin, and is short enough that a mistaken kick is forgiven
 *     without an operator; zero lets it back at once (TRTC's own behaviour)
 * @param credentialKey the AES-256 key that seals API SecretKeys in the database, base64; empty: the key in
 *     {@link #CREDENTIAL_KEY_FILE} under the data directory, created on first use
 */
public record ApiConfig(int requestsPerSecond, int requestsPerSecondPerIp, int burstPerIp,
        Duration removedUserRejoinBlock, Optional<String> credentialKey) {
    /** The node's credential key file under {@code data.dir}, created with owner-only permissions. */
    public static final String CREDENTIAL_KEY_FILE = "api-credential.key";

    /** TRTC's numbers, and the key file. */
    public static final ApiConfig DEFAULT = new ApiConfig(20, 100, 200, Duration.ofSeconds(60),
            Optional.empty());

    /** Never shows the credential key. */
    @Override
    public String toString() {
        return "ApiConfig[requestsPerSecond=" + requestsPerSecond + ", requestsPerSecondPerIp="
                + requestsPerSecondPerIp + ", burstPerIp=" + burstPerIp + ", removedUserRejoinBlock="
                + removedUserRejoinBlock + ", credentialKey=" + (credentialKey.isPresent() ? "(set)" : "(file)") + "]";
    }
}
