package io.lianmai.media.sdp;

import java.util.Locale;

/**
 * One RTCP feedback capability, the part after the payload type in {@code a=rtcp-fb:<pt> <type> [<parameter>]}
 * (RFC 4585 §4.2, RFC 5104 §7.1 for {@code ccm fir}).
 *
 * @param type      e.g. {@code nack}, {@code ccm}, {@code goog-remb}, {@code transport-cc}
 * @param parameter e.g. {@code pli} or {@code fir}; empty when there is none
 */
public record RtcpFeedback(String type, String parameter) {
    public static final RtcpFeedback NACK = new RtcpFeedback("nack", "");
    public static final RtcpFeedback NACK_PLI = new RtcpFeedback("nack", "pli");
    public static final RtcpFeedback CCM_FIR = new RtcpFeedback("ccm", "fir");
    public static final RtcpFeedback GOOG_REMB = new RtcpFeedback("goog-remb", "");
    public static final RtcpFeedback TRANSPORT_CC = new RtcpFeedback("transport-cc", "");

    public RtcpFeedback {
        SdpSyntax.requireToken(type, "rtcp-fb type");
        SdpSyntax.requireText(parameter, "rtcp-fb parameter");
        if (!parameter.equals(parameter.strip()) || parameter.indexOf("  ") >= 0 || parameter.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("rtcp-fb parameter must be single-spaced words: " + parameter);
        }
    }

    /** Parses {@code "nack pli"} or {@code "transport-cc"}. */
    public static RtcpFeedback parse(String text) throws SdpException {
        String[] words = SdpSyntax.words(text);
        if (words.length == 0 || !SdpSyntax.isToken(words[0])) {
            throw SdpSyntax.malformed("rtcp-fb needs a feedback type");
        }
        return new RtcpFeedback(words[0], String.join(" ", java.util.Arrays.copyOfRange(words, 1, words.length)));
    }

    /** Compares ignoring case, as the SDP tokens are case-insensitive. */
    public boolean sameAs(RtcpFeedback other) {
        return type.equalsIgnoreCase(other.type) && parameter.equalsIgnoreCase(other.parameter);
    }

    /** Lower-cased form, for sets of supported feedback. */
    public RtcpFeedback normalized() {
        return new RtcpFeedback(type.toLowerCase(Locale.ROOT), parameter.toLowerCase(Locale.ROOT));
    }

    /** The text after the payload type. */
    public String toValue() {
        return parameter.isEmpty() ? type : type + " " + parameter;
    }

    @Override
    public String toString() {
        return toValue();
    }
}
