package io.lianmai.media.sdp;

/**
 * One {@code a=} line (RFC 8866 §5.13): a property attribute ({@code a=rtcp-mux}, {@code value} is {@code null}) or a
 * value attribute ({@code a=mid:0}). Attributes the SFU does not know are kept as they came.
 *
 * @param name  the attribute name, an SDP token
 * @param value everything after the first colon, or {@code null} for a property attribute
 */
public record Attribute(String name, String value) {

    public Attribute {
        SdpSyntax.requireToken(name, "attribute name");
        if (value != null) {
            SdpSyntax.requireText(value, "attribute value");
        }
    }

    /** A property attribute such as {@code rtcp-mux}. */
    public static Attribute flag(String name) {
        return new Attribute(name, null);
    }

    /** A value attribute such as {@code mid:0}. */
    public static Attribute of(String name, String value) {
        return new Attribute(name, value);
    }

    /** Parses what follows {@code a=}. */
    static Attribute parse(String text) throws SdpException {
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        if (!SdpSyntax.isToken(name)) {
            throw SdpSyntax.malformed("attribute name \"" + SdpException.shorten(name) + "\" is not a token");
        }
        return new Attribute(name, colon < 0 ? null : text.substring(colon + 1));
    }

    /** True for a property attribute (no value). */
    public boolean isFlag() {
        return value == null;
    }

    /** The line without its line break: {@code a=name[:value]}. */
    public String toLine() {
        return value == null ? "a=" + name : "a=" + name + ":" + value;
    }

    @Override
    public String toString() {
        return toLine();
    }
}
