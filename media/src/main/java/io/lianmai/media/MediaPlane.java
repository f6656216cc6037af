package io.lianmai.media;

import io.lianmai.media.sdp.RtpCodec;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What the rest of Lianmai asks of the media plane: publish a stream from an SDP offer, play a published stream
 * from an SDP offer, end a session. Streams are named by an opaque key chosen by the caller (the media plane knows
 * nothing of apps, rooms or users).
 *
 * <p>Methods may be called from any thread; their results complete on a media thread, so callers must not block
 * in completion handlers.
 */
public interface MediaPlane extends AutoCloseable {

    /**
     * Starts receiving the stream {@code streamKey} from the peer that sent {@code offerSdp}; a publisher already
     * on that key is replaced (its session ends).
     *
     * @return the session id and the SDP answer, or a failed stage with a {@link MediaException}
     */
    CompletionStage<MediaSession> publish(String streamKey, String offerSdp);

    /**
     * Starts sending the stream {@code streamKey} to the peer that sent {@code offerSdp}.
     *
     * @return the session id and the SDP answer, or a failed stage with a {@link MediaException}
     *     ({@link MediaException.Reason#STREAM_NOT_FOUND} when nobody publishes {@code streamKey})
     */
    CompletionStage<MediaSession> play(String streamKey, String offerSdp);

    /**
     * Asks a player session for the publisher's small simulcast layer (lowest bitrate) instead of the big one
     * (TRTC's {@code switchStreamType}); a stream without simulcast has one layer and is unaffected.
     *
     * @return false when no such player session exists
     */
    boolean preferSmallStream(String sessionId, boolean small);

    /** Ends a session (publisher or player); false when no such session exists. */
    boolean end(String sessionId);

    /**
     * Registers {@code listener} to hear the id of every session that ends, whatever the reason (DELETE, ICE or
     * DTLS failure, replacement, shutdown). Called on a media thread; it must not block.
     */
    void onSessionEnded(Consumer<String> listener);

    /**
     * Registers {@code listener} to hear, for every simulcast publisher, which layers it should send whenever that
     * changes (layers no player wants are paused, see {@link PublishedLayersListener}). Called on a media thread;
     * it must not block.
     */
    void onPublishedLayers(PublishedLayersListener listener);

    /**
     * Publishes {@code streamKey} from inside the server: one track per codec in {@code tracks} (audio or video,
     * with the payload type, clock, channels and fmtp players will be offered), fed by
     * {@link LocalPublisher#send}. Players cannot tell it from a WebRTC publisher. A publisher already on that key
     * is replaced.
     */
    CompletionStage<LocalPublisher> publishLocal(String streamKey, List<RtpCodec> tracks);

    /**
     * Plays {@code streamKey} inside the server: {@code sink} receives the stream's RTP as a WebRTC player would
     * (fails with {@link MediaException.Reason#STREAM_NOT_FOUND} when nobody publishes it).
     */
    CompletionStage<LocalPlayer> playLocal(String streamKey, LocalSink sink);

    /**
     * How many players (WebRTC and local) receive {@code streamKey} now; a bridge transcodes only while this is
     * above zero.
     */
    int playerCount(String streamKey);

    /** Whether someone currently publishes {@code streamKey}. */
    boolean isPublished(String streamKey);

    /**
     * The WebRTC players of the streams whose key starts with {@code streamKeyPrefix} ({@code ""}: all): how many,
     * and the downlink estimate and layer counters of at most {@code max} of them ({@link PlayerStats}). Gathered on
     * the media loop in one pass over its sessions; waits at most 2 s for it.
     *
     * @throws MediaException UNAVAILABLE when the media loop does not answer in time
     */
    PlayerStats.Page playerStats(String streamKeyPrefix, int max);

    /**
     * The publishers and WebRTC players of the streams whose key starts with {@code streamKeyPrefix}
     * ({@code ""}: all): how many, and the bitrate, loss and round trip of at most {@code max} of them
     * ({@link SessionStats}). Gathered on the media loop in one pass over its sessions; waits at most 2 s for it.
     *
     * @throws MediaException UNAVAILABLE when the media loop does not answer in time
     */
    SessionStats.Page sessionStats(String streamKeyPrefix, int max);

    /** Stops every session and releases the sockets. */
    @Override
    void close();

    /**
     * A negotiated session.
     *
     * @param sessionId opaque id for {@link #end}
     * @param answerSdp the SDP answer for the peer
     */
    record MediaSession(String sessionId, String answerSdp) {
    }
}
