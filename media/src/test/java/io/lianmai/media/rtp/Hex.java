package io.lianmai.media.rtp;

import java.util.HexFormat;

/** Hex literals for test packets; whitespace and {@code |} separators are ignored. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }
}
