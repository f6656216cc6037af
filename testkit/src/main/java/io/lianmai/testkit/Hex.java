package io.lianmai.testkit;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Hex literals for test packets; whitespace and {@code |} (separating fields for readability) are ignored. */
public final class Hex {
    private Hex() {
    }

    /** The bytes {@code hex} spells. */
    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }

    /** The US-ASCII bytes of {@code text} (four-character codes, SDES items). */
    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
