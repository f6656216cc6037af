package io.lianmai.server.limits;

/**
 * A new session refused by {@link Admission}: which limit, when to try again, and a message for the client (it names
 * the limit, never another client's data).
 */
public final class AdmissionRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which limit refused; decides the HTTP status and the signalling code. */
    public enum Limit {
        NODE_SESSIONS(true), APP_SESSIONS(true), USER_SESSIONS(false), IP_SESSIONS(false), IP_RATE(false),
        APP_RATE(false);

        private final boolean capacity;

        Limit(boolean capacity) {
            this.capacity = capacity;
        }

        /** True when the server (or the app's share of it) is full: 503; false for a client over its share: 429. */
        public boolean capacity() {
            return capacity;
        }
    }

    private final Limit limit;
    private final long retryAfterSeconds;

    AdmissionRefusedException(Limit limit, long retryAfterSeconds, String message) {
        super(message, null, false, false);
        this.limit = limit;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public Limit limit() {
        return limit;
    }

    /** Seconds after which trying again may succeed (at least 1). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** 503 when the node or app is full, 429 when one client is over its share or rate. */
    public int httpStatus() {
        return limit.capacity() ? 503 : 429;
    }
}
