package io.lianmai.common;

/**
 * An application's identifier, TRTC's {@code SDKAppID}: an unsigned 32-bit number, never zero.
 *
 * @param value the id, 1..4294967295
 */
public record SdkAppId(long value) implements Comparable<SdkAppId> {

    /** Largest value an unsigned 32-bit SDKAppID can take. */
    public static final long MAX = 0xFFFF_FFFFL;

    public SdkAppId {
        if (value < 1 || value > MAX) {
            throw new IllegalArgumentException("SDKAppID must be 1.." + MAX + ", got " + value);
        }
    }

    /** Parses a decimal SDKAppID, with a message that names the bad input. */
    public static SdkAppId parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("SDKAppID is missing");
        }
        long parsed;
        try {
            parsed = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SDKAppID must be a decimal number, got '" + text + "'", e);
        }
        return new SdkAppId(parsed);
    }

    @Override
    public int compareTo(SdkAppId other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
