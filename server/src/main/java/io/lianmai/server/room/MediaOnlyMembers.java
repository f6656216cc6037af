package io.lianmai.server.room;

import io.lianmai.auth.Privileges;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.ClientKind;
import io.lianmai.room.Entered;
import io.lianmai.room.EnterRequest;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Member;
import io.lianmai.room.MemberListener;
import io.lianmai.room.Role;
import io.lianmai.room.Room;
import io.lianmai.room.RoomEvent;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.room.Scene;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes a publisher without a signalling socket — WHIP (OBS, GStreamer, a browser page) or RTMP (ffmpeg, OBS) — a
 * member of its room, so that SDK members see it join and publish and can subscribe to it like anyone else. The member has no socket; it leaves when its media session ends
 * (DELETE, ICE or DTLS failure, replacement), and a duplicate login of its userID ends the media session.
 *
 * <p>Thread-safe: rooms lock themselves; the session map is concurrent.
 */
public final class MediaOnlyMembers {
    private final RoomRegistry rooms;
    private final MediaPlane media;
    private final ClientKind kind;
    private final Map<String, Member> bySession = new ConcurrentHashMap<>();

    /** @param kind how these members reach their rooms ({@code WHIP} or {@code RTMP}), for room observers */
    public MediaOnlyMembers(RoomRegistry rooms, MediaPlane media, ClientKind kind) {
        this.rooms = rooms;
        this.media = media;
        this.kind = kind;
        media.onSessionEnded(this::onMediaSessionEnded);
    }

    /**
     * Enters the publisher of a negotiated media session into its room and announces the stream; on any refusal the
     * media session is ended and the {@link io.lianmai.room.RoomException} propagates.
     */
    public void join(SdkAppId sdkAppId, RoomRef room, UserId userId, Privileges privileges, StreamType type,
            String sessionId, boolean audio, boolean video) {
        RoomKey key = new RoomKey(sdkAppId, room.key());
        Scene scene = rooms.find(key).map(Room::scene).orElse(Scene.RTC);
        try {
            Entered entered = rooms.enter(new EnterRequest(key, scene, userId, Role.ANCHOR, privileges,
                    new Listener(sessionId)));
            Member member = entered.member();
            bySession.put(sessionId, member);
            member.room().publish(member, type, sessionId, audio, video).ifPresent(media::end);
        } catch (RuntimeException e) {
            bySession.remove(sessionId);
            media.end(sessionId);
            throw e;
        }
    }

    /** How many socketless members this holds now. */
    public int size() {
        return bySession.size();
    }

    /** Whether {@code member} is one of these socketless members. */
    public boolean owns(Member member) {
        return bySession.containsValue(member);
    }

    private void onMediaSessionEnded(String sessionId) {
        Member member = bySession.remove(sessionId);
        if (member != null) {
            member.room().leave(member);
        }
    }

    /** Events for a socketless member go nowhere; being removed (duplicate login, dismissal) ends the WHIP session. */
    private final class Listener implements MemberListener {
        private final String sessionId;

        Listener(String sessionId) {
            this.sessionId = sessionId;
        }

        @Override
        public void onRoomEvent(RoomEvent event) {
            // A WHIP client has no channel for room events.
        }

        @Override
        public void onMemberRemoved(Member member, LeaveReason reason) {
            if (bySession.remove(sessionId, member)) {
                media.end(sessionId);
            }
        }

        @Override
        public void onListenerReplaced(Member member) {
            // Only socket members resume; nothing to do.
        }

        @Override
        public ClientKind clientKind() {
            return kind;
        }
    }
}
