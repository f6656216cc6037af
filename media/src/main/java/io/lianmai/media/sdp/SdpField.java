package io.lianmai.media.sdp;

/**
 * A line other than {@code v= o= s= t= r= m= a=} that the SFU keeps but does not interpret: {@code i=} information,
 * {@code u=} URI, {@code e=} email, {@code p=} phone, {@code c=} connection data, {@code b=} bandwidth, {@code z=}
 * time zones and {@code k=} (obsolete) key (RFC 8866 §5).
 *
 * @param type  the type letter
 * @param value the text after {@code =}
 */
public record SdpField(char type, String value) {
    /** Letters allowed at session level, in the order RFC 8866 §5 writes them. */
    static final String SESSION_TYPES = "iuepcbzk";
    /** Letters allowed in a media description, in the order RFC 8866 §5 writes them. */
    static final String MEDIA_TYPES = "icbk";

    public SdpField {
        if (SESSION_TYPES.indexOf(type) < 0) {
            throw new IllegalArgumentException("not a kept SDP field type: " + type);
        }
        SdpSyntax.requireText(value, "field value");
        try {
            validate(type, value);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A connection line {@code c=IN IP4 <address>} or {@code IP6}. */
    public static SdpField connection(String address) {
        return new SdpField('c', "IN " + (address.indexOf(':') >= 0 ? "IP6 " : "IP4 ") + address);
    }

    static void validate(char type, String value) throws SdpException {
        switch (type) {
            case 'c' -> {
                String[] words = SdpSyntax.words(value);
                if (words.length != 3) {
                    throw SdpSyntax.malformed("connection data needs \"<nettype> <addrtype> <address>\"");
                }
            }
            case 'b' -> {
                int colon = value.indexOf(':');
                if (colon <= 0 || !SdpSyntax.isToken(value.substring(0, colon))) {
                    throw SdpSyntax.malformed("bandwidth needs \"<bwtype>:<bandwidth>\"");
                }
                SdpSyntax.parseNumber(value.substring(colon + 1), 0, Long.MAX_VALUE, "bandwidth");
            }
            default -> {
                // Kept as text.
            }
        }
    }

    /** The line without its line break. */
    public String toLine() {
        return type + "=" + value;
    }

    @Override
    public String toString() {
        return toLine();
    }
}
