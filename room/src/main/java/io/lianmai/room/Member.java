package io.lianmai.room;

import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One user in one room: its role, what it publishes and subscribes (with the media plane's session ids, opaque
 * here), and whether its connection is up. Created by {@link RoomRegistry#enter}; mutated only by its
 * {@link Room}, under the room's lock. The accessors may be called from any thread.
 */
public final class Member {
    private final Room room;
    private final UserId userId;
    private volatile String sessionToken;
    private final Privileges privileges;
    private final MessageRateLimiter messages;
    private final MessageRateLimiter qualityReports;
    /** For a cross-room PK mirror ({@link CrossRoomLinks}): the room the anchor it stands for is really in. */
    private final RoomKey otherRoom;
    /** Whether it is a member of another node shown here ({@link ClientKind#REMOTE}); such a listener is never replaced. */
    private final boolean remote;

    // Guarded by room.lock; volatile where read without it.
    private volatile Role role;
    private volatile boolean present = true;
    private volatile Instant disconnectedSince;
    private MemberListener listener;
    private final Map<StreamType, Publication> published = new EnumMap<>(StreamType.class);
    private final Map<StreamId, String> subscriptions = new LinkedHashMap<>();
    /** The last simulcast layers its publications were told to send, by stream type and mid (for a resume). */
    private final Map<String, PublishedLayers> publishedLayers = new HashMap<>();

    Member(Room room, UserId userId, Role role, String sessionToken, Privileges privileges, MemberListener listener,
            MessageRateLimiter messages, MessageRateLimiter qualityReports) {
        this(room, userId, role, sessionToken, privileges, listener, messages, qualityReports, null);
    }

    Member(Room room, UserId userId, Role role, String sessionToken, Privileges privileges, MemberListener listener,
            MessageRateLimiter messages, MessageRateLimiter qualityReports, RoomKey otherRoom) {
        this.otherRoom = otherRoom;
        this.room = room;
        this.userId = userId;
        this.role = role;
        this.sessionToken = sessionToken;
        this.privileges = privileges;
        this.listener = listener;
        this.remote = listener != null && listener.clientKind() == ClientKind.REMOTE;
        this.messages = messages;
        this.qualityReports = qualityReports;
    }

    /** Whether this member is connected to another node of a cluster and only shown here (docs/cluster.md). */
    public boolean isRemote() {
        return remote;
    }

    public Room room() {
        return room;
    }

    public UserId userId() {
        return userId;
    }

    /**
     * For the anchor of another room shown here by a cross-room PK ({@link CrossRoomLinks}): that room, where its
     * streams are really published. Empty for every member who entered this room itself.
     */
    public Optional<RoomKey> otherRoom() {
        return Optional.ofNullable(otherRoom);
    }

    /** Whether this is another room's anchor shown here by a cross-room PK, with no connection of its own. */
    public boolean isMirror() {
        return otherRoom != null;
    }

    public Role role() {
        return role;
    }

    /**
     * The secret that lets this member {@link RoomRegistry#resume} after its connection dropped; replaced by a new
     * one at every resume, so a token works once.
     */
    public String sessionToken() {
        return sessionToken;
    }

    /** What the member's privateMapKey grants ({@link Privileges#all()} without one); checked by the server. */
    public Privileges privileges() {
        return privileges;
    }

    /** Whether the privateMapKey (if any) grants {@code privilege}. */
    public boolean may(Privilege privilege) {
        return privileges.allows(privilege);
    }

    /** False once the member left the room, for whatever reason. */
    public boolean isPresent() {
        return present;
    }

    /** When its connection dropped, while it waits in the grace period. */
    public Optional<Instant> disconnectedSince() {
        return Optional.ofNullable(disconnectedSince);
    }

    /** The media session publishing its stream of {@code type}, if any. */
    public Optional<String> publicationSession(StreamType type) {
        room.lock.lock();
        try {
            Publication publication = published.get(type);
            return publication == null ? Optional.empty() : Optional.of(publication.sessionId());
        } finally {
            room.lock.unlock();
        }
    }

    /** The media sessions of its publications, by stream type. */
    public Map<StreamType, String> publicationSessions() {
        room.lock.lock();
        try {
            Map<StreamType, String> sessions = new EnumMap<>(StreamType.class);
            published.forEach((type, publication) -> sessions.put(type, publication.sessionId()));
            return sessions;
        } finally {
            room.lock.unlock();
        }
    }

    /** The media sessions of its subscriptions, by stream id ({@code bob_main}). */
    public Map<StreamId, String> subscriptionSessions() {
        room.lock.lock();
        try {
            return Map.copyOf(subscriptions);
        } finally {
            room.lock.unlock();
        }
    }

    /** How others see it now. */
    public MemberInfo info() {
        room.lock.lock();
        try {
            return infoLocked();
        } finally {
            room.lock.unlock();
        }
    }

    // ---- under room.lock ----

    MemberInfo infoLocked() {
        Publication main = published.get(StreamType.MAIN);
        Publication aux = published.get(StreamType.AUX);
        return new MemberInfo(userId, role,
                Optional.ofNullable(main).map(p -> new StreamState(p.audio(), p.video())),
                Optional.ofNullable(aux).map(p -> new StreamState(false, p.video())));
    }

    boolean isPublishingLocked() {
        return !published.isEmpty();
    }

    Map<StreamType, Publication> publishedLocked() {
        return published;
    }

    Map<StreamId, String> subscriptionsLocked() {
        return subscriptions;
    }

    Map<String, PublishedLayers> publishedLayersLocked() {
        return publishedLayers;
    }

    MemberListener listenerLocked() {
        return listener;
    }

    MemberListener replaceListenerLocked(MemberListener replacement) {
        MemberListener old = listener;
        listener = replacement;
        return old;
    }

    void setRoleLocked(Role newRole) {
        role = newRole;
    }

    void markRemovedLocked() {
        present = false;
    }

    void setSessionTokenLocked(String token) {
        sessionToken = token;
    }

    void setDisconnectedSinceLocked(Instant since) {
        disconnectedSince = since;
    }

    MessageRateLimiter messagesLocked() {
        return messages;
    }

    MessageRateLimiter qualityReportsLocked() {
        return qualityReports;
    }

    @Override
    public String toString() {
        return userId + "@" + room.key();
    }

    /** The simulcast layers a publication's track was last told to send. */
    record PublishedLayers(StreamType type, String sessionId, String mid, List<String> activeRids) {
    }

    /** A published stream: its media session and announced tracks. */
    record Publication(String sessionId, boolean audio, boolean video) {
    }
}
