package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * What the cloud recording table (migration V6) must do on every database: mixed into {@link AppStoreContract}, so
 * that it runs on H2 and on PostgreSQL as the rest of the store does.
 */
interface CloudRecordingContract {
    SdkAppId RECORDING_APP = new SdkAppId(1_400_000_321L);

    /** A store on a fresh, migrated database, closed by the test's teardown. */
    JdbcAppStore openForHistory();

    @Test
    default void aRecordingTaskIsStoredModifiedEndedAndFoundOnlyInItsApp() {
        CloudRecordingStore store = openForHistory().cloudRecordings();
        store.insert(new CloudRecordingStore.Task("task-1", RECORDING_APP, "s:class 1/../x", "recorder",
                "{\"RecordMode\":1}", true, 1_000, OptionalLong.empty(), Optional.empty(), Optional.of("node-a")));
        store.insert(new CloudRecordingStore.Task("task-2", RECORDING_APP, "r42", "recorder", "{}", true, 2_000,
                OptionalLong.empty(), Optional.empty(), Optional.empty()));
        assertThat(store.running()).extracting(CloudRecordingStore.Task::taskId).containsExactly("task-1", "task-2");

        assertThat(store.updateParams("task-1", "{\"RecordMode\":1,\"StreamType\":1}")).isTrue();
        assertThat(store.end("task-2", 3_000, "x".repeat(2_000))).isTrue();
        assertThat(store.end("task-2", 4_000, "again")).as("ended once").isFalse();
        assertThat(store.updateParams("task-2", "{}")).as("an ended task keeps its params").isFalse();

        CloudRecordingStore.Task first = store.find(RECORDING_APP, "task-1").orElseThrow();
        assertThat(first.roomKey()).isEqualTo("s:class 1/../x");
        assertThat(first.params()).isEqualTo("{\"RecordMode\":1,\"StreamType\":1}");
        assertThat(first.running()).isTrue();
        assertThat(first.endedMs()).isEmpty();
        CloudRecordingStore.Task second = store.find(RECORDING_APP, "task-2").orElseThrow();
        assertThat(second.running()).isFalse();
        assertThat(second.endedMs()).hasValue(3_000);
        assertThat(second.endReason().orElseThrow()).hasSize(CloudRecordingStore.MAX_REASON_LENGTH);
        assertThat(store.running()).extracting(CloudRecordingStore.Task::taskId).containsExactly("task-1");
        assertThat(store.find(new SdkAppId(1_400_000_322L), "task-1")).as("another app's task").isEmpty();
        assertThat(store.find(RECORDING_APP, "task-3")).isEmpty();
    }

    @Test
    default void aRunningTaskIsAdoptedByItsOwnNodeOrByTheFirstForATaskOfNoNode() {
        CloudRecordingStore store = openForHistory().cloudRecordings();
        store.insert(new CloudRecordingStore.Task("own", RECORDING_APP, "r1", "recorder", "{}", true, 1_000,
                OptionalLong.empty(), Optional.empty(), Optional.of("node-a")));
        store.insert(new CloudRecordingStore.Task("old", RECORDING_APP, "r2", "recorder", "{}", true, 1_001,
                OptionalLong.empty(), Optional.empty(), Optional.empty()));
        store.insert(new CloudRecordingStore.Task("ended", RECORDING_APP, "r3", "recorder", "{}", true, 1_002,
                OptionalLong.empty(), Optional.empty(), Optional.of("node-a")));
        store.end("ended", 2_000, "done");

        assertThat(store.adopt("own", "node-b", false)).as("node a's task").isFalse();
        assertThat(store.adopt("own", "node-a", false)).isTrue();
        assertThat(store.adopt("old", "node-b", false)).as("a task of no node").isTrue();
        assertThat(store.adopt("old", "node-a", false)).as("now node b's").isFalse();
        assertThat(store.adopt("ended", "node-a", true)).as("an ended task").isFalse();
        assertThat(store.find(RECORDING_APP, "old").orElseThrow().nodeId()).hasValue("node-b");
        // A single node takes whatever is running: its earlier runs may have had another node id.
        assertThat(store.adopt("old", "node-c", true)).isTrue();
        assertThat(store.running()).extracting(CloudRecordingStore.Task::taskId, t -> t.nodeId().orElseThrow())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("own", "node-a"),
                        org.assertj.core.groups.Tuple.tuple("old", "node-c"));
    }

    @Test
    default void aDeadNodesTaskIsTakenOverByExactlyOneNode() throws Exception {
        CloudRecordingStore store = openForHistory().cloudRecordings();
        store.insert(new CloudRecordingStore.Task("orphan", RECORDING_APP, "r1", "recorder", "{}", true, 1_000,
                OptionalLong.empty(), Optional.empty(), Optional.of("node-dead")));
        store.insert(new CloudRecordingStore.Task("ended", RECORDING_APP, "r2", "recorder", "{}", true, 1_001,
                OptionalLong.empty(), Optional.empty(), Optional.of("node-dead")));
        store.end("ended", 2_000, "done");

        assertThat(store.takeOver("orphan", "node-alive", "node-b")).as("not that node's").isFalse();
        assertThat(store.takeOver("ended", "node-dead", "node-b")).as("an ended task").isFalse();
        // Eight nodes at once: one wins, whatever the interleaving.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> tries = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String node = "node-" + i;
                tries.add(pool.submit(() -> store.takeOver("orphan", "node-dead", node)));
            }
            int won = 0;
            for (java.util.concurrent.Future<Boolean> each : tries) {
                won += each.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        String owner = store.find(RECORDING_APP, "orphan").orElseThrow().nodeId().orElseThrow();
        assertThat(owner).startsWith("node-").isNotEqualTo("node-dead");
        assertThat(store.takeOver("orphan", "node-dead", "node-z")).as("taken already").isFalse();
        assertThat(store.find(RECORDING_APP, "orphan").orElseThrow().nodeId()).hasValue(owner);
    }
}
