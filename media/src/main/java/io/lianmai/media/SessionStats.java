package io.lianmai.media;

import java.util.List;

/**
 * What one media session carries now, for the operator console's live rooms: a publisher's incoming bitrate and loss
 * (RFC 3550 receiver statistics of its RTP streams), a player's feedback round trip. Publishers bridged in from RTMP
 * are listed like WebRTC ones (their packets go through the same publication); players are WebRTC sessions only.
 *
 * @param sessionId the session (as {@link MediaPlane#end} takes it)
 * @param streamKey the stream it publishes or plays, as the caller named it
 * @param publisher true for a publisher, false for a player
 * @param audio whether it carries an audio track
 * @param video whether it carries a video track
 * @param bitrateBps a publisher's incoming bit/s over the last 500 ms window of each stream, summed; a player's -1
 * @param packets packets received (publisher) or media packets sent (player)
 * @param octets their payload octets
 * @param packetsLost a publisher's packets lost so far (RFC 3550 A.3, cumulative over its streams); a player's 0
 * @param lossPermille a publisher's loss since the receiver report before, ‰ of the packets expected (RFC 3550's
 *     fraction lost of its worst stream, scaled); a player's 0
 * @param rttMillis a player's smoothed transport-cc feedback round trip (RTT plus the player's feedback delay), ms;
 *     -1 when unknown (a publisher: the server sends it no media to time; a player without transport-cc)
 * @param uplinkEstimateBps a publisher's uplink as the server estimates it and sends it in REMB (publishers that
 *     negotiated {@code goog-remb} and not transport-cc), bit/s; -1 for others, a player, or before it is valid
 */
public record SessionStats(String sessionId, String streamKey, boolean publisher, boolean audio, boolean video,
        long bitrateBps, long packets, long octets, long packetsLost, int lossPermille, long rttMillis,
        long uplinkEstimateBps) {

    /** Stats without an uplink estimate (-1). */
    public SessionStats(String sessionId, String streamKey, boolean publisher, boolean audio, boolean video,
            long bitrateBps, long packets, long octets, long packetsLost, int lossPermille, long rttMillis) {
        this(sessionId, streamKey, publisher, audio, video, bitrateBps, packets, octets, packetsLost, lossPermille,
                rttMillis, -1);
    }

    /**
     * The sessions of some streams, as listed by {@link MediaPlane#sessionStats}.
     *
     * @param sessions how many matched
     * @param listed at most the asked number of them, in no particular order
     */
    public record Page(int sessions, List<SessionStats> listed) {
        public Page {
            listed = List.copyOf(listed);
        }
    }
}
