package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RTP stream identifier, {@code a=rid:<id> <send|recv> [pt=<fmt>,...;<restriction>=<value>;...]}
 * (RFC 8851 §4). With {@link Simulcast} it names the layers of a simulcast sender.
 *
 * @param id           1..16 characters of {@code ALPHA / DIGIT / "-" / "_"}
 * @param direction    whether the writer sends or receives this stream
 * @param payloadTypes the {@code pt=} restriction, empty when absent
 * @param restrictions other restrictions ({@code max-width}, {@code max-fps}...), in order
 */
public record Rid(String id, RidDirection direction, List<Integer> payloadTypes, Map<String, String> restrictions) {
    /** RFC 8851 does not bound the length; RFC 8852 §3.1 says 16 octets fit the header extension. */
    private static final int MAX_ID_LENGTH = 255;

    public Rid {
        if (!isRidId(id)) {
            throw new IllegalArgumentException("rid id must be letters, digits, - or _: " + id);
        }
        if (direction == null) {
            throw new IllegalArgumentException("rid direction is required");
        }
        payloadTypes = List.copyOf(payloadTypes);
        for (int pt : payloadTypes) {
            if (pt < 0 || pt > 127) {
                throw new IllegalArgumentException("rid pt out of range: " + pt);
            }
        }
        restrictions = FormatParameters.copy(restrictions);
        if (restrictions.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("pt") || k.indexOf(',') >= 0)) {
            throw new IllegalArgumentException("pt is a separate field of Rid");
        }
    }

    /** A rid without restrictions. */
    public static Rid of(String id, RidDirection direction) {
        return new Rid(id, direction, List.of(), Map.of());
    }

    static Rid parse(String value) throws SdpException {
        String text = value.strip();
        String[] head = text.split("[ \t]+", 3);
        if (head.length < 2) {
            throw SdpSyntax.malformed("rid needs \"<id> <send|recv> [restrictions]\"");
        }
        if (!isRidId(head[0])) {
            throw SdpSyntax.malformed("rid id \"" + SdpException.shorten(head[0])
                    + "\" must be letters, digits, - or _");
        }
        RidDirection direction = RidDirection.parse(head[1]);
        List<Integer> pts = new ArrayList<>();
        Map<String, String> restrictions = new LinkedHashMap<>();
        if (head.length == 3) {
            for (Map.Entry<String, String> entry : FormatParameters.parse(head[2]).entrySet()) {
                if (entry.getKey().equalsIgnoreCase("pt")) {
                    for (String pt : entry.getValue().split(",", -1)) {
                        pts.add(SdpSyntax.parsePayloadType(pt.strip()));
                    }
                } else if (entry.getKey().indexOf(',') >= 0) {
                    throw SdpSyntax.malformed("rid restriction \"" + entry.getKey() + "\" is malformed");
                } else {
                    restrictions.put(entry.getKey(), entry.getValue());
                }
            }
        }
        return new Rid(head[0], direction, pts, restrictions);
    }

    static boolean isRidId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public String toValue() {
        StringBuilder out = new StringBuilder(id).append(' ').append(direction.sdpName());
        StringBuilder params = new StringBuilder();
        if (!payloadTypes.isEmpty()) {
            params.append("pt=");
            for (int i = 0; i < payloadTypes.size(); i++) {
                params.append(i == 0 ? "" : ",").append(payloadTypes.get(i));
            }
        }
        if (!restrictions.isEmpty()) {
            params.append(params.length() == 0 ? "" : ";").append(FormatParameters.format(restrictions));
        }
        if (params.length() > 0) {
            out.append(' ').append(params);
        }
        return out.toString();
    }
}
