package io.lianmai.media.sfu;

import java.util.Map;
import java.util.Set;

/**
 * Maps a publisher's negotiated RTP header extension ids to one subscriber's (RFC 8285 extmap): the two sides
 * negotiated separately, so the same extension may carry different ids. Extensions the subscriber did not
 * negotiate are moved to an id it does not know anywhere in its session, so its stack ignores them (they cannot be
 * removed in place): a receiver may keep one id map for the whole bundle (aiortc does), so an id free in this m-line
 * but used by another one would be read as that other extension.
 */
public final class ExtensionIdMap {
    private static final int MAX_ID = 255;
    private final int[] map = new int[MAX_ID + 1];
    private boolean identity = true;

    private ExtensionIdMap() {
    }

    /**
     * Builds the map from both sides' {@code uri → id} tables.
     *
     * @param publisher the publisher's negotiated extensions
     * @param subscriber the subscriber's negotiated extensions of this m-line
     * @param usedInSession every id the subscriber's session negotiated, in any m-line
     */
    public static ExtensionIdMap between(Map<String, Integer> publisher, Map<String, Integer> subscriber,
            Set<Integer> usedInSession) {
        ExtensionIdMap result = new ExtensionIdMap();
        int unknown = unusedId(subscriber, usedInSession);
        for (int id = 0; id <= MAX_ID; id++) {
            result.map[id] = id == 0 ? 0 : unknown;
        }
        publisher.forEach((uri, id) -> {
            Integer theirs = subscriber.get(uri);
            if (id > 0 && id <= MAX_ID) {
                result.map[id] = theirs == null ? unknown : theirs;
                result.identity &= result.map[id] == id;
            }
        });
        return result;
    }

    /** The subscriber's id for the publisher's {@code id}. */
    public int map(int id) {
        return map[id & MAX_ID];
    }

    /** Whether every id the publisher uses maps to itself, so its packets need no rewriting. */
    public boolean isIdentity() {
        return identity;
    }

    private static int unusedId(Map<String, Integer> subscriber, Set<Integer> usedInSession) {
        // One-byte ids are 1..14; prefer the highest free one, which senders rarely use.
        for (int id = 14; id >= 1; id--) {
            if (!subscriber.containsValue(id) && !usedInSession.contains(id)) {
                return id;
            }
        }
        return 14;
    }
}
