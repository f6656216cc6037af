package io.lianmai.live.rtmp;

/**
 * A publish or play name split at the first '?': "stream?usersig=...&sdkappid=..." becomes name "stream" and query
 * "usersig=...&sdkappid=..." (empty when absent). The query carries credentials, so {@link #toString()} omits it.
 */
public record StreamName(String name, String query) {
    public static StreamName parse(String raw) {
        if (raw == null) {
            return new StreamName("", "");
        }
        int q = raw.indexOf('?');
        return q < 0 ? new StreamName(raw, "") : new StreamName(raw.substring(0, q), raw.substring(q + 1));
    }

    @Override
    public String toString() {
        return name + (query.isEmpty() ? "" : "?<query>");
    }
}
