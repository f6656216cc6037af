package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.signal.SignalClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage written straight into the cluster's Redis by anyone who can reach it, with two node processes, a real Redis
 * and PostgreSQL, and a live room spanning both (alice on the room's node, bob on an edge):
 * <ul>
 *   <li>{@code lianmai:messages}: hundreds of malformed messages (not JSON, wrong types, huge strings, bad userIds,
 *       data over {@code room.messageMaxBytes}) reach no member, each node logs one WARN for the flood and, after
 *       10 s, one more with the count ignored since; custom messages between alice and bob still cross both ways.</li>
 *   <li>{@code lianmai:up:{app}:{room}} (the edge's members for the room's node): fields of unknown nodes, of the
 *       room's node itself, huge values, garbage in the edge's own field, and the key replaced by a string are
 *       removed; the edge publishes its field again; alice keeps seeing bob (no userLeave) while fields are garbage,
 *       messages still cross, and a later change of bob's is still shown to alice.</li>
 *   <li>A member forged into the edge's field, whose relay the edge refuses: retried every 250 ms, logged by the
 *       room's node once, then once per 10 s with the count of tries held back.</li>
 * </ul>
 */
class ClusterRedisGarbageIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROOM = 7706;
    private static final String MALFORMED = "ignoring a malformed custom message from Redis";

    @TempDir
    Path dir;

    @Test
    void garbageInRedisReachesNobodyFloodsNoLogAndTheRoomGoesOn() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.start(dir)) {
            try {
                ChildServer home = cluster.node("node1");
                ChildServer edge = cluster.node("node2");
                cluster.awaitNodes(2, WAIT);
                cluster.redis().command("SET", cluster.roomKey(ROOM), "node1", "PX", "120000");
                try (SignalClient alice = SignalClient.connect(home.signalling());
                        SignalClient bob = SignalClient.connect(edge.signalling())) {
                    alice.autoHeartbeat(Duration.ofSeconds(2));
                    bob.autoHeartbeat(Duration.ofSeconds(2));
                    alice.ok("enter", enter(cluster, "alice", "anchor"));
                    String live = "lianmai:live:" + cluster.sdkAppId() + ":r" + ROOM;
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (cluster.get(live) == null) {
                        assertThat(System.nanoTime()).as("the room's members published").isLessThan(deadline);
                        Thread.sleep(100);
                    }
                    JsonNode joined = bob.ok("enter", enter(cluster, "bob", "audience"));
                    assertThat(joined.has("moveTo")).as("bob stays on the edge: %s", joined).isFalse();

                    // ---- lianmai:messages ----
                    List<String> garbage = garbageMessages(cluster.sdkAppId());
                    long floodStart = System.nanoTime();
                    for (int round = 0; round < 300 / garbage.size() + 1; round++) {
                        for (String message : garbage) {
                            cluster.redis().command("PUBLISH", RedisCluster.MESSAGES, message);
                        }
                    }
                    long floodSeconds = (System.nanoTime() - floodStart) / 1_000_000_000L;
                    System.out.println("ClusterRedisGarbageIT: " + garbage.size() * (300 / garbage.size() + 1)
                            + " garbage messages published in " + floodSeconds + " s");
                    crossBothWays(alice, bob, "after the flood");
                    for (String node : List.of("node1", "node2")) {
                        assertThat(lines(node, MALFORMED)).as("%s logs the flood (%d s) once per 10 s", node,
                                floodSeconds).hasSizeBetween(1, 1 + (int) floodSeconds / 10);
                    }

                    // ---- lianmai:up:{app}:{room} ----
                    String up = "lianmai:up:" + cluster.sdkAppId() + ":r" + ROOM;
                    bob.ok("switchRole", SignalClient.data().put("role", "anchor"));
                    alice.awaitEvent("userJoin", "bob");
                    awaitUpFields(cluster, up, "node2");
                    cluster.redis().command("HSET", up, "node9", "{\"node\":\"node9\",\"anchors\":[{\"userId\":\"mallory\"}]}",
                            "not a node", "{not json", "node1", "{\"anchors\":[{\"userId\":\"eve\"}]}",
                            "node8", "x".repeat(1_000_000), "node2", "{\"anchors\":[{\"userId\":\"\"}]}");
                    awaitUpFields(cluster, up, "node2");
                    cluster.redis().command("HSET", up, "node2", "[1,2,3", "node7", "null");
                    awaitUpFields(cluster, up, "node2");
                    Thread.sleep(1000); // a few passes of the room's node over the restored field
                    assertThat(alice.events()).as("alice saw nobody leave or join meanwhile")
                            .noneMatch(event -> event.path("event").asText().matches("userLeave|userJoin"));
                    crossBothWays(alice, bob, "after garbage fields");

                    // The key itself replaced by another type: deleted, and the edge publishes its field again.
                    cluster.redis().command("DEL", up);
                    cluster.redis().command("SET", up, "garbage");
                    awaitUpFields(cluster, up, "node2");
                    crossBothWays(alice, bob, "after a key of the wrong type");

                    // Ten seconds after the last WARN, one more malformed message: logged with the count ignored
                    // since (the flood's, when it took less than 10 s).
                    int warned = lines("node1", MALFORMED).size();
                    cluster.redis().command("PUBLISH", RedisCluster.MESSAGES, "{not json");
                    deadline = System.nanoTime() + WAIT.toNanos();
                    while (lines("node1", MALFORMED).size() == warned) {
                        assertThat(System.nanoTime()).as("the next WARN").isLessThan(deadline);
                        Thread.sleep(500);
                        cluster.redis().command("PUBLISH", RedisCluster.MESSAGES, "{not json");
                    }
                    List<String> warnings = lines("node1", MALFORMED);
                    assertThat(warnings).hasSize(warned + 1);
                    assertThat(warnings.get(warned)).containsPattern("; [1-9][0-9]* more ignored in the last 10 s");
                    System.out.println("ClusterRedisGarbageIT: node1's WARN lines for them: " + warnings);
                    if (floodSeconds < 9) {
                        assertThat(warnings.get(1)).as("the flood counted").containsPattern("; [0-9]{3,} more");
                    }

                    // The room's node still follows the edge's members: bob goes back to the audience, alice sees it.
                    bob.ok("switchRole", SignalClient.data().put("role", "audience"));
                    alice.awaitEvent("userLeave", "bob");

                    // A member the edge does not have (its field forged): the room's node retries its relay every
                    // 250 ms, the edge refusing each; the log tells it once, then once per 10 s.
                    cluster.redis().command("HSET", up, "node2", "{\"node\":\"node2\",\"anchors\":[{\"userId\":"
                            + "\"ghost\",\"main\":{\"audio\":true,\"video\":true}}]}");
                    alice.awaitEvent("userJoin", "ghost");
                    Thread.sleep(12_000);
                    List<String> relayWarnings = lines("node1", "relay of " + cluster.sdkAppId() + "/r" + ROOM
                            + "/ghost_main from");
                    List<String> showInfos = lines("node1", "cannot show ghost of room");
                    assertThat(relayWarnings).as("refused relays logged in 12 s of retries").hasSizeBetween(1, 2);
                    assertThat(showInfos).as("failed shows logged in 12 s of retries").hasSizeBetween(1, 2);
                    assertThat(relayWarnings.get(relayWarnings.size() - 1) + showInfos.get(showInfos.size() - 1))
                            .as("the count of tries held back").containsPattern("\\(([1-9][0-9]*) more tries failed");
                    assertThat(lines("node1", "Unhandled")).isEmpty();
                    assertThat(lines("node2", "Unhandled")).isEmpty();
                }
            } catch (Throwable failure) {
                cluster.printLogs();
                throw failure;
            }
        }
    }

    /** Messages on the channel that are not what a node publishes, several aimed at the room of this test. */
    private static List<String> garbageMessages(long app) {
        ObjectNode valid = JSON.createObjectNode().put("node", "node9").put("sdkAppId", app).put("room", "r" + ROOM)
                .put("userId", "mallory").put("cmdId", 1).put("data", "garbage");
        List<String> messages = new ArrayList<>(List.of("", "{", "not json", "null", "42", "[]", "\"text\"",
                "[".repeat(5_000), "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000), "\u0000\u0001\u00ff"));
        messages.add(valid.deepCopy().put("node", 7).toString());
        messages.add(valid.deepCopy().put("sdkAppId", "1400000001").toString());
        messages.add(valid.deepCopy().put("sdkAppId", 1.5).toString());
        messages.add(valid.deepCopy().put("sdkAppId", 0).toString());
        messages.add(valid.deepCopy().put("sdkAppId", -1).toString());
        messages.add(valid.deepCopy().put("sdkAppId", Long.MAX_VALUE).toString());
        messages.add(valid.deepCopy().put("room", 7706).toString());
        messages.add(valid.deepCopy().put("room", "r" + "9".repeat(100_000)).toString());
        messages.add(valid.deepCopy().put("userId", "").toString());
        messages.add(valid.deepCopy().put("userId", "a/b").toString());
        messages.add(valid.deepCopy().put("userId", "u".repeat(100_000)).toString());
        messages.add(valid.deepCopy().putNull("userId").toString());
        messages.add(valid.deepCopy().put("cmdId", "1").toString());
        messages.add(valid.deepCopy().put("cmdId", 1e20).toString());
        messages.add(valid.deepCopy().put("data", 5).toString());
        messages.add(valid.deepCopy().put("data", "d".repeat(1_000_000)).toString());
        messages.add(valid.deepCopy().without("data").toString());
        return messages;
    }

    /** A custom message from bob (edge) reaches alice (room's node) and back, and nothing else reached either. */
    private static void crossBothWays(SignalClient alice, SignalClient bob, String when) {
        bob.ok("message", SignalClient.data().put("cmdID", 3).put("data", "bob " + when));
        JsonNode atAlice = alice.awaitEvent("customMessage", data -> true);
        assertThat(atAlice.path("userID").asText() + ": " + atAlice.path("data").asText())
                .isEqualTo("bob: bob " + when);
        alice.ok("message", SignalClient.data().put("cmdID", 4).put("data", "alice " + when));
        JsonNode atBob = bob.awaitEvent("customMessage", data -> true);
        assertThat(atBob.path("userID").asText() + ": " + atBob.path("data").asText())
                .isEqualTo("alice: alice " + when);
    }

    /** Waits until hash {@code key} holds exactly {@code field}, its value the edge's JSON for bob. */
    private static void awaitUpFields(ClusterHarness cluster, String key, String field) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String reply = "";
        while (System.nanoTime() < deadline) {
            reply = cluster.redis().command("HGETALL", key);
            String[] parts = reply.split("\r\n");
            // *2 $len field $len value
            if (parts.length == 5 && parts[0].equals("*2") && parts[2].equals(field) && parts[4].contains("\"bob\"")
                    && JSON.readTree(parts[4]).path("node").asText().equals(field)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(key + " holds only " + field + "'s members within " + WAIT + ": "
                + reply.substring(0, Math.min(400, reply.length())));
    }

    private List<String> lines(String node, String text) throws Exception {
        return Files.readAllLines(dir.resolve(node + ".log")).stream().filter(line -> line.contains(text)).toList();
    }

    private static ObjectNode enter(ClusterHarness cluster, String userId, String role) {
        return JSON.createObjectNode().put("sdkAppID", cluster.sdkAppId()).put("userID", userId)
                .put("userSig", cluster.userSig(userId)).put("roomID", ROOM).put("scene", "live").put("role", role);
    }
}
