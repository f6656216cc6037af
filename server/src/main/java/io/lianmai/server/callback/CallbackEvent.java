package io.lianmai.server.callback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Role;
import io.lianmai.store.CallbackOutbox;
import java.time.Instant;
import java.util.Objects;

/**
 * One TRTC callback event as a room change makes it, before it has an id: its type and the fields of its {@code
 * EventInfo}, as Tencent's "Room and Media Callbacks" page defines them. Made under the room's lock (cheap: no JSON
 * yet); {@link #toOutbox} renders it on the writer's thread.
 *
 * @param sdkAppId the app
 * @param roomKey  the room ({@code r123} or {@code s:name}), which decides whether {@code RoomId} is a number or a
 *                 string ("the same type as the client's room id")
 * @param type     EventType: 101..105 room events, 201..206 media events
 * @param at       when it happened
 * @param userId   UserId, or null (102 carries none)
 * @param role     Role (103, 104, 105), or null
 * @param kind     how the member came (103: TerminalType and UserType), or null
 * @param reason   Reason (103: 1; 104: {@link #exitReason}), or 0 for none
 */
public record CallbackEvent(SdkAppId sdkAppId, String roomKey, int type, Instant at, String userId, Role role,
                            ClientKind kind, int reason) {
    public static final int GROUP_ROOM = 1;
    public static final int GROUP_MEDIA = 2;
    public static final int CREATE_ROOM = 101;
    public static final int DISMISS_ROOM = 102;
    public static final int ENTER_ROOM = 103;
    public static final int EXIT_ROOM = 104;
    public static final int CHANGE_ROLE = 105;
    public static final int START_VIDEO = 201;
    public static final int STOP_VIDEO = 202;
    public static final int START_AUDIO = 203;
    public static final int STOP_AUDIO = 204;
    public static final int START_AUX = 205;
    public static final int STOP_AUX = 206;

    /** MEMBER_TRTC_ANCHOR and MEMBER_TRTC_VIEWER. */
    static final int ROLE_ANCHOR = 20;
    static final int ROLE_AUDIENCE = 21;
    /** TERMINAL_TYPE_OTHER: Lianmai does not learn the client's operating system. */
    static final int TERMINAL_OTHER = 100;
    /** USER_TYPE_WEBRTC and USER_TYPE_APPLET (mini program, which pushes RTMP). */
    static final int USER_WEBRTC = 1;
    static final int USER_APPLET = 2;
    /** Entry reason 1: a normal entry. */
    static final int ENTER_NORMAL = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    public CallbackEvent {
        Objects.requireNonNull(sdkAppId, "sdkAppId");
        Objects.requireNonNull(roomKey, "roomKey");
        Objects.requireNonNull(at, "at");
    }

    /** EventGroupId: 1 for room events (1xx), 2 for media events (2xx). */
    public int group() {
        return type / 100 == 1 ? GROUP_ROOM : GROUP_MEDIA;
    }

    /**
     * TRTC's exit reasons: 1 left normally, 2 timed out (the connection dropped and did not resume; a server shutdown
     * is told so too, as the clients reconnect), 3 removed from the room (kicked, dismissed, a duplicate login, the
     * app disabled).
     */
    static int exitReason(LeaveReason reason) {
        return switch (reason) {
            case LEAVE -> 1;
            case TIMEOUT, SERVER_SHUTDOWN -> 2;
            case REMOVED, ROOM_DISMISSED, DUPLICATE_LOGIN, APP_DISABLED -> 3;
        };
    }

    static int role(Role role) {
        return role == Role.ANCHOR ? ROLE_ANCHOR : ROLE_AUDIENCE;
    }

    /** UserType: RTMP publishers are what mini programs' {@code live-pusher} are; WHIP is WebRTC. */
    static int userType(ClientKind kind) {
        return kind == ClientKind.RTMP ? USER_APPLET : USER_WEBRTC;
    }

    /** The {@code EventInfo} object, as JSON text, fields in TRTC's order. */
    public String eventInfo() {
        ObjectNode info = JSON.createObjectNode();
        RoomRef room = RoomRef.parseKey(roomKey);
        if (room.strRoomId().isPresent()) {
            info.put("RoomId", room.strRoomId().get());
        } else {
            info.put("RoomId", room.roomId());
        }
        info.put("EventTs", at.getEpochSecond());
        info.put("EventMsTs", at.toEpochMilli());
        if (userId != null) {
            info.put("UserId", userId);
        }
        if (role != null) {
            info.put("Role", role(role));
        }
        if (kind != null) {
            info.put("TerminalType", TERMINAL_OTHER);
            info.put("UserType", userType(kind));
        }
        if (reason != 0) {
            info.put("Reason", reason);
        }
        return info.toString();
    }

    /** This event as an outbox row with id {@code eventId}. */
    public CallbackOutbox.NewEvent toOutbox(String eventId) {
        return new CallbackOutbox.NewEvent(eventId, sdkAppId, roomKey, group(), type, at.toEpochMilli(), eventInfo(),
                presenceChange(), userId, role == null ? null : role.wireName());
    }

    private CallbackOutbox.PresenceChange presenceChange() {
        return switch (type) {
            case CREATE_ROOM -> CallbackOutbox.PresenceChange.ROOM_CREATED;
            case DISMISS_ROOM -> CallbackOutbox.PresenceChange.ROOM_DISMISSED;
            case ENTER_ROOM -> CallbackOutbox.PresenceChange.MEMBER_ENTERED;
            case EXIT_ROOM -> CallbackOutbox.PresenceChange.MEMBER_LEFT;
            case CHANGE_ROLE -> CallbackOutbox.PresenceChange.MEMBER_ROLE;
            default -> CallbackOutbox.PresenceChange.NONE;
        };
    }

    /**
     * The events a crashed process could not record, for what the outbox says was present when it crashed: an exit
     * (Reason 2, timeout, as TRTC reports a client that vanished) for a member, a dismissal for a room.
     */
    static CallbackEvent leftover(CallbackOutbox.Presence present, Instant now) {
        if (present.userId().isEmpty()) {
            return new CallbackEvent(present.sdkAppId(), present.roomKey(), DISMISS_ROOM, now, null, null, null, 0);
        }
        Role role = Role.fromWire(present.role()).orElse(Role.ANCHOR);
        return new CallbackEvent(present.sdkAppId(), present.roomKey(), EXIT_ROOM, now, present.userId(), role, null,
                exitReason(LeaveReason.TIMEOUT));
    }
}
