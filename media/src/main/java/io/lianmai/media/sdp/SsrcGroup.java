package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code a=ssrc-group:<semantics> <ssrc>...} (RFC 5576 §4.2): {@code FID} pairs a media SSRC with its RTX SSRC
 * (RFC 4588 §8.7), {@code SIM} lists legacy simulcast layers from lowest to highest.
 *
 * @param semantics e.g. {@code FID}, {@code SIM}, {@code FEC-FR}
 * @param ssrcs     the sources, in order
 */
public record SsrcGroup(String semantics, List<Long> ssrcs) {
    public static final String FID = "FID";
    public static final String SIM = "SIM";

    public SsrcGroup {
        SdpSyntax.requireToken(semantics, "ssrc-group semantics");
        ssrcs = List.copyOf(ssrcs);
        for (long ssrc : ssrcs) {
            if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("ssrc out of range: " + ssrc);
            }
        }
    }

    static SsrcGroup parse(String value) throws SdpException {
        String[] words = SdpSyntax.words(value);
        if (words.length < 2 || !SdpSyntax.isToken(words[0])) {
            throw SdpSyntax.malformed("ssrc-group needs \"<semantics> <ssrc>...\"");
        }
        List<Long> ssrcs = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            ssrcs.add(SdpSyntax.parseNumber(words[i], 0, 0xFFFF_FFFFL, "ssrc"));
        }
        return new SsrcGroup(words[0], ssrcs);
    }

    public String toValue() {
        StringBuilder out = new StringBuilder(semantics);
        for (long ssrc : ssrcs) {
            out.append(' ').append(ssrc);
        }
        return out.toString();
    }
}
