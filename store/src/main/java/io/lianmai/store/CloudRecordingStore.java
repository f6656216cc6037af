package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Cloud recording tasks in the app database (table {@code cloud_recording}, migration V6): written when a task is
 * created, when its subscription changes and when it ends, so that a task survives a restart. Each task belongs to
 * the node that runs it (migration V7): nodes sharing the database resume only their own.
 *
 * <p>Methods block on the database, may be called from any thread, and throw {@link StoreException} when it fails.
 * Obtained from {@link JdbcAppStore#cloudRecordings()}; it shares the store's connection pool and lives as long as it.
 */
public final class CloudRecordingStore {
    /** Longest params JSON kept (the column's width). */
    public static final int MAX_PARAMS_LENGTH = 8000;
    /** Longest end reason kept (the column's width). */
    static final int MAX_REASON_LENGTH = 512;

    /**
     * A task as stored.
     *
     * @param taskId    the task's id, at most 64 characters
     * @param roomKey   the room ({@code r123}, {@code s:name})
     * @param userId    the recorder's UserId
     * @param params    the task's RecordParams as JSON text
     * @param running   whether it has not ended
     * @param createdMs when it was created
     * @param endedMs   when it ended
     * @param endReason why it ended, when it did
     * @param nodeId    the node that runs (or ran) it; empty for a task from before migration V7
     */
    public record Task(String taskId, SdkAppId sdkAppId, String roomKey, String userId, String params,
                       boolean running, long createdMs, OptionalLong endedMs, Optional<String> endReason,
                       Optional<String> nodeId) {
        public Task {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(sdkAppId, "sdkAppId");
            Objects.requireNonNull(roomKey, "roomKey");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(params, "params");
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    private static final String COLUMNS = "task_id, sdk_app_id, room_key, user_id, params, state, created_ms, "
            + "ended_ms, end_reason, node_id";

    private final DataSource pool;
    private final String where;
    private final List<String> secrets;

    CloudRecordingStore(DataSource pool, String where, List<String> secrets) {
        this.pool = pool;
        this.where = where;
        this.secrets = secrets;
    }

    /** Adds a running task. */
    public void insert(Task task) {
        try (Connection connection = pool.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO cloud_recording (" + COLUMNS
                     + ") VALUES (?, ?, ?, ?, ?, 'running', ?, NULL, NULL, ?)")) {
            insert.setString(1, task.taskId());
            insert.setLong(2, task.sdkAppId().value());
            insert.setString(3, task.roomKey());
            insert.setString(4, task.userId());
            insert.setString(5, task.params());
            insert.setLong(6, task.createdMs());
            insert.setString(7, task.nodeId().orElse(null));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot store cloud recording task " + task.taskId(), e);
        }
    }

    /** Replaces a running task's params (ModifyCloudRecording); false when it is not running. */
    public boolean updateParams(String taskId, String params) {
        try (Connection connection = pool.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE cloud_recording SET params = ? WHERE task_id = ? AND state = 'running'")) {
            update.setString(1, params);
            update.setString(2, taskId);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("cannot update cloud recording task " + taskId, e);
        }
    }

    /** Marks a task ended at {@code endedMs} for {@code reason}; false when it had ended already. */
    public boolean end(String taskId, long endedMs, String reason) {
        String kept = reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason;
        try (Connection connection = pool.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE cloud_recording SET state = 'exited', "
                     + "ended_ms = ?, end_reason = ? WHERE task_id = ? AND state = 'running'")) {
            update.setLong(1, endedMs);
            update.setString(2, kept);
            update.setString(3, taskId);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("cannot end cloud recording task " + taskId, e);
        }
    }

    /** The task {@code taskId} of {@code sdkAppId}, running or not. */
    public Optional<Task> find(SdkAppId sdkAppId, String taskId) {
        try (Connection connection = pool.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                     + " FROM cloud_recording WHERE task_id = ? AND sdk_app_id = ?")) {
            select.setString(1, taskId);
            select.setLong(2, sdkAppId.value());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(task(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("cannot read cloud recording task " + taskId, e);
        }
    }

    /**
     * Makes the running task {@code taskId} node {@code nodeId}'s, when it is that node's already or nobody's (a
     * task from before V7), or with {@code anyNode} whoever's it was (a single node: its earlier runs may have had
     * another node id). One conditional UPDATE: of two nodes adopting one task, one wins.
     *
     * @return whether the task is now {@code nodeId}'s
     */
    public boolean adopt(String taskId, String nodeId, boolean anyNode) {
        try (Connection connection = pool.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE cloud_recording SET node_id = ? "
                     + "WHERE task_id = ? AND state = 'running'"
                     + (anyNode ? "" : " AND (node_id IS NULL OR node_id = ?)"))) {
            update.setString(1, nodeId);
            update.setString(2, taskId);
            if (!anyNode) {
                update.setString(3, nodeId);
            }
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("cannot take over cloud recording task " + taskId, e);
        }
    }

    /**
     * Makes the running task {@code taskId} node {@code nodeId}'s if it is still {@code deadNode}'s (cluster mode: the
     * node that ran it is gone, docs/cluster-shared-state.md). One compare-and-set UPDATE: of several nodes taking
     * one task over, exactly one wins; a task its node still renewed, or another node took, stays theirs.
     *
     * @return whether the task is now {@code nodeId}'s
     */
    public boolean takeOver(String taskId, String deadNode, String nodeId) {
        try (Connection connection = pool.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE cloud_recording SET node_id = ? "
                     + "WHERE task_id = ? AND state = 'running' AND node_id = ?")) {
            update.setString(1, nodeId);
            update.setString(2, taskId);
            update.setString(3, deadNode);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("cannot take over cloud recording task " + taskId + " from node " + deadNode, e);
        }
    }

    /**
     * Every task still marked running, whichever node runs it (at start-up: a node's own are those its previous
     * process left), oldest first.
     */
    public List<Task> running() {
        try (Connection connection = pool.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                     + " FROM cloud_recording WHERE state = 'running' ORDER BY created_ms")) {
            List<Task> tasks = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tasks.add(task(rows));
                }
            }
            return tasks;
        } catch (SQLException e) {
            throw failure("cannot read the running cloud recording tasks", e);
        }
    }

    private static Task task(ResultSet rows) throws SQLException {
        long ended = rows.getLong("ended_ms");
        boolean hasEnded = !rows.wasNull();
        return new Task(rows.getString("task_id"), new SdkAppId(rows.getLong("sdk_app_id")),
                rows.getString("room_key"), rows.getString("user_id"), rows.getString("params"),
                "running".equals(rows.getString("state")), rows.getLong("created_ms"),
                hasEnded ? OptionalLong.of(ended) : OptionalLong.empty(),
                Optional.ofNullable(rows.getString("end_reason")), Optional.ofNullable(rows.getString("node_id")));
    }

    private StoreException failure(String context, SQLException cause) {
        return JdbcAppStore.failure(context + " in " + where, cause, secrets);
    }
}
