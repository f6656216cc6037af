package io.lianmai.server.live;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.RoomRef;
import io.lianmai.common.StreamId;
import io.lianmai.room.RoomKey;
import io.lianmai.store.App;
import io.lianmai.store.AppLookup;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Signs the live output URLs the server hands to room members (signalling's {@code play}, docs/protocol.md): a
 * member of a room may watch its streams over FLV, HLS or RTMP, so the server gives it, per stream, the
 * {@code txSecret=…&txTime=…} query that {@link PlaybackGate} accepts, valid for {@code live.signedUrlSeconds}.
 *
 * <p>Thread-safe; never blocks (apps come from the in-memory app directory).
 */
public final class PlaybackUrls {
    /** Signs nothing: every query is empty (tests, and servers without live output). */
    public static final PlaybackUrls NONE = new PlaybackUrls(id -> Optional.empty(), Duration.ofHours(1),
            Clock.systemUTC());

    private final AppLookup apps;
    private final Duration lifetime;
    private final Clock clock;

    /**
     * @param apps     finds an app without blocking
     * @param lifetime how long a signed URL stays valid
     */
    public PlaybackUrls(AppLookup apps, Duration lifetime, Clock clock) {
        this.apps = apps;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * The signed query for a room member's stream: empty when the room has no numeric roomID (live stream names need
     * one) or the app is unknown. Signed even for apps with public playback, so clients need not know the setting.
     */
    public Optional<String> query(RoomKey room, StreamId stream) {
        Optional<String> name = streamName(room, stream);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return apps.find(room.sdkAppId()).map(app -> PlaybackSignature.sign(app.playKey(), name.get(),
                clock.instant().plus(lifetime)).query());
    }

    /** {@code {sdkAppID}_{roomID}_{userID}_{main|aux}} for a room with a numeric roomID ({@code r1234}). */
    static Optional<String> streamName(RoomKey room, StreamId stream) {
        RoomRef ref;
        try {
            ref = RoomRef.parseKey(room.roomKey());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ref.strRoomId().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new LiveStreamName(room.sdkAppId(), ref, stream).toString());
    }
}
