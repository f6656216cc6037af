package io.lianmai.room;

import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The rooms of this node, in memory: the single-node {@link RoomRegistry}. Rooms by key and members by session
 * token are concurrent maps; each room keeps its own lock, which this registry never takes: it asks the room
 * ({@link Room#enter}, {@link Room#resume}, {@link Room#removeAll}, {@link Room#expire}), and the room tells it back
 * through {@link RoomOwner} what changed.
 *
 * <p>Thread-safety: safe from any thread; each operation locks only the room it touches (through the room).
 */
public final class LocalRoomRegistry implements RoomRegistry {
    private static final int TOKEN_BYTES = 16;

    private final RoomConfig config;
    private final Clock clock;
    private final Random random;
    private final ConcurrentMap<RoomKey, Room> rooms = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Member> byToken = new ConcurrentHashMap<>();
    /** Users removed by the server API, per room, with the instant they may enter again. */
    private final ConcurrentMap<RoomKey, ConcurrentMap<UserId, Instant>> refused = new ConcurrentHashMap<>();
    private final List<RoomObserver> observers = new CopyOnWriteArrayList<>();
    private final RoomObserver fanOut = new FanOut();
    private final RoomOwner owner = new Owner();

    /** A registry drawing session tokens from a {@link SecureRandom}. */
    public LocalRoomRegistry(RoomConfig config, Clock clock) {
        this(config, clock, new SecureRandom());
    }

    /** A registry drawing session tokens from {@code random} (a seeded one in tests). */
    public LocalRoomRegistry(RoomConfig config, Clock clock, Random random) {
        this.config = config;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public RoomConfig config() {
        return config;
    }

    @Override
    public Entered enter(EnterRequest request) {
        while (true) {
            Room room = rooms.computeIfAbsent(request.room(),
                    key -> new Room(key, request.scene(), config, clock, owner));
            Entered entered = room.enter(request);
            if (entered != null) {
                return entered;
            }
            // Emptied and closed after we found it (it has left the map): make a fresh one.
        }
    }

    @Override
    public Entered resume(String sessionToken, MemberListener listener) {
        Member member = byToken.get(sessionToken);
        if (member == null) {
            throw new RoomException(RoomError.STATE, "unknown or expired session token: enter the room again");
        }
        return member.room().resume(member, sessionToken, listener);
    }

    /** Session ends are rare, so a walk over the rooms is fine. */
    @Override
    public void onMediaSessionEnded(String sessionId) {
        for (Room room : rooms.values()) {
            if (room.onMediaSessionEnded(sessionId)) {
                return;
            }
        }
    }

    @Override
    public Optional<Room> find(RoomKey key) {
        return Optional.ofNullable(rooms.get(key));
    }

    @Override
    public int roomCount() {
        return rooms.size();
    }

    /** Each room is locked in turn (by itself), never two at once. */
    @Override
    public int memberCount() {
        int members = 0;
        for (Room room : rooms.values()) {
            members += room.size();
        }
        return members;
    }

    /** Each room is locked in turn (by itself), never two at once. */
    @Override
    public int removeAll(SdkAppId sdkAppId, LeaveReason reason) {
        int removed = 0;
        for (Room room : rooms.values()) {
            if (room.key().sdkAppId().equals(sdkAppId)) {
                removed += room.removeAll(reason);
            }
        }
        return removed;
    }

    /** Each room is locked in turn (by itself), never two at once. */
    @Override
    public int removeEveryone(LeaveReason reason) {
        int removed = 0;
        for (Room room : rooms.values()) {
            removed += room.removeAll(reason);
        }
        return removed;
    }

    @Override
    public OptionalInt dismiss(RoomKey key, LeaveReason reason) {
        Room room = rooms.get(key);
        return room == null ? OptionalInt.empty() : OptionalInt.of(room.removeAll(reason));
    }

    /**
     * The refusal is recorded before the room is locked to remove: an enter that locks the room first is removed
     * with the others, one that locks it after sees the refusal. Should the room close and reopen meanwhile (its
     * last member left, another entered), the new room is swept too.
     */
    @Override
    public Optional<List<UserId>> remove(RoomKey key, Collection<UserId> userIds, LeaveReason reason,
            Instant refuseUntil) {
        Room room = rooms.get(key);
        if (room == null) {
            return Optional.empty();
        }
        if (refuseUntil.isAfter(clock.instant())) {
            ConcurrentMap<UserId, Instant> users = refused.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
            userIds.forEach(userId -> users.merge(userId, refuseUntil, (a, b) -> a.isAfter(b) ? a : b));
        }
        List<UserId> removed = new ArrayList<>(room.remove(userIds, reason));
        Room now = rooms.get(key);
        if (now != null && now != room) {
            removed.addAll(now.remove(userIds, reason));
        }
        return Optional.of(removed);
    }

    @Override
    public Optional<Instant> refusedUntil(RoomKey key, UserId userId) {
        return owner.refusedUntil(key, userId, clock.instant());
    }

    @Override
    public void tick(Instant now) {
        for (Room room : rooms.values()) {
            room.expire(now);
        }
        refused.values().forEach(users -> users.values().removeIf(until -> !now.isBefore(until)));
        refused.values().removeIf(Map::isEmpty);
    }

    @Override
    public void addObserver(RoomObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /** Tells every registered observer; a copy-on-write list, so reading it takes no lock two rooms could share. */
    private final class FanOut implements RoomObserver {
        @Override
        public void onRoomCreated(RoomKey room, UserId creator, Instant at) {
            for (RoomObserver each : observers) {
                each.onRoomCreated(room, creator, at);
            }
        }

        @Override
        public void onRoomDismissed(RoomKey room, Instant at) {
            for (RoomObserver each : observers) {
                each.onRoomDismissed(room, at);
            }
        }

        @Override
        public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
            for (RoomObserver each : observers) {
                each.onMemberEntered(room, userId, role, kind, at);
            }
        }

        @Override
        public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
                Instant at) {
            for (RoomObserver each : observers) {
                each.onMemberLeft(room, userId, role, kind, reason, at);
            }
        }

        @Override
        public void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
            for (RoomObserver each : observers) {
                each.onMemberRoleSwitched(room, userId, role, at);
            }
        }

        @Override
        public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
                Instant at) {
            for (RoomObserver each : observers) {
                each.onTracksChanged(room, userId, type, before, after, at);
            }
        }

        @Override
        public void onPublishingChanged(RoomKey room, UserId userId, ClientKind kind, boolean publishing,
                Instant at) {
            for (RoomObserver each : observers) {
                each.onPublishingChanged(room, userId, kind, publishing, at);
            }
        }

        @Override
        public void onMirrorChanged(RoomKey room, UserId userId, Instant at) {
            for (RoomObserver each : observers) {
                each.onMirrorChanged(room, userId, at);
            }
        }

        @Override
        public void onCustomMessage(RoomKey room, UserId from, int cmdId, String data) {
            for (RoomObserver each : observers) {
                each.onCustomMessage(room, from, cmdId, data);
            }
        }
    }

    /** What the rooms tell this registry, under their own locks: only the concurrent maps change here. */
    private final class Owner implements RoomOwner {
        @Override
        public String newSessionToken() {
            byte[] bytes = new byte[TOKEN_BYTES];
            // Random and SecureRandom are thread-safe themselves: no lock here that two rooms could share.
            random.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }

        @Override
        public void onSessionTokenIssued(Member member) {
            byToken.put(member.sessionToken(), member);
        }

        @Override
        public void onSessionTokenRetired(String token, Member member) {
            byToken.remove(token, member);
        }

        @Override
        public void onRoomClosed(Room room) {
            rooms.remove(room.key(), room);
        }

        @Override
        public Optional<Instant> refusedUntil(RoomKey key, UserId userId, Instant now) {
            Map<UserId, Instant> users = refused.get(key);
            Instant until = users == null ? null : users.get(userId);
            return until != null && now.isBefore(until) ? Optional.of(until) : Optional.empty();
        }

        @Override
        public RoomObserver observer() {
            return fanOut;
        }
    }
}
