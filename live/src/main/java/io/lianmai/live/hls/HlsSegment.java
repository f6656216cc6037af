package io.lianmai.live.hls;

import java.time.Instant;

/**
 * One finished MPEG-TS media segment of a live stream.
 *
 * @param sequence media sequence number (RFC 8216 §3), unique while its stream's playlist lives
 * @param durationMillis media time it covers
 * @param programDateTime wall-clock time of its first frame ({@code #EXT-X-PROGRAM-DATE-TIME})
 * @param discontinuity whether it follows a change of codec configuration, timestamps or publisher
 *     ({@code #EXT-X-DISCONTINUITY})
 * @param discontinuitiesBefore discontinuities on all earlier segments of the stream
 * @param bytes the segment, starting with PAT, PMT and (with video) a keyframe; shared, never modified
 */
public record HlsSegment(long sequence, long durationMillis, Instant programDateTime, boolean discontinuity,
        long discontinuitiesBefore, byte[] bytes) {
    /** Size in bytes. */
    public int size() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "HlsSegment[" + sequence + ", " + durationMillis + " ms, " + bytes.length + " B"
                + (discontinuity ? ", discontinuity" : "") + "]";
    }
}
