package io.lianmai.media;

import java.util.List;

/**
 * What the media plane received from one connected WebRTC publisher, summed over its tracks and simulcast layers: the
 * counters RFC 3550 §6.4.1 keeps per source for the receiver reports ({@link MediaServer#publisherStats}). Counters
 * grow from the session's start; a reader takes differences between two reads.
 *
 * @param sessionId       the publisher's session (the WHIP resource's last path segment)
 * @param streamKey       the stream it publishes, as the caller named it
 * @param packetsReceived RTP packets received on the tracks' own SSRCs (duplicates included, RFC 3550 A.3)
 * @param octetsReceived  their payload octets
 * @param packetsExpected packets expected from the sequence numbers seen (RFC 3550 A.3): expected minus received is
 *                        what was lost on the way (negative with duplicates)
 */
public record PublisherStats(String sessionId, String streamKey, long packetsReceived, long octetsReceived,
        long packetsExpected) {

    /**
     * The publishers of some streams, as listed by {@link MediaServer#publisherStats}.
     *
     * @param publishers how many matched
     * @param listed     at most the asked number of them, in no particular order
     */
    public record Page(int publishers, List<PublisherStats> listed) {
        public Page {
            listed = List.copyOf(listed);
        }
    }
}
