package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * The server's side of the one BUNDLE transport: ICE-lite credentials (RFC 8839 §5.4), its DTLS certificate
 * fingerprint (RFC 8122 §5) and its ICE candidates (RFC 8839 §5.1), all made by the ICE and DTLS layers.
 *
 * @param ice         the server's ufrag and pwd for this session
 * @param fingerprint the server certificate's fingerprint
 * @param candidates  candidate values without {@code a=} or {@code candidate:}, e.g.
 *                    {@code 1 1 udp 2130706431 203.0.113.7 8801 typ host}
 */
public record LocalTransport(SdpIceCredentials ice, DtlsFingerprintAttribute fingerprint, List<String> candidates) {

    public LocalTransport {
        if (ice == null || fingerprint == null) {
            throw new IllegalArgumentException("ICE credentials and fingerprint are required");
        }
        List<String> normalized = new ArrayList<>();
        for (String candidate : candidates) {
            normalized.add(normalizeCandidate(candidate));
        }
        candidates = List.copyOf(normalized);
    }

    /**
     * Builds from the strings other layers hold.
     *
     * @param ufrag            ICE ufrag (ice-chars, 4..256)
     * @param pwd              ICE pwd (ice-chars, 22..256)
     * @param fingerprintValue {@code "sha-256 AB:CD:..."}
     * @param candidates       candidate lines, with or without {@code a=} / {@code candidate:}
     * @throws IllegalArgumentException when a value could not be written into valid SDP
     */
    public static LocalTransport of(String ufrag, String pwd, String fingerprintValue, List<String> candidates) {
        DtlsFingerprintAttribute fingerprint;
        try {
            fingerprint = DtlsFingerprintAttribute.parse(fingerprintValue);
        } catch (SdpException e) {
            throw new IllegalArgumentException("server fingerprint: " + e.detail(), e);
        }
        return new LocalTransport(SdpIceCredentials.strict(ufrag, pwd), fingerprint, candidates);
    }

    private static String normalizeCandidate(String candidate) {
        String value = candidate.strip();
        if (value.startsWith("a=")) {
            value = value.substring(2);
        }
        if (value.startsWith("candidate:")) {
            value = value.substring("candidate:".length());
        }
        try {
            KnownAttributes.validate(Attribute.of("candidate", value));
        } catch (SdpException e) {
            throw new IllegalArgumentException("server candidate \"" + candidate + "\": " + e.detail(), e);
        }
        return value;
    }

    /** The address and port of the first UDP candidate with an IP literal, for the m= and c= lines. */
    String[] defaultAddress() {
        for (String candidate : candidates) {
            String[] words = SdpSyntax.words(candidate);
            String address = words[4];
            boolean literal = address.indexOf(':') >= 0 || address.matches("[0-9.]+");
            if (words[2].equalsIgnoreCase("udp") && literal) {
                return new String[] {address, words[5]};
            }
        }
        return new String[] {"0.0.0.0", "9"};
    }
}
