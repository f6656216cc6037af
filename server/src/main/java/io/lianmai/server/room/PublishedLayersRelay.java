package io.lianmai.server.room;

import io.lianmai.common.StreamKey;
import io.lianmai.media.PublishedLayersListener;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Carries the media plane's word on which simulcast layers a publisher should send to the member that publishes:
 * its room tells that member's signalling connection, which sends the {@code layers} event (docs/protocol.md), and
 * the web SDK pauses or resumes its encodings. Only the member whose publication the session is gets it; a WHIP or
 * RTMP publisher, with no signalling socket, is not told.
 *
 * <p>Thread: the media plane calls on its loop; the work (a room lock) is handed to {@code executor}, which must
 * run tasks one at a time in order, so that a pause and the resume after it are never told the other way round.
 */
public final class PublishedLayersRelay implements PublishedLayersListener {
    private final RoomRegistry rooms;
    private final Executor executor;

    public PublishedLayersRelay(RoomRegistry rooms, Executor executor) {
        this.rooms = rooms;
        this.executor = executor;
    }

    @Override
    public void onPublishedLayers(String sessionId, String streamKey, String mid, List<String> activeRids) {
        executor.execute(() -> tell(sessionId, streamKey, mid, activeRids));
    }

    private void tell(String sessionId, String streamKey, String mid, List<String> activeRids) {
        StreamKey key;
        try {
            key = StreamKey.parse(streamKey);
        } catch (IllegalArgumentException e) {
            return; // not a room's stream (a bridge's own key): nobody to tell
        }
        rooms.find(new RoomKey(key.app(), key.room().key()))
                .ifPresent(room -> room.tellPublishedLayers(sessionId, key.stream(), mid, activeRids));
    }
}
