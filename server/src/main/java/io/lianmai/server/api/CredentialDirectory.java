package io.lianmai.server.api;

import io.lianmai.server.limits.TokenBucket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's copy of the API credentials, held in memory with their keys opened, so that verifying a request
 * costs no database read — above all a request with a made-up SecretId, which anyone can send.
 *
 * <p>The copy is read again when it is older than the refresh interval ({@code apps.refreshSeconds}, as the apps
 * are), and when a SecretId it does not know is asked for, within a budget of {@link #MISS_RELOADS_PER_SECOND}
 * reloads per second ({@link #MISS_RELOAD_BURST} at once): a credential made by {@code lianmai apikey create} in
 * another process works from its first request, and a flood of unknown SecretIds costs at most that many reads of
 * the (small) credential table per second, however many requests it sends. A request whose signature verified
 * confirms that its credential still exists ({@link #stillExists}, one read): a deleted credential stops at once,
 * and only holders of a key pay for that read.
 *
 * <p>Thread-safe: readers see an immutable snapshot; reloads are serialised, on the caller's (worker) thread.
 */
public final class CredentialDirectory {
    /** Reloads per second that SecretIds unknown to the copy may cause, sustained. */
    static final int MISS_RELOADS_PER_SECOND = 10;
    /** Reloads unknown SecretIds may cause at once. */
    static final int MISS_RELOAD_BURST = 20;
    private static final Logger LOG = LoggerFactory.getLogger(CredentialDirectory.class);

    private final ApiCredentials credentials;
    private final long refreshMillis;
    private final Clock clock;
    private final TokenBucket missReloads;
    private volatile Snapshot snapshot;
    private long reloads;

    /** What one reload read; {@code loadedAt} in the clock's milliseconds. */
    private record Snapshot(Map<String, ApiCredentials.Credential> byId, Set<String> unopenable, long loadedAt) {
    }

    /**
     * @param refresh how old the copy may grow before a request reads it again ({@code apps.refreshSeconds})
     */
    public CredentialDirectory(ApiCredentials credentials, Duration refresh, Clock clock) {
        this.credentials = credentials;
        this.refreshMillis = refresh.toMillis();
        this.clock = clock;
        this.missReloads = new TokenBucket(MISS_RELOADS_PER_SECOND, MISS_RELOAD_BURST, clock.millis());
    }

    /**
     * The credential with {@code secretId}, its key opened; empty when there is none, or when the id has not the
     * shape of one (no reload then).
     *
     * @throws IllegalStateException when its key was sealed with another credential key
     */
    public Optional<ApiCredentials.Credential> find(String secretId) {
        if (!ApiCredentials.isSecretId(secretId)) {
            return Optional.empty();
        }
        Snapshot current = fresh();
        if (!current.byId().containsKey(secretId) && !current.unopenable().contains(secretId)) {
            current = reloadForMiss();
        }
        if (current.unopenable().contains(secretId)) {
            throw new IllegalStateException(CredentialCipher.unopenable(secretId));
        }
        return Optional.ofNullable(current.byId().get(secretId));
    }

    /**
     * Whether {@code credential}, found here and whose signature verified, is still in the table (one database
     * read): deleted with {@code lianmai apikey delete}, it is refused from the next request on.
     */
    public boolean stillExists(ApiCredentials.Credential credential) {
        return credentials.exists(credential.secretId());
    }

    /** Times the credential table was read (for tests of the flood bound). */
    synchronized long reloads() {
        return reloads;
    }

    private Snapshot fresh() {
        Snapshot current = snapshot;
        if (current != null && clock.millis() - current.loadedAt() < refreshMillis) {
            return current;
        }
        return reloadUnlessWithin(refreshMillis);
    }

    /** Reads the table again for a SecretId the copy does not know, if the budget for that allows. */
    private synchronized Snapshot reloadForMiss() {
        if (!missReloads.tryTake(clock.millis())) {
            return snapshot;
        }
        return reloadUnlessWithin(0);
    }

    /** Reads the table again unless the copy is younger than {@code minAgeMillis} (a concurrent caller's reload). */
    private synchronized Snapshot reloadUnlessWithin(long minAgeMillis) {
        Snapshot current = snapshot;
        long now = clock.millis();
        if (current != null && minAgeMillis > 0 && now - current.loadedAt() < minAgeMillis) {
            return current;
        }
        ApiCredentials.Opened opened = credentials.openAll();
        Map<String, ApiCredentials.Credential> byId = new HashMap<>();
        for (ApiCredentials.Credential credential : opened.credentials()) {
            byId.put(credential.secretId(), credential);
        }
        Set<String> unopenable = Set.copyOf(opened.unopenable());
        if (!unopenable.isEmpty() && (current == null || !current.unopenable().equals(unopenable))) {
            LOG.warn("API credentials {} cannot be opened with this node's credential key (api.credentialKey): "
                    + "requests signed with them are refused", List.copyOf(unopenable));
        }
        reloads++;
        snapshot = new Snapshot(Map.copyOf(byId), unopenable, now);
        return snapshot;
    }
}
