package io.lianmai.media.sdp;

import java.util.List;

/**
 * A {@code t=} line and the {@code r=} lines that follow it (RFC 8866 §5.9, §5.10). WebRTC always writes
 * {@code t=0 0}; repeat times are kept as text.
 *
 * @param start   NTP seconds, 0 for unbounded
 * @param stop    NTP seconds, 0 for unbounded
 * @param repeats the values of the {@code r=} lines that follow
 */
public record Timing(long start, long stop, List<String> repeats) {
    /** {@code t=0 0}: a permanent session. */
    public static final Timing PERMANENT = new Timing(0, 0, List.of());

    public Timing {
        if (start < 0 || stop < 0) {
            throw new IllegalArgumentException("timing must not be negative");
        }
        repeats = List.copyOf(repeats);
        for (String repeat : repeats) {
            SdpSyntax.requireText(repeat, "repeat time");
        }
    }

    static Timing parse(String value) throws SdpException {
        String[] words = value.split(" ", -1);
        if (words.length != 2) {
            throw SdpSyntax.malformed("timing needs \"<start-time> <stop-time>\"");
        }
        return new Timing(SdpSyntax.parseNumber(words[0], 0, Long.MAX_VALUE, "start time"),
                SdpSyntax.parseNumber(words[1], 0, Long.MAX_VALUE, "stop time"), List.of());
    }

    Timing withRepeat(String repeat) {
        List<String> all = new java.util.ArrayList<>(repeats);
        all.add(repeat);
        return new Timing(start, stop, all);
    }

    /** The value after {@code t=}. */
    public String value() {
        return start + " " + stop;
    }
}
