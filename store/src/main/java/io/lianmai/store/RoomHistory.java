package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Room and member history in the app database (tables {@code history_*}, migration V5): rooms with their TRTC
 * {@code CommId}, each member's stays, the events of its stays, and quality samples — what TRTC's call-quality
 * actions ({@code DescribeRoomInfo}, {@code DescribeUserInfo}, {@code DescribeCallDetailInfo}, {@code
 * DescribeUserEvent}) read. Written in batches by one writer ({@link #apply}), read by the actions, purged by age.
 *
 * <p>Methods block on the database, may be called from any thread, and throw {@link StoreException} when it fails.
 * Obtained from {@link JdbcAppStore#roomHistory()}; it shares the store's connection pool and lives as long as it.
 */
public final class RoomHistory {
    /** A change to record; {@link #apply} writes a list of them in order, in one transaction. */
    public sealed interface Change {
    }

    /** A room was created: its first member entered. */
    public record RoomCreated(SdkAppId sdkAppId, String roomKey, String commId, long atMs, String creator)
            implements Change {
        public RoomCreated {
            Objects.requireNonNull(sdkAppId, "sdkAppId");
            Objects.requireNonNull(roomKey, "roomKey");
            Objects.requireNonNull(commId, "commId");
        }
    }

    /** A room was dismissed: its last member left. */
    public record RoomDismissed(String commId, long atMs) implements Change {
    }

    /** A member entered ({@code role} and {@code kind} as wire names; {@code clientIp} null when unknown). */
    public record MemberEntered(String commId, String userId, long atMs, String role, String kind, String clientIp)
            implements Change {
    }

    /** A member left for {@code reason} (a LeaveReason wire name). */
    public record MemberLeft(String commId, String userId, long atMs, String reason) implements Change {
    }

    /**
     * Something a member did during its stay, as TRTC's {@code EventMessage}: {@code eventId} with its two
     * parameters, {@code streamType} its {@code Type} (0 not video, 2 main video, 7 aux video).
     */
    public record MemberEvent(String commId, String userId, long atMs, int eventId, long paramOne, long paramTwo,
                              int streamType) implements Change {
    }

    /**
     * One quality sample: what the server sent {@code userId} of {@code peerId}'s stream over the last interval, and
     * the loss and round trip its feedback reported (null: not measured).
     */
    public record Sample(String commId, String userId, String peerId, long atMs, int kbps, Float lossPercent,
                         Integer rttMillis) implements Change {
    }

    /** A room as recorded; {@code dismissedMs} empty while it exists. */
    public record Room(SdkAppId sdkAppId, String roomKey, String commId, long createdMs, Optional<Long> dismissedMs,
                       String creator) {
    }

    /** One stay of a member; {@code leftMs} and {@code reason} empty while it is in the room. */
    public record Stay(String userId, long joinedMs, Optional<Long> leftMs, Optional<String> reason, String role,
                       String kind, Optional<String> clientIp) {
    }

    /** A page of a longer list: {@code total} matches, {@code rows} of them. */
    public record Page<T>(long total, List<T> rows) {
        public Page {
            rows = List.copyOf(rows);
        }
    }

    private static final String ROOM_COLUMNS = "sdk_app_id, room_key, comm_id, created_ms, dismissed_ms, creator";
    private static final String STAY_COLUMNS = "user_id, joined_ms, left_ms, reason, role, kind, client_ip";
    /** Rooms that existed at some time of [from, to]. */
    private static final String ROOMS_IN_WINDOW = " FROM history_room WHERE sdk_app_id = ? AND created_ms <= ? "
            + "AND (dismissed_ms IS NULL OR dismissed_ms >= ?)";
    /** Stays that overlap [from, to]. */
    private static final String STAYS_IN_WINDOW = " FROM history_member WHERE comm_id = ? AND joined_ms <= ? "
            + "AND (left_ms IS NULL OR left_ms >= ?)";

    private final DataSource pool;
    private final String where;
    private final List<String> secrets;

    /** The node whose rooms and stays this writes ({@code cluster.nodeId}); '' for one that only reads. */
    private final String node;

    RoomHistory(DataSource pool, String where, List<String> secrets, String node) {
        this.pool = pool;
        this.where = where;
        this.secrets = secrets;
        this.node = Objects.requireNonNull(node, "node");
    }

    /**
     * The same history, recording rooms and stays as node {@code nodeId}'s: its dismissals and exits end only its
     * own rows (and rows of no node), and {@link #closeOpen} after its crash ends only its own.
     */
    public RoomHistory forNode(String nodeId) {
        return new RoomHistory(pool, where, secrets, nodeId);
    }

    /** Writes {@code changes} in their order, all or none (one transaction). */
    public void apply(List<? extends Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try (Connection connection = pool.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            Map<String, PreparedStatement> statements = new HashMap<>();
            try {
                for (Change change : changes) {
                    write(connection, statements, change);
                }
                for (PreparedStatement statement : statements.values()) {
                    statement.executeBatch();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                for (PreparedStatement statement : statements.values()) {
                    statement.close();
                }
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("cannot record " + changes.size() + " room history change(s) in " + where, e);
        }
    }

    /**
     * Adds one change to its statement's batch. Updates (a dismissal, an exit) find the row an insert of the same
     * batch made, so the batches run before them: each update runs the pending inserts first.
     */
    private void write(Connection connection, Map<String, PreparedStatement> statements, Change change)
            throws SQLException {
        if (change instanceof RoomCreated c) {
            PreparedStatement s = statement(connection, statements, "INSERT INTO history_room (sdk_app_id, "
                    + "room_key, comm_id, created_ms, creator, node_id) VALUES (?, ?, ?, ?, ?, ?)");
            s.setLong(1, c.sdkAppId().value());
            s.setString(2, c.roomKey());
            s.setString(3, c.commId());
            s.setLong(4, c.atMs());
            s.setString(5, c.creator());
            s.setString(6, node);
            s.addBatch();
        } else if (change instanceof MemberEntered c) {
            PreparedStatement s = statement(connection, statements, "INSERT INTO history_member (comm_id, "
                    + "user_id, joined_ms, role, kind, client_ip, node_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
            s.setString(1, c.commId());
            s.setString(2, c.userId());
            s.setLong(3, c.atMs());
            s.setString(4, c.role());
            s.setString(5, c.kind());
            s.setString(6, c.clientIp());
            s.setString(7, node);
            s.addBatch();
        } else if (change instanceof MemberEvent c) {
            PreparedStatement s = statement(connection, statements, "INSERT INTO history_event (comm_id, "
                    + "user_id, event_ms, event_id, param_one, param_two, stream_type) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)");
            s.setString(1, c.commId());
            s.setString(2, c.userId());
            s.setLong(3, c.atMs());
            s.setInt(4, c.eventId());
            s.setLong(5, c.paramOne());
            s.setLong(6, c.paramTwo());
            s.setInt(7, c.streamType());
            s.addBatch();
        } else if (change instanceof Sample c) {
            PreparedStatement s = statement(connection, statements, "INSERT INTO history_sample (comm_id, "
                    + "user_id, peer_id, sample_ms, kbps, loss_pct, rtt_ms) VALUES (?, ?, ?, ?, ?, ?, ?)");
            s.setString(1, c.commId());
            s.setString(2, c.userId());
            s.setString(3, c.peerId());
            s.setLong(4, c.atMs());
            s.setInt(5, c.kbps());
            if (c.lossPercent() == null) {
                s.setNull(6, Types.REAL);
            } else {
                s.setFloat(6, c.lossPercent());
            }
            if (c.rttMillis() == null) {
                s.setNull(7, Types.INTEGER);
            } else {
                s.setInt(7, c.rttMillis());
            }
            s.addBatch();
        } else if (change instanceof RoomDismissed c) {
            flush(statements);
            try (PreparedStatement s = connection.prepareStatement("UPDATE history_room SET dismissed_ms = ? "
                    + "WHERE comm_id = ? AND dismissed_ms IS NULL AND (node_id = ? OR node_id IS NULL)")) {
                s.setLong(1, c.atMs());
                s.setString(2, c.commId());
                s.setString(3, node);
                s.executeUpdate();
            }
        } else if (change instanceof MemberLeft c) {
            flush(statements);
            try (PreparedStatement s = connection.prepareStatement("UPDATE history_member SET left_ms = ?, "
                    + "reason = ? WHERE comm_id = ? AND user_id = ? AND left_ms IS NULL "
                    + "AND (node_id = ? OR node_id IS NULL)")) {
                s.setLong(1, c.atMs());
                s.setString(2, c.reason());
                s.setString(3, c.commId());
                s.setString(4, c.userId());
                s.setString(5, node);
                s.executeUpdate();
            }
        }
    }

    private static PreparedStatement statement(Connection connection, Map<String, PreparedStatement> statements,
            String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private static void flush(Map<String, PreparedStatement> statements) throws SQLException {
        for (PreparedStatement statement : statements.values()) {
            statement.executeBatch();
        }
    }

    /**
     * A run that ended without its rooms emptying (kill -9) left rooms and stays open: they end at {@code nowMs},
     * the stays with reason {@code timeout}. Call at start, before anyone enters. Only this node's rows (and those
     * of no node), unless {@code everyNode} (a single node, alone with its database, whatever node id it had).
     *
     * @return how many rooms and stays were closed
     */
    public int closeOpen(long nowMs, boolean everyNode) {
        String ofNode = everyNode ? "" : " AND (node_id = ? OR node_id IS NULL)";
        try (Connection connection = pool.getConnection();
             PreparedStatement members = connection.prepareStatement("UPDATE history_member SET left_ms = ?, "
                     + "reason = 'timeout' WHERE left_ms IS NULL" + ofNode);
             PreparedStatement rooms = connection.prepareStatement(
                     "UPDATE history_room SET dismissed_ms = ? WHERE dismissed_ms IS NULL" + ofNode)) {
            members.setLong(1, nowMs);
            rooms.setLong(1, nowMs);
            if (!everyNode) {
                members.setString(2, node);
                rooms.setString(2, node);
            }
            return members.executeUpdate() + rooms.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot close the rooms a previous run left open in " + where, e);
        }
    }

    /**
     * The app's rooms that existed at some time in [{@code fromMs}, {@code toMs}], oldest first.
     *
     * @param roomKeys only these rooms, or empty for all
     */
    public Page<Room> rooms(SdkAppId sdkAppId, long fromMs, long toMs, Collection<String> roomKeys, int offset,
            int limit) {
        return page("list the rooms of app " + sdkAppId, ROOM_COLUMNS + ROOMS_IN_WINDOW, "room_key", roomKeys,
                "created_ms", statement -> {
                    statement.setLong(1, sdkAppId.value());
                    statement.setLong(2, toMs);
                    statement.setLong(3, fromMs);
                }, offset, limit, RoomHistory::room);
    }

    /** The room of {@code commId} in app {@code sdkAppId} (the most recent if two share it), if recorded. */
    public Optional<Room> room(SdkAppId sdkAppId, String commId) {
        List<Room> rooms = query("find room " + commId, "SELECT " + ROOM_COLUMNS + " FROM history_room "
                + "WHERE comm_id = ? AND sdk_app_id = ? ORDER BY id DESC LIMIT 1", statement -> {
                    statement.setString(1, commId);
                    statement.setLong(2, sdkAppId.value());
                }, RoomHistory::room);
        return rooms.stream().findFirst();
    }

    /**
     * The stays in room {@code commId} that overlap [{@code fromMs}, {@code toMs}], by entry time.
     *
     * @param userIds only these users, or empty for all
     */
    public Page<Stay> stays(String commId, long fromMs, long toMs, Collection<String> userIds, int offset,
            int limit) {
        return page("list the members of " + commId, STAY_COLUMNS + STAYS_IN_WINDOW, "user_id", userIds,
                "joined_ms", statement -> {
                    statement.setString(1, commId);
                    statement.setLong(2, toMs);
                    statement.setLong(3, fromMs);
                }, offset, limit, RoomHistory::stay);
    }

    /** What {@code userId} did in room {@code commId} within [{@code fromMs}, {@code toMs}], oldest first. */
    public List<MemberEvent> events(String commId, String userId, long fromMs, long toMs) {
        return query("list the events of " + userId + " in " + commId, "SELECT comm_id, user_id, event_ms, event_id, "
                + "param_one, param_two, stream_type FROM history_event WHERE comm_id = ? AND user_id = ? "
                + "AND event_ms >= ? AND event_ms <= ? ORDER BY event_ms, id", statement -> {
                    statement.setString(1, commId);
                    statement.setString(2, userId);
                    statement.setLong(3, fromMs);
                    statement.setLong(4, toMs);
                }, rows -> new MemberEvent(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getInt(4),
                        rows.getLong(5), rows.getLong(6), rows.getInt(7)));
    }

    /** The samples of {@code userIds} in room {@code commId} within [{@code fromMs}, {@code toMs}], by time. */
    public List<Sample> samples(String commId, Collection<String> userIds, long fromMs, long toMs) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        return query("list the quality samples of " + commId, "SELECT comm_id, user_id, peer_id, sample_ms, kbps, "
                + "loss_pct, rtt_ms FROM history_sample WHERE comm_id = ? AND sample_ms >= ? AND sample_ms <= ? "
                + "AND user_id IN (" + "?, ".repeat(userIds.size() - 1) + "?) ORDER BY sample_ms, id", statement -> {
                    statement.setString(1, commId);
                    statement.setLong(2, fromMs);
                    statement.setLong(3, toMs);
                    int index = 4;
                    for (String userId : userIds) {
                        statement.setString(index++, userId);
                    }
                }, rows -> {
                    float loss = rows.getFloat(6);
                    Float lossPercent = rows.wasNull() ? null : loss;
                    int rtt = rows.getInt(7);
                    Integer rttMillis = rows.wasNull() ? null : rtt;
                    return new Sample(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4),
                            rows.getInt(5), lossPercent, rttMillis);
                });
    }

    /**
     * Deletes what ended before {@code cutoffMs}: dismissed rooms, finished stays, events and samples. Open rooms
     * and stays are kept however old.
     *
     * @return rows deleted
     */
    public int purgeBefore(long cutoffMs) {
        int deleted = 0;
        try (Connection connection = pool.getConnection()) {
            for (String sql : List.of("DELETE FROM history_sample WHERE sample_ms < ?",
                    "DELETE FROM history_event WHERE event_ms < ?",
                    "DELETE FROM history_member WHERE left_ms < ?",
                    "DELETE FROM history_room WHERE dismissed_ms < ?")) {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setLong(1, cutoffMs);
                    deleted += statement.executeUpdate();
                }
            }
            return deleted;
        } catch (SQLException e) {
            throw failure("cannot purge old room history in " + where, e);
        }
    }

    private static Room room(ResultSet rows) throws SQLException {
        long dismissed = rows.getLong("dismissed_ms");
        Optional<Long> dismissedMs = rows.wasNull() ? Optional.empty() : Optional.of(dismissed);
        return new Room(new SdkAppId(rows.getLong("sdk_app_id")), rows.getString("room_key"),
                rows.getString("comm_id"), rows.getLong("created_ms"), dismissedMs, rows.getString("creator"));
    }

    private static Stay stay(ResultSet rows) throws SQLException {
        long left = rows.getLong("left_ms");
        Optional<Long> leftMs = rows.wasNull() ? Optional.empty() : Optional.of(left);
        return new Stay(rows.getString("user_id"), rows.getLong("joined_ms"), leftMs,
                Optional.ofNullable(rows.getString("reason")), rows.getString("role"), rows.getString("kind"),
                Optional.ofNullable(rows.getString("client_ip")));
    }

    /**
     * A page of {@code "SELECT " + select}, whose first three parameters {@code window} binds, optionally narrowed to
     * {@code column IN (values)}, ordered by {@code orderBy} then insertion, with the count of all matches.
     */
    private <T> Page<T> page(String what, String select, String column, Collection<String> values, String orderBy,
            Binder window, int offset, int limit, Reader<T> reader) {
        String filter = values.isEmpty() ? "" : " AND " + column + " IN (" + "?, ".repeat(values.size() - 1) + "?)";
        Binder binder = statement -> {
            window.bind(statement);
            int index = 4;
            for (String value : values) {
                statement.setString(index++, value);
            }
        };
        String from = select.substring(select.indexOf(" FROM "));
        long total = count(what, "SELECT COUNT(*)" + from + filter, binder);
        List<T> rows = query(what, "SELECT " + select + filter + " ORDER BY " + orderBy + ", id LIMIT ? OFFSET ?",
                statement -> {
                    binder.bind(statement);
                    statement.setInt(4 + values.size(), limit);
                    statement.setInt(5 + values.size(), offset);
                }, reader);
        return new Page<>(total, rows);
    }

    private long count(String what, String sql, Binder binder) {
        return query(what, sql, binder, rows -> rows.getLong(1)).get(0);
    }

    private <T> List<T> query(String what, String sql, Binder binder, Reader<T> reader) {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            List<T> result = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(reader.read(rows));
                }
            }
            return result;
        } catch (SQLException e) {
            throw failure("cannot " + what + " in " + where, e);
        }
    }

    private StoreException failure(String context, SQLException e) {
        return JdbcAppStore.failure(context, e, secrets);
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    @Override
    public String toString() {
        return "RoomHistory[" + where + "]";
    }
}
