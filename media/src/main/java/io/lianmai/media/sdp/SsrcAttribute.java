package io.lianmai.media.sdp;

/**
 * A source-specific attribute, {@code a=ssrc:<ssrc> <attribute>[:<value>]} (RFC 5576 §4.1), such as
 * {@code cname} (§6.1) or the legacy {@code msid}.
 *
 * @param ssrc      the synchronisation source, 0..2^32-1
 * @param attribute e.g. {@code cname}
 * @param value     the value, or {@code null} when the attribute has none
 */
public record SsrcAttribute(long ssrc, String attribute, String value) {
    public static final String CNAME = "cname";
    public static final String MSID = "msid";

    public SsrcAttribute {
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ssrc out of range: " + ssrc);
        }
        SdpSyntax.requireToken(attribute, "ssrc attribute");
        if (value != null) {
            SdpSyntax.requireText(value, "ssrc attribute value");
        }
    }

    static SsrcAttribute parse(String text) throws SdpException {
        int space = text.indexOf(' ');
        if (space <= 0) {
            throw SdpSyntax.malformed("ssrc needs \"<ssrc> <attribute>[:<value>]\"");
        }
        long ssrc = SdpSyntax.parseNumber(text.substring(0, space), 0, 0xFFFF_FFFFL, "ssrc");
        String rest = text.substring(space + 1);
        int colon = rest.indexOf(':');
        String name = colon < 0 ? rest : rest.substring(0, colon);
        if (!SdpSyntax.isToken(name)) {
            throw SdpSyntax.malformed("ssrc attribute name \"" + SdpException.shorten(name) + "\" is not a token");
        }
        return new SsrcAttribute(ssrc, name, colon < 0 ? null : rest.substring(colon + 1));
    }

    public String toValue() {
        return value == null ? ssrc + " " + attribute : ssrc + " " + attribute + ":" + value;
    }
}
