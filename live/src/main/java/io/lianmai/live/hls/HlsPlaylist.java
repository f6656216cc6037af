package io.lianmai.live.hls;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of one stream's HLS media playlist (RFC 8216 §4.3.3) and the segments it can serve; a new
 * snapshot replaces it when a segment finishes or the stream ends.
 *
 * @param segments every segment still held, oldest first: the listed ones and a few just removed from the list,
 *     still served to players that read an older playlist (RFC 8216 §6.2.2)
 * @param listed how many of the newest segments the playlist lists
 * @param targetDurationSeconds {@code #EXT-X-TARGETDURATION}: at least every listed duration, rounded
 * @param ended whether the stream ended ({@code #EXT-X-ENDLIST})
 * @param failure why HLS stopped for a bad stream, if it did
 */
public record HlsPlaylist(List<HlsSegment> segments, int listed, int targetDurationSeconds, boolean ended,
        Optional<String> failure) {
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    public HlsPlaylist {
        segments = List.copyOf(segments);
    }

    /** An empty playlist of a stream that has no segment yet. */
    static HlsPlaylist empty(int targetDurationSeconds) {
        return new HlsPlaylist(List.of(), 1, targetDurationSeconds, false, Optional.empty());
    }

    /** The listed segments, oldest first. */
    public List<HlsSegment> listedSegments() {
        return segments.subList(Math.max(0, segments.size() - listed), segments.size());
    }

    /** Whether there is nothing to list yet. */
    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The held segment with this media sequence number. */
    public Optional<HlsSegment> segment(long sequence) {
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        long index = sequence - segments.get(0).sequence();
        // Sequence numbers are consecutive in the list.
        return index < 0 || index >= segments.size() ? Optional.empty() : Optional.of(segments.get((int) index));
    }

    /**
     * The playlist text.
     *
     * @param uriPrefix put before {@code {sequence}.ts} to make each segment's URI, relative to the playlist's
     */
    public String render(String uriPrefix) {
        return render(uriPrefix, "");
    }

    /**
     * The playlist text, each segment URI being {@code uriPrefix + sequence + ".ts" + uriSuffix}.
     *
     * @param uriSuffix put after each segment's {@code .ts}: a query such as {@code ?txSecret=…&txTime=…} that the
     *                  segment requests must carry too (signed playback)
     */
    public String render(String uriPrefix, String uriSuffix) {
        List<HlsSegment> shown = listedSegments();
        StringBuilder text = new StringBuilder(192 + shown.size() * (96 + uriPrefix.length() + uriSuffix.length()));
        text.append("#EXTM3U\n#EXT-X-VERSION:3\n");
        text.append("#EXT-X-TARGETDURATION:").append(targetDurationSeconds).append('\n');
        text.append("#EXT-X-MEDIA-SEQUENCE:").append(shown.isEmpty() ? 0 : shown.get(0).sequence()).append('\n');
        // Counts the EXT-X-DISCONTINUITY tags that left the playlist (§4.3.3.3, §6.2.2).
        long discontinuitySequence = shown.isEmpty() ? 0 : shown.get(0).discontinuitiesBefore();
        if (discontinuitySequence > 0) {
            text.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
        }
        text.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (HlsSegment segment : shown) {
            if (segment.discontinuity()) {
                text.append("#EXT-X-DISCONTINUITY\n");
            }
            text.append("#EXT-X-PROGRAM-DATE-TIME:").append(DATE_TIME.format(segment.programDateTime())).append('\n');
            long millis = segment.durationMillis();
            text.append("#EXTINF:").append(millis / 1000).append('.');
            appendThreeDigits(text, millis % 1000);
            text.append(",\n").append(uriPrefix).append(segment.sequence()).append(".ts").append(uriSuffix)
                    .append('\n');
        }
        if (ended) {
            text.append("#EXT-X-ENDLIST\n");
        }
        return text.toString();
    }

    private static void appendThreeDigits(StringBuilder text, long value) {
        if (value < 100) {
            text.append('0');
        }
        if (value < 10) {
            text.append('0');
        }
        text.append(value);
    }
}
