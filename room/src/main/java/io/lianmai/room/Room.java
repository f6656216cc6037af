package io.lianmai.room;

import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One room: its members in order of entry, the limits of its scene, and the events its changes cause. Created by
 * a {@link RoomRegistry} and closed when its last member is gone, which it tells its {@link RoomOwner}.
 *
 * <p>Thread-safety: every method takes the room's own lock (never a lock shared with other rooms, nor with the
 * registry: only the room and its {@link Member}s take it); listeners are called with it held (see
 * {@link MemberListener}). Methods that change media state return the media sessions the caller must end, because
 * the room does no I/O.
 */
public final class Room {
    /** TRTC's quality levels a member may report: 0 unknown, 1 excellent .. 5 very bad, 6 down. */
    public static final int QUALITY_UNKNOWN = 0;
    public static final int QUALITY_DOWN = 6;
    /** Uplink quality reports a member may send per second (burst and sustained); the SDKs send one per 10 s. */
    static final int QUALITY_REPORTS_PER_SECOND = 1;

    /** Guards the room and its members; taken by this room and its {@link Member}s only. */
    final ReentrantLock lock = new ReentrantLock();

    private final RoomKey key;
    private final RoomConfig config;
    private final Clock clock;
    private final RoomOwner owner;
    // Guarded by lock.
    private Scene scene;
    private final Map<UserId, Member> members = new LinkedHashMap<>();
    private boolean closed;
    /** Whether observers were told this room was created (its first member entered), so they hear it dismissed. */
    private boolean announced;

    Room(RoomKey key, Scene scene, RoomConfig config, Clock clock, RoomOwner owner) {
        this.key = key;
        this.scene = scene;
        this.config = config;
        this.clock = clock;
        this.owner = owner;
    }

    public RoomKey key() {
        return key;
    }

    public Scene scene() {
        lock.lock();
        try {
            return scene;
        } finally {
            lock.unlock();
        }
    }

    /** Members present, including those in their resume grace period. */
    public int size() {
        lock.lock();
        try {
            return members.size();
        } finally {
            lock.unlock();
        }
    }

    /** The member with {@code userId} (present or in its resume grace period), if any. */
    public Optional<Member> member(UserId userId) {
        lock.lock();
        try {
            return Optional.ofNullable(members.get(userId));
        } finally {
            lock.unlock();
        }
    }

    /** Snapshots of every member, in order of entry. */
    public List<MemberInfo> members() {
        lock.lock();
        try {
            List<MemberInfo> infos = new ArrayList<>();
            members.values().forEach(member -> infos.add(member.infoLocked()));
            return infos;
        } finally {
            lock.unlock();
        }
    }

    /** Leaves the room: others get a {@code streamRemove} per stream, then {@code userLeave}. No-op if gone. */
    public void leave(Member member) {
        remove(member, LeaveReason.LEAVE);
    }

    /** Removes {@code member} for {@code reason} (a kick by the server API, for instance). No-op if gone. */
    public void remove(Member member, LeaveReason reason) {
        lock.lock();
        try {
            if (member.isPresent()) {
                removeLocked(member, reason);
                closeIfEmptyLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Switches a live member's role. Audience to anchor checks the anchor limit; anchor to audience unpublishes
     * (others get {@code streamRemove}s) and checks the audience limit. Others get {@code userRole}.
     *
     * @return the media sessions of the streams unpublished, for the caller to end
     */
    public List<String> switchRole(Member member, Role role) {
        lock.lock();
        try {
            requirePresent(member);
            if (scene != Scene.LIVE) {
                throw new RoomException(RoomError.STATE, "switchRole is for live rooms; in rtc everyone may publish");
            }
            if (member.role() == role) {
                return List.of();
            }
            if (role == Role.ANCHOR) {
                if (countLocked(Role.ANCHOR) >= config.liveMaxAnchors()) {
                    throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.liveMaxAnchors()
                            + " anchors in a live room (room.liveMaxAnchors)");
                }
            } else if (config.liveMaxAudience() > 0 && countLocked(Role.AUDIENCE) >= config.liveMaxAudience()) {
                throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.liveMaxAudience()
                        + " audience members in a live room (room.liveMaxAudience)");
            }
            List<String> ended = new ArrayList<>();
            if (role == Role.AUDIENCE) {
                for (StreamType type : StreamType.values()) {
                    unpublishLocked(member, type).ifPresent(ended::add);
                }
            }
            member.setRoleLocked(role);
            broadcastLocked(member, new RoomEvent.UserRole(member.userId(), role));
            owner.observer().onMemberRoleSwitched(key, member.userId(), role, clock.instant());
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks that {@code member} may publish a stream of {@code type} now: its role, the publisher limit, and its
     * privateMapKey's {@code send_*} privileges for the tracks the offer carries. Call before negotiating media;
     * {@link #publish} checks again.
     */
    public void checkMayPublish(Member member, StreamType type, boolean offersAudio, boolean offersVideo) {
        lock.lock();
        try {
            checkMayPublishLocked(member, type, offersAudio, offersVideo);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a publication whose media session is negotiated. Others get {@code streamAdd}; when the member
     * already published this type, they first get {@code streamRemove} and subscriptions to it are dropped.
     *
     * @return the replaced publication's media session, for the caller to end
     */
    public Optional<String> publish(Member member, StreamType type, String sessionId, boolean audio,
            boolean video) {
        lock.lock();
        try {
            checkMayPublishLocked(member, type, false, false);
            boolean wasPublishing = member.isPublishingLocked();
            Optional<String> replaced = unpublishLocked(member, type, false);
            boolean hasAudio = type == StreamType.MAIN && audio;
            member.publishedLocked().put(type, new Member.Publication(sessionId, hasAudio, video));
            broadcastLocked(member, new RoomEvent.StreamAdd(member.userId(), type, hasAudio, video));
            tellTracksLocked(member, type, RoomObserver.Tracks.NONE, new RoomObserver.Tracks(hasAudio, video));
            if (!wasPublishing) {
                owner.observer().onPublishingChanged(key, member.userId(), member.listenerLocked().clientKind(), true,
                        clock.instant());
            }
            return replaced;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Withdraws a publication: others get {@code streamRemove} and their subscriptions to it are dropped.
     *
     * @return its media session, for the caller to end; empty when it was not published
     */
    public Optional<String> unpublish(Member member, StreamType type) {
        lock.lock();
        try {
            requirePresent(member);
            return unpublishLocked(member, type);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes the announced tracks of a published stream without renegotiation; others get {@code streamUpdate}.
     *
     * @param audio the new audio flag, or null to keep it
     * @param video the new video flag, or null to keep it
     */
    public void mute(Member member, StreamType type, Boolean audio, Boolean video) {
        lock.lock();
        try {
            requirePresent(member);
            Member.Publication publication = member.publishedLocked().get(type);
            if (publication == null) {
                throw new RoomException(RoomError.STATE, "the " + type.wireName() + " stream is not published");
            }
            boolean newAudio = type == StreamType.MAIN && (audio == null ? publication.audio() : audio);
            boolean newVideo = video == null ? publication.video() : video;
            if (newAudio == publication.audio() && newVideo == publication.video()) {
                return;
            }
            member.publishedLocked().put(type, new Member.Publication(publication.sessionId(), newAudio, newVideo));
            broadcastLocked(member, new RoomEvent.StreamUpdate(member.userId(), type, newAudio, newVideo));
            tellTracksLocked(member, type, new RoomObserver.Tracks(publication.audio(), publication.video()),
                    new RoomObserver.Tracks(newAudio, newVideo));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks that {@code streamId} ({@code alice_main}) is published in this room and that the member's
     * privateMapKey grants receiving what it asks for.
     */
    public void checkMaySubscribe(Member member, StreamId streamId, boolean wantsAudio, boolean wantsVideo) {
        lock.lock();
        try {
            requirePresent(member);
            StreamType type = streamId.type();
            if (type == StreamType.AUX) {
                requirePrivilege(member, Privilege.RECV_AUX_VIDEO);
            } else {
                if (wantsAudio) {
                    requirePrivilege(member, Privilege.RECV_AUDIO);
                }
                if (wantsVideo) {
                    requirePrivilege(member, Privilege.RECV_VIDEO);
                }
            }
            Member publisher = members.get(streamId.userId());
            Member.Publication publication = publisher == null ? null : publisher.publishedLocked().get(type);
            if (publication == null) {
                throw new RoomException(RoomError.STREAM_NOT_FOUND, "stream " + streamId
                        + " is not published in this room");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a subscription whose media session is negotiated.
     *
     * @return the media session of an earlier subscription to the same stream, for the caller to end
     * @throws RoomException when the stream went away meanwhile (the caller ends {@code sessionId})
     */
    public Optional<String> subscribe(Member member, StreamId streamId, String sessionId) {
        lock.lock();
        try {
            checkMaySubscribe(member, streamId, false, false);
            return Optional.ofNullable(member.subscriptionsLocked().put(streamId, sessionId));
        } finally {
            lock.unlock();
        }
    }

    /**
     * A media session ended on its own (ICE or DTLS failure, the client went away): the publication or subscription
     * it carried is withdrawn — others get {@code streamRemove} for a publication — and its member stays.
     *
     * @return whether the session belonged to this room
     */
    boolean onMediaSessionEnded(String sessionId) {
        lock.lock();
        try {
            for (Member member : new ArrayList<>(members.values())) {
                if (member.isMirror()) {
                    // Its publications are its own room's sessions: that room withdraws them, and the PK follows.
                    if (member.subscriptionsLocked().values().remove(sessionId)) {
                        return true;
                    }
                    continue;
                }
                for (Map.Entry<StreamType, Member.Publication> entry
                        : new ArrayList<>(member.publishedLocked().entrySet())) {
                    if (entry.getValue().sessionId().equals(sessionId)) {
                        unpublishLocked(member, entry.getKey());
                        return true;
                    }
                }
                if (member.subscriptionsLocked().values().remove(sessionId)) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a subscription; returns its media session for the caller to end, empty when there was none. */
    public Optional<String> unsubscribe(Member member, StreamId streamId) {
        lock.lock();
        try {
            return Optional.ofNullable(member.subscriptionsLocked().remove(streamId));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a custom message to the other members.
     *
     * @throws RoomException {@link RoomError#INVALID_PARAMETER} when it is too long or the member sends too fast
     */
    public void message(Member member, int cmdId, String data) {
        lock.lock();
        try {
            requirePresent(member);
            int bytes = data.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > config.messageMaxBytes()) {
                throw new RoomException(RoomError.INVALID_PARAMETER, "message data is " + bytes
                        + " bytes; at most " + config.messageMaxBytes());
            }
            if (!member.messagesLocked().tryAcquire(clock.instant())) {
                throw new RoomException(RoomError.INVALID_PARAMETER, "too many messages: at most "
                        + config.messagesPerSecond() + " per second");
            }
            broadcastLocked(member, new RoomEvent.CustomMessage(member.userId(), cmdId, data));
            owner.observer().onCustomMessage(key, member.userId(), cmdId, data);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Delivers a custom message {@code from} a member of another node (a cluster, docs/cluster.md) to the members of
     * this node: not to the sender's own copy here, nor to members shown here from other nodes (their nodes deliver
     * it). Its size and rate were checked by the sender's node.
     */
    public void deliverFromElsewhere(UserId from, int cmdId, String data) {
        lock.lock();
        try {
            RoomEvent event = new RoomEvent.CustomMessage(from, cmdId, data);
            for (Member member : members.values()) {
                MemberListener listener = member.listenerLocked();
                if (!member.userId().equals(from) && listener.clientKind() != ClientKind.REMOTE) {
                    listener.onRoomEvent(event);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the other members this member's uplink quality, as its SDK measured it (TRTC's onNetworkQuality shows
     * remote users' quality too). The SDKs report on change and every 10 s; more than one a second is refused.
     *
     * @param uplink {@value #QUALITY_UNKNOWN}..{@value #QUALITY_DOWN}, checked by the caller
     * @throws RoomException {@link RoomError#INVALID_PARAMETER} when the member reports faster than that
     */
    public void reportUplinkQuality(Member member, int uplink) {
        lock.lock();
        try {
            requirePresent(member);
            if (!member.qualityReportsLocked().tryAcquire(clock.instant())) {
                throw new RoomException(RoomError.INVALID_PARAMETER, "too many netQuality reports: at most "
                        + QUALITY_REPORTS_PER_SECOND + " per second");
            }
            broadcastLocked(member, new RoomEvent.NetQuality(member.userId(), uplink));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the member publishing {@code stream} through media session {@code sessionId}, and only it, which
     * simulcast layers of track {@code mid} its client should send ({@link MemberListener#onPublishedLayers}); kept
     * to tell it again if it resumes. Nothing happens when that session is not (or no longer) the member's
     * publication of that stream.
     *
     * @return whether the member was told
     */
    public boolean tellPublishedLayers(String sessionId, StreamId stream, String mid, List<String> activeRids) {
        lock.lock();
        try {
            Member member = members.get(stream.userId());
            Member.Publication publication = member == null ? null : member.publishedLocked().get(stream.type());
            if (publication == null || !publication.sessionId().equals(sessionId)) {
                return false;
            }
            Map<String, Member.PublishedLayers> told = member.publishedLayersLocked();
            told.values().removeIf(layers -> !isPublishedLocked(member, layers));
            told.put(stream.type().wireName() + "/" + mid,
                    new Member.PublishedLayers(stream.type(), sessionId, mid, List.copyOf(activeRids)));
            member.listenerLocked().onPublishedLayers(stream.type(), mid, activeRids);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code layers} were told about a publication the member still holds. */
    private static boolean isPublishedLocked(Member member, Member.PublishedLayers layers) {
        Member.Publication publication = member.publishedLocked().get(layers.type());
        return publication != null && publication.sessionId().equals(layers.sessionId());
    }

    /**
     * The member's connection dropped: it stays, unseen by others, for the grace period; then {@link
     * RoomRegistry#tick} removes it with reason {@code timeout} unless it resumed.
     *
     * @param connection the listener of the connection that dropped: nothing happens when the member has resumed
     *     on another one meanwhile
     */
    public void disconnect(Member member, MemberListener connection) {
        lock.lock();
        try {
            if (member.isPresent() && member.listenerLocked() == connection
                    && member.disconnectedSince().isEmpty()) {
                member.setDisconnectedSinceLocked(clock.instant());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "room " + key;
    }

    // ---- for the registry: each takes the room's lock ----

    /**
     * Enters this room (see {@link RoomRegistry#enter}).
     *
     * @return who entered and who was there, or null when the room closed before the lock was had (its last member
     *     left meanwhile): the registry then makes a fresh room
     */
    Entered enter(EnterRequest request) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            try {
                return enterLocked(request);
            } finally {
                closeIfEmptyLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Resumes {@code member} on a new connection (see {@link RoomRegistry#resume}). */
    Entered resume(Member member, String sessionToken, MemberListener listener) {
        lock.lock();
        try {
            if (!member.isPresent() || !member.sessionToken().equals(sessionToken)) {
                throw new RoomException(RoomError.STATE, "the session ended: enter the room again");
            }
            if (member.disconnectedSince().isEmpty() && member.listenerLocked() != listener
                    && member.listenerLocked().isConnectionAlive()) {
                throw new RoomException(RoomError.STILL_CONNECTED, "this member's connection is still alive: "
                        + "resume again after one heartbeat interval");
            }
            owner.onSessionTokenRetired(sessionToken, member);
            member.setSessionTokenLocked(owner.newSessionToken());
            owner.onSessionTokenIssued(member);
            member.setDisconnectedSinceLocked(null);
            MemberListener old = member.replaceListenerLocked(listener);
            if (old != listener) {
                old.onListenerReplaced(member);
            }
            // A change told while the member was away may never have reached its client.
            for (Member.PublishedLayers layers : member.publishedLayersLocked().values()) {
                if (isPublishedLocked(member, layers)) {
                    listener.onPublishedLayers(layers.type(), layers.mid(), layers.activeRids());
                }
            }
            return new Entered(member, othersLocked(member));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the members with {@code userIds} (present or in their grace period) for {@code reason}.
     *
     * @return the userIDs that were members
     */
    List<UserId> remove(Collection<UserId> userIds, LeaveReason reason) {
        lock.lock();
        try {
            List<UserId> removed = new ArrayList<>();
            for (UserId userId : userIds) {
                Member member = members.get(userId);
                if (member != null) {
                    removeLocked(member, reason);
                    removed.add(userId);
                }
            }
            closeIfEmptyLocked();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Removes every member for {@code reason}; returns how many there were. */
    int removeAll(LeaveReason reason) {
        lock.lock();
        try {
            int removed = 0;
            for (Member member : new ArrayList<>(members.values())) {
                removeLocked(member, reason);
                removed++;
            }
            closeIfEmptyLocked();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Removes members whose grace period ended by {@code now} (reason {@code timeout}). */
    void expire(Instant now) {
        lock.lock();
        try {
            if (!closed) {
                expireLocked(now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The members by userID; the caller holds the lock (tests read it to reach a member). */
    Map<UserId, Member> membersLocked() {
        return members;
    }

    // ---- under lock ----

    private Entered enterLocked(EnterRequest request) {
        if (members.isEmpty()) {
            if (!request.privileges().allows(Privilege.CREATE_ROOM)) {
                throw new RoomException(RoomError.PRIVILEGE, "privateMapKey does not grant create_room, and room "
                        + request.room().roomKey() + " does not exist yet");
            }
            scene = request.scene();
        } else if (scene != request.scene()) {
            throw new RoomException(RoomError.SCENE_MISMATCH, "room " + request.room().roomKey() + " is a "
                    + scene.wireName() + " room; enter it with scene " + scene.wireName());
        }
        Optional<Instant> refused = owner.refusedUntil(key, request.userId(), clock.instant());
        if (refused.isPresent()) {
            throw new RoomException(RoomError.REMOVED, "removed from room " + request.room().roomKey()
                    + " by the server API: it may be entered again from " + refused.get());
        }
        Role role = scene == Scene.RTC ? Role.ANCHOR : request.role();
        Member existing = members.get(request.userId());
        checkLimitsLocked(role, existing);
        if (existing != null) {
            removeLocked(existing, LeaveReason.DUPLICATE_LOGIN);
        }
        Member member = new Member(this, request.userId(), role, owner.newSessionToken(), request.privileges(),
                request.listener(), new MessageRateLimiter(config.messagesPerSecond(), clock.instant()),
                new MessageRateLimiter(QUALITY_REPORTS_PER_SECOND, clock.instant()));
        owner.onSessionTokenIssued(member);
        addLocked(member);
        return new Entered(member, othersLocked(member));
    }

    private void checkLimitsLocked(Role role, Member replaced) {
        if (scene == Scene.RTC) {
            int others = members.size() - (replaced != null ? 1 : 0);
            if (others >= config.rtcMaxMembers()) {
                throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.rtcMaxMembers()
                        + " members in an rtc room (room.rtcMaxMembers)");
            }
            return;
        }
        int sameRole = countLocked(role) - (replaced != null && replaced.role() == role ? 1 : 0);
        if (role == Role.ANCHOR && sameRole >= config.liveMaxAnchors()) {
            throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.liveMaxAnchors()
                    + " anchors in a live room (room.liveMaxAnchors); enter as audience");
        }
        if (role == Role.AUDIENCE && config.liveMaxAudience() > 0 && sameRole >= config.liveMaxAudience()) {
            throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.liveMaxAudience()
                    + " audience members in a live room (room.liveMaxAudience)");
        }
    }

    private List<MemberInfo> othersLocked(Member self) {
        List<MemberInfo> others = new ArrayList<>();
        for (Member member : members.values()) {
            if (member != self) {
                others.add(member.infoLocked());
            }
        }
        return others;
    }

    private int countLocked(Role role) {
        int count = 0;
        for (Member member : members.values()) {
            if (member.role() == role) {
                count++;
            }
        }
        return count;
    }

    private void addLocked(Member member) {
        members.put(member.userId(), member);
        broadcastLocked(member, new RoomEvent.UserJoin(member.userId(), member.role()));
        Instant now = clock.instant();
        if (!announced) {
            announced = true;
            owner.observer().onRoomCreated(key, member.userId(), now);
        }
        owner.observer().onMemberEntered(key, member.userId(), member.role(), member.listenerLocked().clientKind(),
                now);
    }

    private void removeLocked(Member member, LeaveReason reason) {
        if (member.isMirror()) {
            removeMirrorLocked(member, reason);
            return;
        }
        for (StreamType type : StreamType.values()) {
            Member.Publication publication = member.publishedLocked().get(type);
            if (publication != null) {
                dropSubscriptionsLocked(StreamId.of(member.userId(), type));
                broadcastLocked(member, new RoomEvent.StreamRemove(member.userId(), type));
            }
        }
        members.remove(member.userId(), member);
        member.markRemovedLocked();
        broadcastLocked(member, new RoomEvent.UserLeave(member.userId(), reason));
        owner.observer().onMemberLeft(key, member.userId(), member.role(), member.listenerLocked().clientKind(),
                reason, clock.instant());
        owner.onSessionTokenRetired(member.sessionToken(), member);
        // Publications stay recorded on the removed member so its listener can end the media sessions.
        member.listenerLocked().onMemberRemoved(member, reason);
    }

    private void closeIfEmptyLocked() {
        if (members.isEmpty() && !closed) {
            closed = true;
            // Before the registry forgets this room: a fresh room of the same key (made once it is forgotten, under
            // its own lock) must be told created after this one was told dismissed.
            if (announced) {
                owner.observer().onRoomDismissed(key, clock.instant());
            }
            owner.onRoomClosed(this);
        }
    }

    private void expireLocked(Instant now) {
        for (Member member : new ArrayList<>(members.values())) {
            Optional<Instant> since = member.disconnectedSince();
            if (since.isPresent() && !now.isBefore(since.get().plus(config.resumeGrace()))) {
                removeLocked(member, LeaveReason.TIMEOUT);
            }
        }
        closeIfEmptyLocked();
    }

    // ---- cross-room PK mirrors (for CrossRoomLinks; each takes the room's lock) ----

    /**
     * The room whose media stream carries {@code streamId} as this room shows it: this room, or for a cross-room PK
     * mirror the room its anchor is really in. Subscriptions and live output play the stream from there.
     */
    public RoomKey streamSource(StreamId streamId) {
        lock.lock();
        try {
            Member member = members.get(streamId.userId());
            return member == null ? key : member.otherRoom().orElse(key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The publications of {@code userId} if it is an anchor who entered this room itself (not a mirror), for a
     * mirror of it in another room to show; empty when it is not such a member now.
     */
    Optional<Map<StreamType, Member.Publication>> anchorPublications(UserId userId) {
        lock.lock();
        try {
            Member member = members.get(userId);
            if (member == null || member.isMirror() || member.role() != Role.ANCHOR || closed) {
                return Optional.empty();
            }
            Map<StreamType, Member.Publication> publications = new EnumMap<>(StreamType.class);
            publications.putAll(member.publishedLocked());
            return Optional.of(publications);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shows anchor {@code userId} of room {@code otherRoom} here, publishing nothing yet: others get {@code userJoin}.
     * Told to {@link RoomObserver}s only as {@link RoomObserver#onMirrorChanged}: the anchor is not a session of this
     * room (no callbacks, no history).
     *
     * @throws RoomException {@link RoomError#PK_FAILED} when the room closed, a member has that userID, or the
     *     room has its most anchors; {@link RoomError#PK_NOT_SUPPORTED} for an {@code rtc} room
     */
    void addMirror(UserId userId, RoomKey otherRoom, MirrorListener listener) {
        lock.lock();
        try {
            checkMayShowLocked(userId);
            Member mirror = new Member(this, userId, Role.ANCHOR, "", Privileges.none(), listener,
                    new MessageRateLimiter(1, clock.instant()), new MessageRateLimiter(1, clock.instant()), otherRoom);
            members.put(userId, mirror);
            broadcastLocked(mirror, new RoomEvent.UserJoin(userId, Role.ANCHOR));
            owner.observer().onMirrorChanged(key, userId, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks that another room's anchor {@code userId} could be shown here now ({@link #addMirror} checks again), so
     * that a PK refused by either room shows nothing in the other.
     */
    void checkMayShow(UserId userId) {
        lock.lock();
        try {
            checkMayShowLocked(userId);
        } finally {
            lock.unlock();
        }
    }

    private void checkMayShowLocked(UserId userId) {
        if (closed) {
            throw new RoomException(RoomError.PK_FAILED, "room " + key.roomKey() + " closed meanwhile");
        }
        if (scene != Scene.LIVE) {
            throw new RoomException(RoomError.PK_NOT_SUPPORTED, "cross-room PK is for live rooms; room "
                    + key.roomKey() + " is an rtc room");
        }
        if (members.containsKey(userId)) {
            throw new RoomException(RoomError.PK_FAILED, "room " + key.roomKey() + " already has a member "
                    + userId + ": the two anchors need userIDs that neither room has");
        }
        Optional<Instant> refused = owner.refusedUntil(key, userId, clock.instant());
        if (refused.isPresent()) {
            throw new RoomException(RoomError.PK_FAILED, userId + " was removed from room " + key.roomKey()
                    + " by the server API: it may be shown there again from " + refused.get());
        }
        if (countLocked(Role.ANCHOR) >= config.liveMaxAnchors()) {
            throw new RoomException(RoomError.PK_FAILED, "room " + key.roomKey() + " has "
                    + config.liveMaxAnchors() + " anchors already (room.liveMaxAnchors)");
        }
    }

    /**
     * Makes the mirror of {@code userId} from {@code otherRoom} publish what the anchor publishes there: others get
     * {@code streamAdd}, {@code streamUpdate} or {@code streamRemove} for what changed (a republished stream, a new
     * media session, is removed and added again, as in its own room). Nothing when there is no such mirror.
     */
    void syncMirror(UserId userId, RoomKey otherRoom, Map<StreamType, Member.Publication> publications) {
        lock.lock();
        try {
            Member mirror = members.get(userId);
            if (mirror == null || !mirror.otherRoom().equals(Optional.of(otherRoom))) {
                return;
            }
            boolean changed = false;
            for (StreamType type : StreamType.values()) {
                Member.Publication before = mirror.publishedLocked().get(type);
                Member.Publication now = publications.get(type);
                if (before != null && (now == null || !before.sessionId().equals(now.sessionId()))) {
                    endMirrorStreamLocked(mirror, type);
                    before = null;
                    changed = true;
                }
                if (now == null) {
                    continue;
                }
                boolean audio = type == StreamType.MAIN && now.audio();
                if (before == null) {
                    mirror.publishedLocked().put(type, new Member.Publication(now.sessionId(), audio, now.video()));
                    broadcastLocked(mirror, new RoomEvent.StreamAdd(userId, type, audio, now.video()));
                    changed = true;
                } else if (before.audio() != audio || before.video() != now.video()) {
                    mirror.publishedLocked().put(type, new Member.Publication(now.sessionId(), audio, now.video()));
                    broadcastLocked(mirror, new RoomEvent.StreamUpdate(userId, type, audio, now.video()));
                    changed = true;
                }
            }
            if (changed) {
                owner.observer().onMirrorChanged(key, userId, clock.instant());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells this room's members the uplink quality the anchor of the mirror of {@code userId} from {@code otherRoom}
     * reported in its own room, as if the mirror had reported it (remote users' quality covers the whole path).
     */
    void relayMirrorQuality(UserId userId, RoomKey otherRoom, int uplink) {
        lock.lock();
        try {
            Member mirror = members.get(userId);
            if (mirror != null && mirror.otherRoom().equals(Optional.of(otherRoom))) {
                broadcastLocked(mirror, new RoomEvent.NetQuality(userId, uplink));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the mirror of {@code userId} from {@code otherRoom} out (PK over); no-op when it is not here. */
    void removeMirror(UserId userId, RoomKey otherRoom, LeaveReason reason) {
        lock.lock();
        try {
            Member mirror = members.get(userId);
            if (mirror != null && mirror.otherRoom().equals(Optional.of(otherRoom))) {
                removeMirrorLocked(mirror, reason);
                closeIfEmptyLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    private void removeMirrorLocked(Member mirror, LeaveReason reason) {
        for (StreamType type : StreamType.values()) {
            if (mirror.publishedLocked().containsKey(type)) {
                endMirrorStreamLocked(mirror, type);
            }
        }
        members.remove(mirror.userId(), mirror);
        mirror.markRemovedLocked();
        broadcastLocked(mirror, new RoomEvent.UserLeave(mirror.userId(), reason));
        mirror.listenerLocked().onMemberRemoved(mirror, reason);
        owner.observer().onMirrorChanged(key, mirror.userId(), clock.instant());
    }

    /**
     * Withdraws a mirror's stream: others get {@code streamRemove}. Its origin still publishes, so the media plane
     * keeps the players of this room's subscribers going: their sessions are handed to the mirror's listener to end.
     */
    private void endMirrorStreamLocked(Member mirror, StreamType type) {
        mirror.publishedLocked().remove(type);
        StreamId streamId = StreamId.of(mirror.userId(), type);
        List<String> sessions = new ArrayList<>();
        for (Member member : members.values()) {
            String session = member.subscriptionsLocked().remove(streamId);
            if (session != null) {
                sessions.add(session);
            }
        }
        broadcastLocked(mirror, new RoomEvent.StreamRemove(mirror.userId(), type));
        ((MirrorListener) mirror.listenerLocked()).onMirrorStreamEnded(key, streamId, sessions);
    }

    // ---- private ----

    private void checkMayPublishLocked(Member member, StreamType type, boolean offersAudio, boolean offersVideo) {
        requirePresent(member);
        if (member.role() != Role.ANCHOR) {
            throw new RoomException(RoomError.STATE, "audience members cannot publish: switchRole to anchor first");
        }
        if (type == StreamType.AUX) {
            requirePrivilege(member, Privilege.SEND_AUX_VIDEO);
        } else {
            if (offersAudio) {
                requirePrivilege(member, Privilege.SEND_AUDIO);
            }
            if (offersVideo) {
                requirePrivilege(member, Privilege.SEND_VIDEO);
            }
        }
        if (scene == Scene.RTC && !member.isPublishingLocked()) {
            int publishing = 0;
            for (Member other : members.values()) {
                if (other.isPublishingLocked()) {
                    publishing++;
                }
            }
            if (publishing >= config.rtcMaxPublishers()) {
                throw new RoomException(RoomError.ROOM_FULL, "room full: at most " + config.rtcMaxPublishers()
                        + " members may publish at once (room.rtcMaxPublishers)");
            }
        }
    }

    private Optional<String> unpublishLocked(Member member, StreamType type) {
        return unpublishLocked(member, type, true);
    }

    /** @param last whether observers hear that the member stopped publishing when this was its last stream */
    private Optional<String> unpublishLocked(Member member, StreamType type, boolean last) {
        Member.Publication publication = member.publishedLocked().remove(type);
        if (publication == null) {
            return Optional.empty();
        }
        dropSubscriptionsLocked(StreamId.of(member.userId(), type));
        broadcastLocked(member, new RoomEvent.StreamRemove(member.userId(), type));
        tellTracksLocked(member, type, new RoomObserver.Tracks(publication.audio(), publication.video()),
                RoomObserver.Tracks.NONE);
        if (last && !member.isPublishingLocked()) {
            owner.observer().onPublishingChanged(key, member.userId(), member.listenerLocked().clientKind(), false,
                    clock.instant());
        }
        return Optional.of(publication.sessionId());
    }

    private void tellTracksLocked(Member member, StreamType type, RoomObserver.Tracks before,
            RoomObserver.Tracks after) {
        if (!before.equals(after)) {
            owner.observer().onTracksChanged(key, member.userId(), type, before, after, clock.instant());
        }
    }

    /** The media plane ends the players of a publisher that goes, so only the bookkeeping is left to drop. */
    private void dropSubscriptionsLocked(StreamId streamId) {
        for (Member member : members.values()) {
            member.subscriptionsLocked().remove(streamId);
        }
    }

    private void broadcastLocked(Member about, RoomEvent event) {
        for (Member member : members.values()) {
            if (member != about) {
                member.listenerLocked().onRoomEvent(event);
            }
        }
    }

    private static void requirePresent(Member member) {
        if (!member.isPresent()) {
            throw new RoomException(RoomError.STATE, "not in the room any more");
        }
    }

    private static void requirePrivilege(Member member, Privilege privilege) {
        if (!member.may(privilege)) {
            throw new RoomException(RoomError.PRIVILEGE, "privateMapKey does not grant "
                    + privilege.displayName());
        }
    }
}
