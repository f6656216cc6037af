package io.lianmai.room;

import io.lianmai.auth.Privilege;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The rooms of this node, by app and room key: a room is created by its first {@link #enter} and destroyed when its
 * last member is gone. Also finds members by session token for {@link #resume}.
 *
 * <p>Thread-safety: safe from any thread; each operation locks only the room it touches. The registry has no
 * threads: the server calls {@link #tick} periodically (every second is plenty) to end expired grace periods.
 */
public final class RoomRegistry {
    private static final int TOKEN_BYTES = 16;

    private final RoomConfig config;
    private final Clock clock;
    private final Random random;
    private final ConcurrentMap<RoomKey, Room> rooms = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Member> byToken = new ConcurrentHashMap<>();

    /** A registry drawing session tokens from a {@link SecureRandom}. */
    public RoomRegistry(RoomConfig config, Clock clock) {
        this(config, clock, new SecureRandom());
    }

    /** A registry drawing session tokens from {@code random} (a seeded one in tests). */
    public RoomRegistry(RoomConfig config, Clock clock, Random random) {
        this.config = config;
        this.clock = clock;
        this.random = random;
    }

    public RoomConfig config() {
        return config;
    }

    /**
     * Enters a room, creating it when it does not exist (which needs {@code create_room} when a privateMapKey was
     * given). The same userID already in the room is removed first (reason {@code duplicate-login}). Others get
     * {@code userJoin}.
     *
     * @throws RoomException a limit is reached ({@link RoomError#ROOM_FULL}), the room has another scene, or the
     *     privileges do not allow creating the room
     */
    public Entered enter(EnterRequest request) {
        while (true) {
            Room room = rooms.computeIfAbsent(request.room(),
                    key -> new Room(key, request.scene(), config, clock, this));
            room.lock.lock();
            try {
                if (room.isClosedLocked()) {
                    continue; // emptied and destroyed after we found it: make a fresh one
                }
                try {
                    return enterLocked(room, request);
                } finally {
                    room.closeIfEmptyLocked();
                }
            } finally {
                room.lock.unlock();
            }
        }
    }

    private Entered enterLocked(Room room, EnterRequest request) {
        if (room.isEmptyLocked()) {
            if (!request.privileges().allows(Privilege.CREATE_ROOM)) {
                throw new RoomException(RoomError.PRIVILEGE, "privateMapKey does not grant create_room, and room "
                        + request.room().roomKey() + " does not exist yet");
            }
            room.setSceneLocked(request.scene());
        } else if (room.scene() != request.scene()) {
            throw new RoomException(RoomError.SCENE_MISMATCH, "room " + request.room().roomKey() + " is a "
                    + room.scene().wireName() + " room; enter it with scene " + room.scene().wireName());
        }
        Role role = room.scene() == Scene.RTC ? Role.ANCHOR : request.role();
        Member existing = room.membersLocked().get(request.userId());
        checkLimitsLocked(room, role, existing);
        if (existing != null) {
            room.removeLocked(existing, LeaveReason.DUPLICATE_LOGIN);
        }
        String token = newToken();
        Member member = new Member(room, request.userId(), role, token, request.privileges(), request.listener(),
                new MessageRateLimiter(config.messagesPerSecond(), clock.instant()));
        byToken.put(token, member);
        room.addLocked(member);
        return new Entered(member, room.othersLocked(member));
    }

    private void checkLimitsLocked(Room room, Role role, Member replaced) {
        if (room.scene() == Scene.RTC) {
            int others = room.membersLocked().size() - (replaced != null ? 1 : 0);
            if (others >= config.rtcMaxMembers()) {
                throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.rtcMaxMembers()
                        + " members in an rtc room (room.rtcMaxMembers)");
            }
            return;
        }
        int sameRole = room.countLocked(role) - (replaced != null && replaced.role() == role ? 1 : 0);
        if (role == Role.ANCHOR && sameRole >= config.liveMaxAnchors()) {
            throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.liveMaxAnchors()
                    + " anchors in a live room (room.liveMaxAnchors); enter as audience");
        }
        if (role == Role.AUDIENCE && config.liveMaxAudience() > 0 && sameRole >= config.liveMaxAudience()) {
            throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.liveMaxAudience()
                    + " audience members in a live room (room.liveMaxAudience)");
        }
    }

    /**
     * Resumes the member holding {@code sessionToken} on a new connection: it keeps its role, streams and
     * subscriptions, others are told nothing, {@code listener} replaces the old one (which gets
     * {@link MemberListener#onListenerReplaced}), and the member gets a new {@link Member#sessionToken} (the one
     * used stops working).
     *
     * @throws RoomException {@link RoomError#STATE} when the token is unknown, already used or the grace period is
     *     over; {@link RoomError#STILL_CONNECTED} while the member's connection is still alive
     */
    public Entered resume(String sessionToken, MemberListener listener) {
        Member member = byToken.get(sessionToken);
        if (member == null) {
            throw new RoomException(RoomError.STATE, "unknown or expired session token: enter the room again");
        }
        Room room = member.room();
        room.lock.lock();
        try {
            if (!member.isPresent() || !member.sessionToken().equals(sessionToken)) {
                throw new RoomException(RoomError.STATE, "the session ended: enter the room again");
            }
            if (member.disconnectedSince().isEmpty() && member.listenerLocked() != listener
                    && member.listenerLocked().isConnectionAlive()) {
                throw new RoomException(RoomError.STILL_CONNECTED, "this member's connection is still alive: "
                        + "resume again after one heartbeat interval");
            }
            String rotated = newToken();
            byToken.remove(sessionToken, member);
            member.setSessionTokenLocked(rotated);
            byToken.put(rotated, member);
            member.setDisconnectedSinceLocked(null);
            MemberListener old = member.replaceListenerLocked(listener);
            if (old != listener) {
                old.onListenerReplaced(member);
            }
            return new Entered(member, room.othersLocked(member));
        } finally {
            room.lock.unlock();
        }
    }

    /** The room, if it exists now. */
    /**
     * Withdraws whatever publication or subscription a media session that ended on its own carried, in whichever
     * room holds it. Session ends are rare, so a walk over the rooms is fine.
     */
    public void onMediaSessionEnded(String sessionId) {
        for (Room room : rooms.values()) {
            if (room.onMediaSessionEnded(sessionId)) {
                return;
            }
        }
    }

    public Optional<Room> find(RoomKey key) {
        return Optional.ofNullable(rooms.get(key));
    }

    /** How many rooms exist. */
    public int roomCount() {
        return rooms.size();
    }

    /**
     * Removes every member of every room of app {@code sdkAppId} for {@code reason} (its app was disabled), or of
     * every app when {@code sdkAppId} is negative (the server is shutting down); their listeners get
     * {@link MemberListener#onMemberRemoved} and so end their media sessions. Each room is locked in turn, never
     * two at once.
     *
     * @return how many members were removed
     */
    public int removeAll(long sdkAppId, LeaveReason reason) {
        int removed = 0;
        for (Room room : rooms.values()) {
            if (sdkAppId >= 0 && room.key().sdkAppId() != sdkAppId) {
                continue;
            }
            room.lock.lock();
            try {
                if (room.isClosedLocked()) {
                    continue;
                }
                for (Member member : new ArrayList<>(room.membersLocked().values())) {
                    room.removeLocked(member, reason);
                    removed++;
                }
                room.closeIfEmptyLocked();
            } finally {
                room.lock.unlock();
            }
        }
        return removed;
    }

    /** Removes members whose resume grace period is over at {@code now} (reason {@code timeout}). */
    public void tick(Instant now) {
        for (Room room : rooms.values()) {
            room.lock.lock();
            try {
                if (!room.isClosedLocked()) {
                    room.expireLocked(now);
                }
            } finally {
                room.lock.unlock();
            }
        }
    }

    // ---- called by Room under its lock ----

    void forget(Member member) {
        byToken.remove(member.sessionToken(), member);
    }

    void destroyed(Room room) {
        rooms.remove(room.key(), room);
    }

    private String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        synchronized (random) {
            random.nextBytes(bytes);
        }
        return HexFormat.of().formatHex(bytes);
    }
}
