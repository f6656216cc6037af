package io.lianmai.media.sdp;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gives each codec configuration in a server offer one payload type for the whole BUNDLE group: RFC 8843 §9.1
 * forbids one payload type meaning two configurations across bundled m-lines (Chrome rejects such an offer). It
 * keeps the publisher's number when free, so most packets need no rewriting.
 */
final class PayloadTypeAllocator {
    private final Map<String, Integer> byKey = new HashMap<>();
    private final Map<Integer, String> byPayloadType = new HashMap<>();

    /** Remembers an earlier allocation so a re-offer keeps its numbers (RFC 8829 §5.2.2). */
    void seed(RtpCodec codec) {
        String key = key(codec);
        if (!byKey.containsKey(key) && !byPayloadType.containsKey(codec.payloadType())) {
            byKey.put(key, codec.payloadType());
            byPayloadType.put(codec.payloadType(), key);
        }
    }

    /** The payload type for this configuration, preferring {@code codec.payloadType()}. */
    int allocate(RtpCodec codec) {
        String key = key(codec);
        Integer known = byKey.get(key);
        if (known != null) {
            return known;
        }
        int preferred = codec.payloadType();
        int pt = byPayloadType.containsKey(preferred) || !isDynamic(preferred) ? free() : preferred;
        byKey.put(key, pt);
        byPayloadType.put(pt, key);
        return pt;
    }

    /** RFC 3551's dynamic range, and 35..63, which browsers use as dynamic too once 96..127 is full. */
    private static boolean isDynamic(int pt) {
        return pt >= 96 && pt <= 127 || pt >= 35 && pt <= 63;
    }

    /** Dynamic payload types 96..127 first, then 35..63 as browsers do when those run out. */
    private int free() {
        for (int pt = 96; pt <= 127; pt++) {
            if (!byPayloadType.containsKey(pt)) {
                return pt;
            }
        }
        for (int pt = 35; pt <= 63; pt++) {
            if (!byPayloadType.containsKey(pt)) {
                return pt;
            }
        }
        throw new IllegalStateException("no free RTP payload type left in the offer");
    }

    private static String key(RtpCodec codec) {
        Map<String, String> parameters = new TreeMap<>();
        codec.parameters().forEach((k, v) -> parameters.put(k.toLowerCase(Locale.ROOT), v));
        return codec.name().toLowerCase(Locale.ROOT) + "/" + codec.clockRate() + "/" + codec.channelCount() + ";"
                + parameters;
    }
}
