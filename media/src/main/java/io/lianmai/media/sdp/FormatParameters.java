package io.lianmai.media.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code key=value;key=value} lists of {@code a=fmtp} (RFC 8866 §6.15) and of rid restrictions (RFC 8851 §4),
 * kept in their written order. A part without {@code =} (Opus RED's {@code 111/111}, telephone-event's
 * {@code 0-15}) becomes a key with an empty value.
 */
final class FormatParameters {
    private FormatParameters() {
    }

    static Map<String, String> parse(String text) throws SdpException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(";", -1)) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            String key = (eq < 0 ? item : item.substring(0, eq)).strip();
            String value = eq < 0 ? "" : item.substring(eq + 1).strip();
            if (key.isEmpty() || key.indexOf(' ') >= 0 || key.indexOf('\t') >= 0) {
                throw SdpSyntax.malformed("parameter \"" + SdpException.shorten(item) + "\" has no key");
            }
            if (value.indexOf(';') >= 0) {
                throw SdpSyntax.malformed("parameter \"" + SdpException.shorten(item) + "\" is malformed");
            }
            out.putIfAbsent(key, value);
        }
        return Collections.unmodifiableMap(out);
    }

    /** An unmodifiable copy that keeps the given order; checks each entry can be written back. */
    static Map<String, String> copy(Map<String, String> parameters) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            if (key == null || key.isEmpty() || value == null || !SdpSyntax.isLineText(key)
                    || !SdpSyntax.isLineText(value) || key.indexOf(';') >= 0 || key.indexOf('=') >= 0
                    || key.indexOf(' ') >= 0 || key.indexOf('\t') >= 0 || value.indexOf(';') >= 0
                    || !value.equals(value.strip())) {
                throw new IllegalArgumentException("parameter cannot be written: " + key + "=" + value);
            }
            out.put(key, value);
        }
        return Collections.unmodifiableMap(out);
    }

    static String format(Map<String, String> parameters) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            if (out.length() > 0) {
                out.append(';');
            }
            out.append(entry.getKey());
            if (!entry.getValue().isEmpty()) {
                out.append('=').append(entry.getValue());
            }
        }
        return out.toString();
    }

    /** Looks a key up ignoring case, as fmtp parameter names are case-insensitive (RFC 6184 §8.1, RFC 7587 §7). */
    static String get(Map<String, String> parameters, String key) {
        String exact = parameters.get(key);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(key)) {
                return entry.getValue();
            }
        }
        return null;
    }
}
