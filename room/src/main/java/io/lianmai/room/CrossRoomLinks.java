package io.lianmai.room;

import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * Cross-room PK (TRTC's {@code connectOtherRoom}): an anchor of one live room links with an anchor of another live
 * room of the same app, and each room shows the other room's anchor as a <em>mirror</em> — a member with that
 * userID, role anchor, flagged with its real room ({@link Member#otherRoom}), publishing what the anchor publishes
 * there. Members of both rooms get the usual {@code userJoin}/{@code streamAdd}/…/{@code userLeave} events and
 * subscribe to the mirror's streams, which play from the anchor's own room ({@link Room#streamSource}).
 *
 * <p>A link ends when its initiator disconnects it, when either anchor leaves (for any reason) or stops being an
 * anchor, or when a mirror is removed from its room (kicked, the room dismissed, a member with the same userID
 * entering). Each anchor is in at most one link at a time, and an initiator starts at most one link per
 * {@link RoomConfig#pkMinConnectInterval} (a join and leave broadcast to two whole rooms is not to be flooded).
 *
 * <p>Thread-safety: every change runs on {@code serial}, one at a time, and takes one room's lock at a time, never
 * two; what the rooms tell this class (it is their {@link RoomObserver} and its mirrors' listener) arrives under a
 * room's lock and is only queued onto {@code serial}. A mirror's streams are copied from its origin's state each time
 * that state changes, so a change missed or seen twice is mended by the next copy.
 */
public final class CrossRoomLinks implements RoomObserver {
    /** Where the media consequences of a mirror's streams ending go (the server ends sessions and live output). */
    public interface MirrorOutputs {
        /**
         * Room {@code room} no longer shows {@code stream} of a mirror: end {@code subscriptionSessions} (its
         * subscribers there) and any live output of that room's name for the stream. Called on the serial executor.
         */
        void onMirrorStreamEnded(RoomKey room, StreamId stream, List<String> subscriptionSessions);
    }

    /** One anchor in one room. */
    public record Endpoint(RoomKey room, UserId userId) {
    }

    /** A PK: {@code from} asked for it, {@code to} was asked. */
    public record Link(Endpoint from, Endpoint to) {
        Endpoint other(Endpoint side) {
            return side.equals(from) ? to : from;
        }
    }

    private final RoomRegistry rooms;
    private final Executor serial;
    private final Clock clock;
    private final MirrorOutputs outputs;
    private final ConcurrentMap<Endpoint, Link> links = new ConcurrentHashMap<>();
    /** When each initiator last started a link; only touched on {@code serial}. */
    private final Map<Endpoint, Instant> lastConnect = new ConcurrentHashMap<>();

    /**
     * @param serial runs the links' work one task at a time (a single thread in the server; a queue in tests)
     */
    public CrossRoomLinks(RoomRegistry rooms, Executor serial, Clock clock, MirrorOutputs outputs) {
        this.rooms = rooms;
        this.serial = serial;
        this.clock = clock;
        this.outputs = outputs;
    }

    /**
     * Links {@code initiator} with anchor {@code otherUser} of room {@code otherRoom} (same app); completes when
     * both mirrors are in, or fails with a {@link RoomException} carrying TRTC's code.
     */
    public CompletionStage<Void> connect(Member initiator, RoomKey otherRoom, UserId otherUser) {
        return CompletableFuture.runAsync(() -> connectNow(initiator, otherRoom, otherUser), serial);
    }

    /**
     * Ends the link {@code member} started; fails with {@link RoomError#PK_NOT_CONNECTED} when it is in none and
     * {@link RoomError#PK_USER_NOT_CONNECTED} when it was the one asked (as TRTC, only the initiator disconnects;
     * the other anchor ends it by leaving or switching to audience).
     */
    public CompletionStage<Void> disconnect(Member member) {
        return CompletableFuture.runAsync(() -> {
            requireAnchor(member);
            Endpoint self = new Endpoint(member.room().key(), member.userId());
            Link link = links.get(self);
            if (link == null) {
                throw new RoomException(RoomError.PK_NOT_CONNECTED, "not in a cross-room PK");
            }
            if (!link.from().equals(self)) {
                throw new RoomException(RoomError.PK_USER_NOT_CONNECTED, "the cross-room PK was started by "
                        + link.from().userId() + " of the other room: only it can disconnect it");
            }
            end(link);
        }, serial);
    }

    /** The link {@code userId} of {@code room} is in, if any. */
    public Optional<Link> linkOf(RoomKey room, UserId userId) {
        return Optional.ofNullable(links.get(new Endpoint(room, userId)));
    }

    /** Links now. */
    public int size() {
        return links.size() / 2;
    }

    // ---- RoomObserver: under a room's lock; queue only ----

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        endLater(new Endpoint(room, userId));
    }

    @Override
    public void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
        if (role != Role.ANCHOR) {
            endLater(new Endpoint(room, userId));
        }
    }

    @Override
    public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
            Instant at) {
        Link link = links.get(new Endpoint(room, userId));
        if (link != null) {
            serial.execute(() -> {
                if (links.get(link.from()) == link) {
                    sync(link);
                }
            });
        }
    }

    private void endLater(Endpoint endpoint) {
        Link link = links.get(endpoint);
        if (link != null) {
            serial.execute(() -> {
                if (links.get(endpoint) == link) {
                    end(link);
                }
            });
        }
    }

    // ---- on serial ----

    private void connectNow(Member initiator, RoomKey otherRoom, UserId otherUser) {
        requireAnchor(initiator);
        Room room = initiator.room();
        Endpoint from = new Endpoint(room.key(), initiator.userId());
        Endpoint to = new Endpoint(otherRoom, otherUser);
        if (room.scene() != Scene.LIVE) {
            throw new RoomException(RoomError.PK_NOT_SUPPORTED, "cross-room PK is for live rooms; this is an rtc "
                    + "room");
        }
        if (otherRoom.equals(room.key())) {
            throw new RoomException(RoomError.PK_FAILED, "the other room is this room: co-host in it instead");
        }
        if (links.containsKey(from)) {
            throw new RoomException(RoomError.PK_REACH_MAX, "already in a cross-room PK: disconnectOtherRoom first"
                    + " (one at a time)");
        }
        Instant now = clock.instant();
        Instant last = lastConnect.get(from);
        Duration interval = rooms.config().pkMinConnectInterval();
        if (last != null && now.isBefore(last.plus(interval))) {
            throw new RoomException(RoomError.PK_REACH_MAX, "cross-room PKs started too fast: at most one per "
                    + interval.toMillis() + " ms (room.pkMinConnectIntervalMs)");
        }
        Room other = rooms.find(otherRoom).orElseThrow(() -> new RoomException(RoomError.PK_ROOM_NOT_FOUND,
                "room " + otherRoom.roomKey() + " does not exist in this app"));
        if (other.scene() != Scene.LIVE) {
            throw new RoomException(RoomError.PK_NOT_SUPPORTED, "cross-room PK is for live rooms; room "
                    + otherRoom.roomKey() + " is an rtc room");
        }
        if (other.anchorPublications(otherUser).isEmpty()) {
            throw new RoomException(RoomError.PK_USER_NOT_FOUND, "user " + otherUser + " is not an anchor in room "
                    + otherRoom.roomKey());
        }
        if (links.containsKey(to)) {
            throw new RoomException(RoomError.PK_TARGET_BUSY, "user " + otherUser + " of room " + otherRoom.roomKey()
                    + " is in another cross-room PK");
        }
        // Checked before either room shows anything (addMirror checks again, under each room's lock).
        room.checkMayShow(otherUser);
        other.checkMayShow(initiator.userId());
        Link link = new Link(from, to);
        links.put(from, link);
        links.put(to, link);
        try {
            room.addMirror(otherUser, otherRoom, new Mirror(link, from));
            try {
                other.addMirror(initiator.userId(), room.key(), new Mirror(link, to));
            } catch (RuntimeException e) {
                room.removeMirror(otherUser, otherRoom, LeaveReason.LEAVE);
                throw e;
            }
        } catch (RuntimeException e) {
            links.remove(from, link);
            links.remove(to, link);
            throw e;
        }
        lastConnect.put(from, now);
        lastConnect.entrySet().removeIf(entry -> !now.isBefore(entry.getValue().plus(rooms.config().pkMinConnectInterval()))
                && !entry.getKey().equals(from));
        // Either anchor may have gone meanwhile: its leave is queued behind this task, or sync finds it gone.
        sync(link);
    }

    /** Copies each anchor's publications to its mirror; ends the link when an anchor is gone. */
    private void sync(Link link) {
        if (!copy(link.from(), link.to().room()) || !copy(link.to(), link.from().room())) {
            end(link);
        }
    }

    /** Copies the publications of {@code origin} to its mirror in {@code mirrorRoom}; false when it is gone. */
    private boolean copy(Endpoint origin, RoomKey mirrorRoom) {
        Optional<Map<StreamType, Member.Publication>> publications = rooms.find(origin.room())
                .flatMap(room -> room.anchorPublications(origin.userId()));
        Optional<Room> shown = rooms.find(mirrorRoom);
        if (publications.isEmpty() || shown.isEmpty()) {
            return false;
        }
        shown.get().syncMirror(origin.userId(), origin.room(), publications.get());
        return shown.get().member(origin.userId()).filter(member -> member.otherRoom().isPresent()).isPresent();
    }

    private void end(Link link) {
        boolean linked = links.remove(link.from(), link);
        links.remove(link.to(), link);
        if (!linked) {
            return;
        }
        rooms.find(link.from().room()).ifPresent(room -> room.removeMirror(link.to().userId(), link.to().room(),
                LeaveReason.LEAVE));
        rooms.find(link.to().room()).ifPresent(room -> room.removeMirror(link.from().userId(), link.from().room(),
                LeaveReason.LEAVE));
    }

    private static void requireAnchor(Member member) {
        if (!member.isPresent()) {
            throw new RoomException(RoomError.STATE, "not in the room any more");
        }
        if (member.role() != Role.ANCHOR) {
            throw new RoomException(RoomError.PK_AS_AUDIENCE, "audience members cannot connect or disconnect other "
                    + "rooms: switchRole to anchor first");
        }
    }

    /** A mirror's listener: shown in the room of {@code side}, standing for the other side's anchor. */
    private final class Mirror implements MirrorListener {
        private final Link link;
        private final Endpoint side;

        Mirror(Link link, Endpoint side) {
            this.link = link;
            this.side = side;
        }

        /** The anchor of this side reported its uplink quality: the other room hears it from its mirror there. */
        @Override
        public void onRoomEvent(RoomEvent event) {
            if (event instanceof RoomEvent.NetQuality quality && quality.userId().equals(side.userId())) {
                Endpoint other = link.other(side);
                serial.execute(() -> rooms.find(other.room()).ifPresent(room -> room.relayMirrorQuality(
                        side.userId(), side.room(), quality.uplink())));
            }
        }

        @Override
        public void onMemberRemoved(Member member, LeaveReason reason) {
            // Removed by something other than the link's end (a kick, a dismissal, a member with its userID).
            serial.execute(() -> {
                if (links.get(side) == link) {
                    end(link);
                }
            });
        }

        @Override
        public void onMirrorStreamEnded(RoomKey room, StreamId stream, List<String> subscriptionSessions) {
            serial.execute(() -> outputs.onMirrorStreamEnded(room, stream, subscriptionSessions));
        }

        @Override
        public ClientKind clientKind() {
            return ClientKind.WEBRTC;
        }

        @Override
        public String toString() {
            return "mirror of " + link.other(side);
        }
    }
}
