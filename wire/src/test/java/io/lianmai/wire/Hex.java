package io.lianmai.wire;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Hex literals for the wire-format tests' packets; whitespace and {@code |} separators are ignored. */
public final class Hex {
    private Hex() {
    }

    /** The bytes of {@code hex}, e.g. {@code "80 60 | 00 01"}. */
    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }

    /** The US-ASCII bytes of {@code text}. */
    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
