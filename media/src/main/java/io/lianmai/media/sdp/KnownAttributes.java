package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks and reads the attributes the SFU interprets, so that a parsed or built description never holds one it
 * cannot read back; unknown attributes pass untouched.
 */
final class KnownAttributes {
    private KnownAttributes() {
    }

    /** Checks one attribute's value against its grammar; throws a {@link SdpError#MALFORMED} naming it. */
    static void validate(Attribute attribute) throws SdpException {
        String value = attribute.value();
        switch (attribute.name()) {
            case "group" -> Group.parse(require(attribute));
            case "ice-ufrag", "ice-pwd" -> {
                if (!SdpIceCredentials.isLenientIceText(require(attribute).strip())) {
                    throw SdpSyntax.malformed(attribute.name() + " must be 1..256 visible characters");
                }
            }
            case "ice-options" -> {
                if (SdpSyntax.words(require(attribute)).length == 0) {
                    throw SdpSyntax.malformed("ice-options needs at least one option");
                }
            }
            case "fingerprint" -> DtlsFingerprintAttribute.parse(require(attribute));
            case "setup" -> SetupRole.parse(require(attribute));
            case "mid" -> {
                if (!SdpSyntax.isToken(require(attribute))) {
                    throw SdpSyntax.malformed("mid \"" + SdpException.shorten(value) + "\" is not a token");
                }
            }
            case "candidate" -> validateCandidate(require(attribute));
            case "rtpmap" -> RtpCodec.parseRtpMap(require(attribute));
            case "fmtp" -> RtpCodec.parseFmtp(require(attribute));
            case "rtcp-fb" -> RtpCodec.parseRtcpFb(require(attribute));
            case "extmap" -> ExtMap.parse(require(attribute));
            case "ssrc" -> SsrcAttribute.parse(require(attribute));
            case "ssrc-group" -> SsrcGroup.parse(require(attribute));
            case "msid" -> Msid.parse(require(attribute));
            case "rid" -> Rid.parse(require(attribute));
            case "simulcast" -> Simulcast.parse(require(attribute));
            default -> {
                // Not interpreted: kept as written.
            }
        }
    }

    private static String require(Attribute attribute) throws SdpException {
        if (attribute.value() == null) {
            throw SdpSyntax.malformed("a=" + attribute.name() + " needs a value");
        }
        return attribute.value();
    }

    /** RFC 8839 §5.1: {@code foundation component transport priority address port typ type ...}. */
    private static void validateCandidate(String value) throws SdpException {
        String[] words = SdpSyntax.words(value);
        if (words.length < 8 || !words[6].equals("typ")) {
            throw SdpSyntax.malformed("candidate needs \"<foundation> <component> <transport> <priority> "
                    + "<address> <port> typ <type> ...\"");
        }
        SdpSyntax.parseInt(words[1], 1, 256, "candidate component");
        SdpSyntax.parseNumber(words[3], 0, 0xFFFF_FFFFL, "candidate priority");
        SdpSyntax.parseInt(words[5], 0, 65535, "candidate port");
    }

    static void validateAll(List<Attribute> attributes) {
        for (Attribute attribute : attributes) {
            try {
                validate(attribute);
            } catch (SdpException e) {
                throw new IllegalArgumentException(attribute.toLine() + ": " + e.detail(), e);
            }
        }
    }

    // Readers used by the typed accessors; values were validated, so parse failures cannot happen.

    static Optional<String> first(List<Attribute> attributes, String name) {
        for (Attribute attribute : attributes) {
            if (attribute.name().equals(name)) {
                return Optional.of(attribute.value() == null ? "" : attribute.value());
            }
        }
        return Optional.empty();
    }

    static boolean has(List<Attribute> attributes, String name) {
        for (Attribute attribute : attributes) {
            if (attribute.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    static List<String> all(List<Attribute> attributes, String name) {
        List<String> out = new ArrayList<>();
        for (Attribute attribute : attributes) {
            if (attribute.name().equals(name) && attribute.value() != null) {
                out.add(attribute.value());
            }
        }
        return out;
    }

    /** Reads a validated value. */
    interface Reader<T> {
        T read(String value) throws SdpException;
    }

    static <T> T read(String value, Reader<T> reader) {
        try {
            return reader.read(value);
        } catch (SdpException e) {
            throw new IllegalStateException("validated attribute became unreadable: " + e.getMessage(), e);
        }
    }

    static <T> List<T> readAll(List<Attribute> attributes, String name, Reader<T> reader) {
        List<T> out = new ArrayList<>();
        for (String value : all(attributes, name)) {
            out.add(read(value, reader));
        }
        return List.copyOf(out);
    }

    static Optional<SdpIceCredentials> iceCredentials(List<Attribute> attributes) {
        Optional<String> ufrag = first(attributes, "ice-ufrag");
        Optional<String> pwd = first(attributes, "ice-pwd");
        if (ufrag.isEmpty() || pwd.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SdpIceCredentials(ufrag.get().strip(), pwd.get().strip()));
    }

    static List<String> iceOptions(List<Attribute> attributes) {
        List<String> out = new ArrayList<>();
        for (String value : all(attributes, "ice-options")) {
            // RFC 8839 separates with spaces; libdatachannel (OBS) writes "ice2,trickle".
            for (String option : value.strip().split("[ \t,]+")) {
                if (!option.isEmpty()) {
                    out.add(option);
                }
            }
        }
        return List.copyOf(out);
    }
}
