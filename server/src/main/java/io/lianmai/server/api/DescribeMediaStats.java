package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamKey;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.PlayerStats;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DescribeMediaStats} (Lianmai's own, not TRTC's): what bandwidth estimation does for each WebRTC player of
 * the app on this node — the server's estimate of its downlink, the simulcast layer it was given and forwards, and
 * the layer switches, pauses, probes and probe padding so far — with totals. The operator's view of the estimator,
 * and what {@code lianmai bench} reads at the start and end of its window.
 *
 * <p>One pass over the media loop's sessions per call (≈ 1 µs a session); at most {@link #MAX_LISTED} players are
 * listed, the count covers them all.
 */
final class DescribeMediaStats implements RestAction<DescribeMediaStats.Request> {
    /** Players listed at most per call: about 300 bytes of JSON each, so under 1 MB. */
    static final int MAX_LISTED = 2000;

    /** The request: the app, and optionally fewer players listed. */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("Limit") Integer limit) {
    }

    /**
     * One player. Layers are indexes into the publisher's simulcast layers, lowest bitrate first; the allocated layer
     * is -1 when paused and -2 when the layer allocation does not run for the player (no transport-cc or no RTX: its
     * big/small preference rules).
     */
    record Player(@JsonProperty("SessionId") String sessionId,
                  @JsonProperty("RoomId") String roomId,
                  @JsonProperty("StreamId") String streamId,
                  @JsonProperty("Estimator") String estimator,
                  @JsonProperty("EstimateBps") long estimateBps,
                  @JsonProperty("AllocatedLayer") int allocatedLayer,
                  @JsonProperty("CurrentLayer") int currentLayer,
                  @JsonProperty("LayerSwitches") long layerSwitches,
                  @JsonProperty("Pauses") long pauses,
                  @JsonProperty("ProbesStarted") long probesStarted,
                  @JsonProperty("ProbesRaised") long probesRaised,
                  @JsonProperty("PaddingPackets") long paddingPackets,
                  @JsonProperty("PaddingBytes") long paddingBytes,
                  @JsonProperty("PacketsSent") long packetsSent,
                  @JsonProperty("OctetsSent") long octetsSent) {
    }

    /** Sums over the listed players. */
    record Totals(@JsonProperty("EstimatedPlayers") int estimatedPlayers,
                  @JsonProperty("LayerSwitches") long layerSwitches,
                  @JsonProperty("Pauses") long pauses,
                  @JsonProperty("ProbesStarted") long probesStarted,
                  @JsonProperty("PaddingBytes") long paddingBytes,
                  @JsonProperty("OctetsSent") long octetsSent) {
    }

    /** The answer. */
    record Response(@JsonProperty("PlayerCount") int playerCount,
                    @JsonProperty("Players") List<Player> players,
                    @JsonProperty("Totals") Totals totals) {
    }

    private final MediaPlane media;

    DescribeMediaStats(MediaPlane media) {
        this.media = media;
    }

    @Override
    public String name() {
        return "DescribeMediaStats";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        int limit = MAX_LISTED;
        if (request.limit() != null) {
            if (request.limit() < 0 || request.limit() > MAX_LISTED) {
                throw new RestApiException(RestApiException.INVALID_PARAMETER, "Limit must be 0.." + MAX_LISTED);
            }
            limit = request.limit();
        }
        PlayerStats.Page page;
        try {
            // Stream keys are {sdkAppID}/{roomKey}/{streamID}: the prefix keeps every other app's players out.
            page = media.playerStats(sdkAppId + "/", limit);
        } catch (MediaException e) {
            throw new RestApiException(RestApiException.INTERNAL_ERROR, "the media plane did not answer in time");
        }
        List<Player> players = new ArrayList<>(page.listed().size());
        int estimated = 0;
        long switches = 0;
        long pauses = 0;
        long probes = 0;
        long padding = 0;
        long octets = 0;
        for (PlayerStats p : page.listed()) {
            players.add(player(p));
            estimated += p.estimateBps() >= 0 ? 1 : 0;
            switches += p.layerSwitches();
            pauses += p.pauses();
            probes += p.probesStarted();
            padding += p.paddingBytes();
            octets += p.octetsSent();
        }
        return new Response(page.players(), players, new Totals(estimated, switches, pauses, probes, padding, octets));
    }

    private static Player player(PlayerStats p) {
        String roomId = null;
        String streamId = p.streamKey();
        try {
            StreamKey key = StreamKey.parse(p.streamKey());
            roomId = key.room().strRoomId().orElse(Long.toString(key.room().roomId()));
            streamId = key.stream().toString();
        } catch (IllegalArgumentException e) {
            // Not a key the server built for a room: shown as it is.
        }
        return new Player(p.sessionId(), roomId, streamId, p.estimator(), p.estimateBps(), p.allocatedLayer(),
                p.currentLayer(), p.layerSwitches(), p.pauses(), p.probesStarted(), p.probesRaised(),
                p.paddingPackets(), p.paddingBytes(), p.packetsSent(), p.octetsSent());
    }
}
