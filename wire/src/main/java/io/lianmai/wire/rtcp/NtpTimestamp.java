package io.lianmai.wire.rtcp;

/**
 * The 64-bit NTP timestamp format of RFC 3550 §4 (seconds since 1900 in the high 32 bits, binary fraction in the low
 * 32), held in a Java {@code long} as raw bits, and the compact middle-32-bit form used in LSR/DLSR.
 */
public final class NtpTimestamp {
    /** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
    public static final long UNIX_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private NtpTimestamp() {
    }

    /** Converts wall-clock nanoseconds since the Unix epoch to an NTP timestamp. */
    public static long fromUnixNanos(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, 1_000_000_000L) + UNIX_EPOCH_OFFSET_SECONDS;
        long nanos = Math.floorMod(unixNanos, 1_000_000_000L);
        return seconds << 32 | (nanos << 32) / 1_000_000_000L;
    }

    /** Converts an NTP timestamp (era 0, until 2036) to nanoseconds since the Unix epoch. */
    public static long toUnixNanos(long ntp) {
        long seconds = (ntp >>> 32) - UNIX_EPOCH_OFFSET_SECONDS;
        long nanos = ((ntp & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
        return seconds * 1_000_000_000L + nanos;
    }

    /** The middle 32 bits (16.16 seconds), as carried in a report block's LSR field. */
    public static long middle32(long ntp) {
        return (ntp >>> 16) & 0xFFFF_FFFFL;
    }
}
