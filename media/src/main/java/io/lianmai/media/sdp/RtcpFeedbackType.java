package io.lianmai.media.sdp;

import java.util.Locale;

/**
 * One RTCP feedback capability, the part after the payload type in {@code a=rtcp-fb:<pt> <type> [<parameter>]}
 * (RFC 4585 §4.2, RFC 5104 §7.1 for {@code ccm fir}).
 *
 * @param type      e.g. {@code nack}, {@code ccm}, {@code goog-remb}, {@code transport-cc}
 * @param parameter e.g. {@code pli} or {@code fir}; empty when there is none
 */
public record RtcpFeedbackType(String type, String parameter) {
    public static final RtcpFeedbackType NACK = new RtcpFeedbackType("nack", "");
    public static final RtcpFeedbackType NACK_PLI = new RtcpFeedbackType("nack", "pli");
    public static final RtcpFeedbackType CCM_FIR = new RtcpFeedbackType("ccm", "fir");
    public static final RtcpFeedbackType GOOG_REMB = new RtcpFeedbackType("goog-remb", "");
    public static final RtcpFeedbackType TRANSPORT_CC = new RtcpFeedbackType("transport-cc", "");

    public RtcpFeedbackType {
        SdpSyntax.requireToken(type, "rtcp-fb type");
        SdpSyntax.requireText(parameter, "rtcp-fb parameter");
        if (!parameter.equals(parameter.strip()) || parameter.indexOf("  ") >= 0 || parameter.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("rtcp-fb parameter must be single-spaced words: " + parameter);
        }
    }

    /** Parses {@code "nack pli"} or {@code "transport-cc"}. */
    public static RtcpFeedbackType parse(String text) throws SdpException {
        String[] words = SdpSyntax.words(text);
        if (words.length == 0 || !SdpSyntax.isToken(words[0])) {
            throw SdpSyntax.malformed("rtcp-fb needs a feedback type");
        }
        return new RtcpFeedbackType(words[0], String.join(" ", java.util.Arrays.copyOfRange(words, 1, words.length)));
    }

    /** Compares ignoring case, as the SDP tokens are case-insensitive. */
    public boolean sameAs(RtcpFeedbackType other) {
        return type.equalsIgnoreCase(other.type) && parameter.equalsIgnoreCase(other.parameter);
    }

    /** Lower-cased form, for sets of supported feedback. */
    public RtcpFeedbackType normalized() {
        return new RtcpFeedbackType(type.toLowerCase(Locale.ROOT), parameter.toLowerCase(Locale.ROOT));
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
