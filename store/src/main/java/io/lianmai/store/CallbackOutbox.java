package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The durable outbox of event callbacks in the app database (table {@code callback_outbox}, migration V4): every
 * event is appended before delivery is tried, and stays {@link State#PENDING} until its receiver answered or its
 * retries ran out. Delivery within a room follows the order of appending: {@link #due} offers only each room's
 * oldest pending event.
 *
 * <p>Several nodes may share one outbox (cluster mode, docs/cluster-shared-state.md). Each works through an outbox
 * bound to its node id ({@link #forNode}): a sender {@link #claim claims} an event before attempting it (a lease in
 * the row, taken by one conditional UPDATE, so two nodes never attempt one event at once) and its outcome counts only
 * while the claim is still its own; appends of all nodes commit one at a time, in the order of their {@code seq};
 * presence is kept per node.
 *
 * <p>Methods block on the database, may be called from any thread, and throw {@link StoreException} when it fails.
 * Obtained from {@link JdbcAppStore#callbackOutbox()}; it shares the store's connection pool and lives as long as it.
 */
public final class CallbackOutbox {
    /** Longest error text kept per event (the column's width). */
    static final int MAX_ERROR_LENGTH = 512;
    /** Longest EventInfo JSON accepted (the column's width); TRTC's are about 200 bytes. */
    public static final int MAX_EVENT_INFO_LENGTH = 4000;

    private static final String COLUMNS = "seq, event_id, sdk_app_id, room_key, event_group, event_type, event_ms, "
            + "event_info, state, attempts, next_attempt_ms, last_status, last_error, finished_ms";

    /** Where an event stands. */
    public enum State {
        /** Not delivered yet: waiting for its turn, its next attempt, or in flight. */
        PENDING,
        /** The receiver answered 2xx. */
        DELIVERED,
        /** Given up: retries ran out, or the app has no callback URL any more. */
        FAILED;

        String column() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State of(String column) {
            return valueOf(column.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * What an event changes in who is where ({@link #presence}), kept with the events so that a start after a crash
     * can record the exits and dismissals the crashed process never reported.
     */
    public enum PresenceChange {
        /** Nothing (media events). */
        NONE,
        /** The room now exists. */
        ROOM_CREATED,
        /** The room is gone, and every member with it. */
        ROOM_DISMISSED,
        /** {@link NewEvent#userId} is in the room with {@link NewEvent#role}. */
        MEMBER_ENTERED,
        /** {@link NewEvent#userId} left the room. */
        MEMBER_LEFT,
        /** {@link NewEvent#userId} now has {@link NewEvent#role}. */
        MEMBER_ROLE
    }

    /**
     * An event to append.
     *
     * @param eventId   unique, at most 64 characters: what receivers deduplicate by
     * @param sdkAppId  the app whose callback URL receives it
     * @param roomKey   the room within the app ({@code r123}, {@code s:name}): events of one room go out in order
     * @param group     TRTC's EventGroupId (1 room, 2 media)
     * @param type      TRTC's EventType (101..105, 201..206)
     * @param eventMs   when it happened, epoch milliseconds
     * @param eventInfo TRTC's EventInfo object as JSON text
     * @param change    what it changes in who is where
     * @param userId    the member it is about, or null
     * @param role      the member's role ({@code anchor}, {@code audience}) for {@code MEMBER_ENTERED} and
     *                  {@code MEMBER_ROLE}, or null
     */
    public record NewEvent(String eventId, SdkAppId sdkAppId, String roomKey, int group, int type, long eventMs,
                           String eventInfo, PresenceChange change, String userId, String role) {
        public NewEvent {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(sdkAppId, "sdkAppId");
            Objects.requireNonNull(roomKey, "roomKey");
            Objects.requireNonNull(eventInfo, "eventInfo");
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * A member (or, with an empty {@code userId}, a room) that the outbox's events say is present.
     *
     * @param role the member's role, or null for a room
     */
    public record Presence(SdkAppId sdkAppId, String roomKey, String userId, String role, String nodeId) {
    }

    /**
     * An event as stored, with its delivery so far.
     *
     * @param seq           its place in the outbox: the order of appending
     * @param attempts      delivery attempts made
     * @param nextAttemptMs when it may be tried next (while pending), epoch milliseconds
     * @param lastStatus    the HTTP status of the last attempt, if one answered
     * @param lastError     why the last attempt failed, if it did
     * @param finishedMs    when it was delivered or given up
     */
    public record Entry(long seq, String eventId, SdkAppId sdkAppId, String roomKey, int group, int type,
                        long eventMs, String eventInfo, State state, int attempts, long nextAttemptMs,
                        OptionalInt lastStatus, Optional<String> lastError, OptionalLong finishedMs) {
    }

    private final DataSource pool;
    private final String where;
    private final List<String> secrets;
    /** The node this outbox appends, claims and marks for; '' for one that only reads. */
    private final String node;

    CallbackOutbox(DataSource pool, String where, List<String> secrets, String node) {
        this.pool = pool;
        this.where = where;
        this.secrets = secrets;
        this.node = Objects.requireNonNull(node, "node");
    }

    /** The same outbox, appending, claiming and marking as node {@code nodeId} (at most 64 characters). */
    public CallbackOutbox forNode(String nodeId) {
        if (nodeId.length() > 64) {
            throw new IllegalArgumentException("node id must be at most 64 characters, got " + nodeId.length());
        }
        return new CallbackOutbox(pool, where, secrets, nodeId);
    }

    /** The node this outbox works for. */
    public String node() {
        return node;
    }

    /**
     * Appends {@code events} in their order, all or none (one transaction), each due at once, with their presence
     * changes recorded as this node's. Appends of every node sharing the database commit one at a time.
     */
    public void append(List<NewEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try (Connection connection = pool.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement(
                    "SELECT name FROM store_lock WHERE name = 'callback_append' FOR UPDATE");
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO callback_outbox (event_id, "
                    + "sdk_app_id, room_key, event_group, event_type, event_ms, event_info, state, attempts, "
                    + "next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)")) {
                // Held until commit: seq values are taken and made visible in one order across nodes.
                lock.executeQuery().close();
                for (NewEvent event : events) {
                    insert.setString(1, event.eventId());
                    insert.setLong(2, event.sdkAppId().value());
                    insert.setString(3, event.roomKey());
                    insert.setInt(4, event.group());
                    insert.setInt(5, event.type());
                    insert.setLong(6, event.eventMs());
                    insert.setString(7, event.eventInfo());
                    insert.setLong(8, event.eventMs());
                    insert.addBatch();
                }
                insert.executeBatch();
                for (NewEvent event : events) {
                    recordPresence(connection, event, node);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("cannot append " + events.size() + " callback event(s) to the outbox in " + where, e);
        }
    }

    /** In the append's transaction: who is where after {@code event}. */
    private static void recordPresence(Connection connection, NewEvent event, String node) throws SQLException {
        switch (event.change()) {
            case NONE -> {
            }
            case ROOM_CREATED -> {
                deletePresence(connection, event, "", node);
                insertPresence(connection, event, "", null, node);
            }
            case ROOM_DISMISSED -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM callback_presence "
                        + "WHERE sdk_app_id = ? AND room_key = ? AND node_id = ?")) {
                    delete.setLong(1, event.sdkAppId().value());
                    delete.setString(2, event.roomKey());
                    delete.setString(3, node);
                    delete.executeUpdate();
                }
            }
            case MEMBER_ENTERED, MEMBER_ROLE -> {
                deletePresence(connection, event, event.userId(), node);
                insertPresence(connection, event, event.userId(), event.role(), node);
            }
            case MEMBER_LEFT -> deletePresence(connection, event, event.userId(), node);
        }
    }

    private static void deletePresence(Connection connection, NewEvent event, String userId, String node)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM callback_presence "
                + "WHERE sdk_app_id = ? AND room_key = ? AND user_id = ? AND node_id = ?")) {
            delete.setLong(1, event.sdkAppId().value());
            delete.setString(2, event.roomKey());
            delete.setString(3, userId);
            delete.setString(4, node);
            delete.executeUpdate();
        }
    }

    private static void insertPresence(Connection connection, NewEvent event, String userId, String role,
            String node) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO callback_presence (sdk_app_id, "
                + "room_key, user_id, role, node_id) VALUES (?, ?, ?, ?, ?)")) {
            insert.setLong(1, event.sdkAppId().value());
            insert.setString(2, event.roomKey());
            insert.setString(3, userId);
            insert.setString(4, role);
            insert.setString(5, node);
            insert.executeUpdate();
        }
    }

    /**
     * Every member and room the events appended so far say is present, whichever node appended them, rooms
     * ({@code userId} empty) after their members. At a node's start, before anyone enters, its own rows are what its
     * crashed run left behind.
     */
    public List<Presence> presence() {
        try (Connection connection = pool.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT sdk_app_id, room_key, user_id, role, "
                     + "node_id FROM callback_presence ORDER BY node_id, sdk_app_id, room_key, CASE WHEN user_id = '' "
                     + "THEN 1 ELSE 0 END, user_id");
             ResultSet rows = query.executeQuery()) {
            List<Presence> present = new ArrayList<>();
            while (rows.next()) {
                present.add(new Presence(new SdkAppId(rows.getLong(1)), rows.getString(2), rows.getString(3),
                        rows.getString(4), rows.getString(5)));
            }
            return present;
        } catch (SQLException e) {
            throw failure("cannot read who is in which room from " + where, e);
        }
    }

    /**
     * Events that may be sent at {@code nowMs}: the oldest pending event of each room, when its next attempt is due
     * and no other node holds a live claim on it; the longest-waiting first. Each must still be {@link #claim}ed.
     */
    public List<Entry> due(long nowMs, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM callback_outbox o WHERE o.state = 'pending' "
                + "AND o.next_attempt_ms <= ? AND (o.claimed_until IS NULL OR o.claimed_until < ? "
                + "OR o.claimed_by = ?) AND NOT EXISTS (SELECT 1 FROM callback_outbox p "
                + "WHERE p.state = 'pending' AND p.sdk_app_id = o.sdk_app_id AND p.room_key = o.room_key "
                + "AND p.seq < o.seq) ORDER BY o.next_attempt_ms, o.seq LIMIT ?";
        return query("read the due callback events", sql, statement -> {
            statement.setLong(1, nowMs);
            statement.setLong(2, nowMs);
            statement.setString(3, node);
            statement.setInt(4, limit);
        });
    }

    /**
     * Takes the pending event {@code seq} for this node until {@code untilMs}, unless another node's claim on it is
     * still running (one conditional UPDATE: of nodes racing for it, one wins). A claim of this node's own is renewed.
     *
     * @return whether this node now holds it
     */
    public boolean claim(long seq, long nowMs, long untilMs) {
        return update("claim callback event " + seq, "UPDATE callback_outbox SET claimed_by = ?, claimed_until = ? "
                + "WHERE seq = ? AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < ? "
                + "OR claimed_by = ?)", statement -> {
                    statement.setString(1, node);
                    statement.setLong(2, untilMs);
                    statement.setLong(3, seq);
                    statement.setLong(4, nowMs);
                    statement.setString(5, node);
                }) == 1;
    }

    /**
     * Lets go of pending events this node claimed (its sender stopped, or it starts again after a crash), so that
     * any node may take them at once instead of after their lease; with {@code everyNode}, of every node's (a single
     * node, which is alone with its database).
     *
     * @return how many were let go
     */
    public int releaseClaims(boolean everyNode) {
        return update("release the claims of " + (everyNode ? "every node" : "node " + node),
                "UPDATE callback_outbox SET claimed_by = NULL, claimed_until = NULL WHERE state = 'pending' "
                        + "AND claimed_by IS NOT NULL" + (everyNode ? "" : " AND claimed_by = ?"),
                statement -> {
                    if (!everyNode) {
                        statement.setString(1, node);
                    }
                });
    }

    /**
     * An app's events, newest first.
     *
     * @param undeliveredOnly only those not delivered (pending or given up)
     * @param beforeSeq       only those older than this {@link Entry#seq} (paging); {@link Long#MAX_VALUE} for all
     */
    public List<Entry> list(SdkAppId sdkAppId, boolean undeliveredOnly, long beforeSeq, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM callback_outbox WHERE sdk_app_id = ? AND seq < ?"
                + (undeliveredOnly ? " AND state <> 'delivered'" : "") + " ORDER BY seq DESC LIMIT ?";
        return query("list the callback events of app " + sdkAppId, sql, statement -> {
            statement.setLong(1, sdkAppId.value());
            statement.setLong(2, beforeSeq);
            statement.setInt(3, limit);
        });
    }

    /*
     * The marks below count only while this node holds the event's claim: a node whose lease ran out (and another
     * took the event) changes nothing, so the new holder's outcome is the one recorded. Each returns whether it did.
     */

    /** Records a 2xx answer: the event is done and its room's next event may go. */
    public boolean markDelivered(long seq, int status, long nowMs) {
        return update("mark callback event " + seq + " delivered", "UPDATE callback_outbox SET state = 'delivered', "
                + "attempts = attempts + 1, last_status = ?, last_error = NULL, finished_ms = ?, claimed_by = NULL, "
                + "claimed_until = NULL WHERE seq = ? AND state = 'pending' AND claimed_by = ?",
                statement -> {
                    statement.setInt(1, status);
                    statement.setLong(2, nowMs);
                    statement.setLong(3, seq);
                    statement.setString(4, node);
                }) == 1;
    }

    /** Records a failed attempt; the event stays pending, next tried at {@code nextAttemptMs} by any node. */
    public boolean markRetry(long seq, OptionalInt status, String error, long nextAttemptMs) {
        return update("schedule a retry of callback event " + seq, "UPDATE callback_outbox SET attempts = "
                + "attempts + 1, last_status = ?, last_error = ?, next_attempt_ms = ?, claimed_by = NULL, "
                + "claimed_until = NULL WHERE seq = ? AND state = 'pending' AND claimed_by = ?",
                statement -> {
                    setStatus(statement, 1, status);
                    statement.setString(2, shorten(error));
                    statement.setLong(3, nextAttemptMs);
                    statement.setLong(4, seq);
                    statement.setString(5, node);
                }) == 1;
    }

    /** Gives an event up (its room's next event may go); {@code attempted} when this follows a failed attempt. */
    public boolean markFailed(long seq, boolean attempted, OptionalInt status, String error, long nowMs) {
        return update("give up callback event " + seq, "UPDATE callback_outbox SET state = 'failed', attempts = "
                + "attempts + ?, last_status = ?, last_error = ?, finished_ms = ?, claimed_by = NULL, "
                + "claimed_until = NULL WHERE seq = ? AND state = 'pending' AND claimed_by = ?",
                statement -> {
                    statement.setInt(1, attempted ? 1 : 0);
                    setStatus(statement, 2, status);
                    statement.setString(3, shorten(error));
                    statement.setLong(4, nowMs);
                    statement.setLong(5, seq);
                    statement.setString(6, node);
                }) == 1;
    }

    /** Deletes delivered and given-up events finished before {@code cutoffMs}; pending ones are always kept. */
    public int purgeFinishedBefore(long cutoffMs) {
        return update("purge old callback events", "DELETE FROM callback_outbox WHERE state <> 'pending' "
                + "AND finished_ms < ?", statement -> statement.setLong(1, cutoffMs));
    }

    /** How many events wait for delivery, all apps together. */
    public long pendingCount() {
        try (Connection connection = pool.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT COUNT(*) FROM callback_outbox WHERE state = 'pending'");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw failure("cannot count pending callback events in " + where, e);
        }
    }

    private List<Entry> query(String what, String sql, Binder binder) {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    entries.add(entry(rows));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw failure("cannot " + what + " in " + where, e);
        }
    }

    private int update(String what, String sql, Binder binder) {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot " + what + " in " + where, e);
        }
    }

    private static Entry entry(ResultSet rows) throws SQLException {
        int status = rows.getInt("last_status");
        OptionalInt lastStatus = rows.wasNull() ? OptionalInt.empty() : OptionalInt.of(status);
        long finished = rows.getLong("finished_ms");
        OptionalLong finishedMs = rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(finished);
        return new Entry(rows.getLong("seq"), rows.getString("event_id"), new SdkAppId(rows.getLong("sdk_app_id")),
                rows.getString("room_key"), rows.getInt("event_group"), rows.getInt("event_type"),
                rows.getLong("event_ms"), rows.getString("event_info"), State.of(rows.getString("state")),
                rows.getInt("attempts"), rows.getLong("next_attempt_ms"), lastStatus,
                Optional.ofNullable(rows.getString("last_error")), finishedMs);
    }

    private static void setStatus(PreparedStatement statement, int index, OptionalInt status) throws SQLException {
        if (status.isPresent()) {
            statement.setInt(index, status.getAsInt());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }

    private static String shorten(String error) {
        return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }

    private StoreException failure(String context, SQLException e) {
        return JdbcAppStore.failure(context, e, secrets);
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @Override
    public String toString() {
        return "CallbackOutbox[" + where + ", node " + node + "]";
    }
}
