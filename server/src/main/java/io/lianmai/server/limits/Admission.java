package io.lianmai.server.limits;

import io.lianmai.common.SdkAppId;
import io.lianmai.server.config.LimitsConfig;
import io.lianmai.server.limits.AdmissionRefusedException.Limit;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides whether a new session — a WHIP or WHEP session, a {@code /ws} room membership, an RTMP publication — may
 * start: caps on concurrent sessions per node, app, user (SDKAppID + userID) and source address, and token-bucket
 * rates of new sessions per source address and per app.
 *
 * <p>Two steps: {@link #checkAddressRate} before authentication (so an unauthenticated flood from one address costs
 * little and cannot drain an app's rate), {@link #admit} after it. An admitted session holds a {@link Ticket} that
 * its owner releases exactly once when the session ends.
 *
 * <p>Memory is bounded: session counts are kept only for keys with live sessions (so at most
 * {@code maxSessions} entries each); rate buckets per address are kept for at most {@code trackedAddresses}
 * addresses, the least recently seen forgotten first, and per app for apps that exist. Thread-safe: one lock, taken
 * once per session start or end, never per packet.
 */
public final class Admission {
    /** Retry-After for a cap: sessions end at unknown times; a few seconds spreads retries out. */
    static final long CAP_RETRY_AFTER_SECONDS = 5;

    private final LimitsConfig config;
    private final Object lock = new Object();
    private int sessions;
    private final Map<SdkAppId, Integer> perApp = new HashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final Map<String, Integer> perIp = new HashMap<>();
    private final RateBuckets<String> ipRates;
    private final RateBuckets<SdkAppId> appRates;

    public Admission(LimitsConfig config, Clock clock) {
        this.config = config;
        int tracked = config.trackedAddresses();
        this.ipRates = new RateBuckets<>(config.joinsPerSecondPerIp(), config.joinBurstPerIp(), tracked, clock);
        this.appRates = new RateBuckets<>(config.joinsPerSecondPerApp(), config.joinBurstPerApp(), tracked, clock);
    }

    /**
     * Takes one join from {@code address}'s rate; call before authenticating a request that would start a session.
     *
     * @throws AdmissionRefusedException (429) when the address starts sessions faster than
     *     {@code limits.joinsPerSecondPerIp} allows
     */
    public void checkAddressRate(String address) {
        long wait = ipRates.take(address);
        if (wait > 0) {
            throw new AdmissionRefusedException(Limit.IP_RATE, seconds(wait), "too many joins from this address: "
                    + "at most " + ipRates.rate() + " per second (limits.joinsPerSecondPerIp)");
        }
    }

    /**
     * Admits an authenticated session of {@code userId} of app {@code sdkAppId} from {@code address}.
     *
     * @return the ticket to {@link Ticket#release} when the session ends
     * @throws AdmissionRefusedException 503 when the node or the app is full, 429 when the user or address holds
     *     its share or the app starts sessions too fast
     */
    public Ticket admit(SdkAppId sdkAppId, String userId, String address) {
        String user = sdkAppId + "/" + userId;
        synchronized (lock) {
            if (sessions >= config.maxSessions()) {
                throw cap(Limit.NODE_SESSIONS, "the server is full: " + config.maxSessions()
                        + " sessions (limits.maxSessions)");
            }
            if (perApp.getOrDefault(sdkAppId, 0) >= config.maxSessionsPerApp()) {
                throw cap(Limit.APP_SESSIONS, "this app holds its most sessions on this server: "
                        + config.maxSessionsPerApp() + " (limits.maxSessionsPerApp)");
            }
            if (perUser.getOrDefault(user, 0) >= config.maxSessionsPerUser()) {
                throw cap(Limit.USER_SESSIONS, "this userID holds its most sessions: "
                        + config.maxSessionsPerUser() + " (limits.maxSessionsPerUser)");
            }
            if (perIp.getOrDefault(address, 0) >= config.maxSessionsPerIp()) {
                throw cap(Limit.IP_SESSIONS, "this address holds its most sessions: "
                        + config.maxSessionsPerIp() + " (limits.maxSessionsPerIp)");
            }
            long wait = appRates.take(sdkAppId);
            if (wait > 0) {
                throw new AdmissionRefusedException(Limit.APP_RATE, seconds(wait), "this app starts sessions too "
                        + "fast: at most " + appRates.rate() + " per second "
                        + "(limits.joinsPerSecondPerApp)");
            }
            sessions++;
            perApp.merge(sdkAppId, 1, Integer::sum);
            perUser.merge(user, 1, Integer::sum);
            perIp.merge(address, 1, Integer::sum);
        }
        return new Ticket(sdkAppId, user, address);
    }

    /** Sessions admitted and not yet released on this node. */
    public int sessions() {
        synchronized (lock) {
            return sessions;
        }
    }

    /** Sessions {@code userId} of app {@code sdkAppId} holds now. */
    public int userSessions(SdkAppId sdkAppId, String userId) {
        synchronized (lock) {
            return perUser.getOrDefault(sdkAppId + "/" + userId, 0);
        }
    }

    /** Source addresses whose join rate is remembered now (for tests of the bound). */
    int trackedAddresses() {
        return ipRates.tracked();
    }

    /** Apps, users and addresses with a live session (for tests: nothing stays once every session ended). */
    int countedKeys() {
        synchronized (lock) {
            return perApp.size() + perUser.size() + perIp.size();
        }
    }

    private void release(Ticket ticket) {
        synchronized (lock) {
            sessions--;
            decrement(perApp, ticket.sdkAppId);
            decrement(perUser, ticket.user);
            decrement(perIp, ticket.address);
        }
    }

    private static <K> void decrement(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }

    private static AdmissionRefusedException cap(Limit limit, String message) {
        return new AdmissionRefusedException(limit, CAP_RETRY_AFTER_SECONDS, message);
    }

    private static long seconds(long millis) {
        return (millis + 999) / 1000;
    }

    /** One admitted session's hold on the counts; {@link #release} is idempotent and thread-safe. */
    public final class Ticket {
        private final SdkAppId sdkAppId;
        private final String user;
        private final String address;
        private final AtomicBoolean released = new AtomicBoolean();

        private Ticket(SdkAppId sdkAppId, String user, String address) {
            this.sdkAppId = sdkAppId;
            this.user = user;
            this.address = address;
        }

        /** Gives the session's place back; later calls do nothing. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                Admission.this.release(this);
            }
        }
    }
}
