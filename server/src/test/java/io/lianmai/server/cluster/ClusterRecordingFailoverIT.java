package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.testkit.ExternalTools;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloud recording task whose node dies goes on at the node that then serves its room
 * (docs/cluster-shared-state.md), with real node processes, PostgreSQL, Redis and FFmpeg: an RTMP anchor in a room on
 * node1, a task recording it there; node1 killed with SIGKILL; the anchor publishes again, now on node2; node2 takes
 * the task over (once node1 is gone from the registry) and records it into new files of its own, and is the node
 * that can delete it.
 */
class ClusterRecordingFailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final long ROOM = 7704;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aDeadNodesRecordingTaskGoesOnWhereItsRoomComesBack() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        try (ClusterHarness cluster = ClusterHarness.start(dir)) {
            List<Process> publishers = new ArrayList<>();
            try {
                Map<String, String> settings = Map.of("recording.minFreeMegabytes", "64");
                ChildServer first = cluster.node("node1", settings);
                ChildServer second = cluster.node("node2", settings);
                cluster.awaitNodes(2, WAIT);
                cluster.redis().command("SET", cluster.roomKey(ROOM), "node1", "PX", "120000");
                String stream = cluster.sdkAppId() + "_" + ROOM + "_anchor_main";
                String sig = "?usersig=" + URLEncoder.encode(cluster.userSig("anchor"), StandardCharsets.UTF_8);
                int firstRtmp = cluster.entryField("node1", "rtmpPort");
                int secondRtmp = cluster.entryField("node2", "rtmpPort");
                publishers.add(FfmpegRtmp.publish(ffmpeg, "rtmp://127.0.0.1:" + firstRtmp + "/live/" + stream + sig,
                        120, dir.resolve("publisher1.log")));

                // A task on node1 recording the anchor, its first file written there.
                String taskId = awaitTaskCreated(cluster, first);
                JsonNode onFirst = awaitFiles(cluster, first, taskId, 0);
                assertThat(onFirst.path("StorageFileList").get(0).path("UserId").asText()).isEqualTo("anchor");

                long killedAt = System.currentTimeMillis();
                first.kill9();
                FfmpegRtmp.stop(publishers.get(0));

                // The anchor publishes again; its room goes to node2 once node1 counts as gone.
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (true) {
                    Process again = FfmpegRtmp.publish(ffmpeg, "rtmp://127.0.0.1:" + secondRtmp + "/live/" + stream
                            + sig, 120, dir.resolve("publisher2.log"));
                    publishers.add(again);
                    if (!again.waitFor(3, TimeUnit.SECONDS)) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("the anchor publishes on node2: %s",
                            Files.readString(dir.resolve("publisher2.log"))).isLessThan(deadline);
                }

                // node2 takes the task over and records into new files of its own.
                JsonNode onSecond = awaitFiles(cluster, second, taskId, killedAt);
                System.out.printf("ClusterRecordingFailoverIT: node2 records task %s, a new file listed, %d ms after "
                        + "the SIGKILL of node1%n", taskId, System.currentTimeMillis() - killedAt);
                assertThat(onSecond.path("Status").asText()).isIn("InProgress", "Idle");
                assertThat(Files.readString(dir.resolve("node2.log")))
                        .contains("cloud recording task " + taskId)
                        .contains("resumed from node node1, which is gone");
                JsonNode deleted = cluster.api(second, "DeleteCloudRecording", JSON.createObjectNode()
                        .put("SdkAppId", cluster.sdkAppId()).put("TaskId", taskId));
                assertThat(deleted.has("Error")).as("node2 runs it now: %s", deleted).isFalse();
                JsonNode ended = describe(cluster, second, taskId);
                assertThat(ended.path("Status").asText()).isEqualTo("Exited");
                for (JsonNode file : ended.path("StorageFileList")) {
                    Path written = dir.resolve("node2").resolve("recordings").resolve(file.path("FileName").asText());
                    assertThat(written).as("a file node2 wrote").isRegularFile();
                    assertThat(Files.size(written)).isGreaterThan(1_000);
                }
            } catch (Throwable failure) {
                cluster.printLogs();
                throw failure;
            } finally {
                for (Process publisher : publishers) {
                    FfmpegRtmp.stop(publisher);
                }
            }
        }
    }

    /** Creates the task on {@code node} once the anchor is in the room there (single stream, MP4). */
    private static String awaitTaskCreated(ClusterHarness cluster, ChildServer node) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("RecordMode", 1).put("StreamType", 0).put("OutputFormat", 3)
                .put("AvMerge", 1).put("MaxIdleTime", 120);
        ObjectNode request = JSON.createObjectNode().put("SdkAppId", cluster.sdkAppId())
                .put("RoomId", Long.toString(ROOM)).put("UserId", "recorder")
                .put("UserSig", cluster.userSig("recorder"));
        request.set("RecordParams", params);
        JsonNode created = cluster.api(node, "CreateCloudRecording", request);
        assertThat(created.has("Error")).as(created.toString()).isFalse();
        return created.path("TaskId").asText();
    }

    /** The task as {@code node} describes it once it lists a file that began at or after {@code since} (epoch ms). */
    private static JsonNode awaitFiles(ClusterHarness cluster, ChildServer node, String taskId, long since)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode described = describe(cluster, node, taskId);
            for (JsonNode file : described.path("StorageFileList")) {
                if (file.path("BeginTimeStamp").asLong() >= since) {
                    return described;
                }
            }
            assertThat(System.nanoTime()).as("a file of task %s on port %d: %s", taskId, node.httpPort(), described)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static JsonNode describe(ClusterHarness cluster, ChildServer node, String taskId) throws Exception {
        return cluster.api(node, "DescribeCloudRecording", JSON.createObjectNode()
                .put("SdkAppId", cluster.sdkAppId()).put("TaskId", taskId));
    }
}
