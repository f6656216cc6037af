package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.common.SdkAppId;
import io.lianmai.room.RoomKey;
import io.lianmai.server.config.ClusterConfig;
import io.lianmai.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's Redis scripts against a real {@code redis-server}: placement agrees under a race, a silent or
 * draining node loses its rooms to the candidate, renewal reports rooms another node took, and garbage in the
 * registry is skipped.
 */
class RedisClusterIT {
    private static final RoomKey ROOM = new RoomKey(new SdkAppId(1400000001L), "r42");

    @TempDir
    Path dir;

    private RedisServer redis;
    private Vertx vertx;
    private final List<RedisCluster> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start(dir);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(RedisCluster::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        redis.close();
    }

    private RedisCluster node(String id) {
        RedisCluster client = RedisCluster.connect(vertx, new ClusterConfig(Optional.of(URI.create(redis.uri())), id,
                new byte[32], Optional.empty(), Duration.ofMillis(1000), Duration.ofMillis(4000), false, 100, 10_000, 32));
        clients.add(client);
        return client;
    }

    private static ClusterNode entry(String id, int members) {
        return new ClusterNode(id, "http://" + id + ":8800/", "http://" + id + ":8800/", 8801, 1935, 1, members, 0,
                0, 0.1, false, 0, "test");
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void nodesPlacingOneRoomAtOnceAllGetTheSameNode() throws Exception {
        RedisCluster a = node("a");
        RedisCluster b = node("b");
        await(a.heartbeat(entry("a", 0)));
        await(b.heartbeat(entry("b", 0)));
        List<Future<String>> placed = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            placed.add(a.place(ROOM, "a"));
            placed.add(b.place(ROOM, "b"));
        }
        Set<String> owners = new HashSet<>();
        for (Future<String> each : placed) {
            owners.add(await(each));
        }
        assertThat(owners).hasSize(1);
        assertThat(await(a.locate(ROOM))).contains(owners.iterator().next());
    }

    @Test
    void aRoomOfASilentOrDrainingNodeGoesToTheCandidate() throws Exception {
        RedisCluster a = node("a");
        RedisCluster b = node("b");
        await(a.heartbeat(entry("a", 0)));
        await(b.heartbeat(entry("b", 0)));
        assertThat(await(a.place(ROOM, "a"))).isEqualTo("a");
        assertThat(await(b.place(ROOM, "b"))).as("a live owner keeps its room").isEqualTo("a");

        await(b.drain("a"));
        assertThat(await(b.nodes())).filteredOn(node -> node.id().equals("a")).singleElement()
                .extracting(ClusterNode::draining).isEqualTo(true);
        assertThat(await(b.place(ROOM, "b"))).as("a draining owner loses new placements").isEqualTo("b");
        assertThat(await(a.undrain("a"))).isTrue();

        // b stops beating: 2.5 heartbeats later (1.5 s of its 4 s TTL left) its room goes to the candidate.
        Thread.sleep(2700);
        await(a.heartbeat(entry("a", 0)));
        assertThat(await(a.locate(ROOM))).as("a silent owner is not located").isEmpty();
        assertThat(await(a.nodes())).extracting(ClusterNode::id).containsExactly("a");
        assertThat(await(a.place(ROOM, "a"))).isEqualTo("a");
    }

    @Test
    void renewalTakesBackLostRoomsAndReportsRoomsAnotherNodeTook() throws Exception {
        RedisCluster a = node("a");
        RedisCluster b = node("b");
        RoomKey other = new RoomKey(new SdkAppId(1400000001L), "s:other");
        await(a.heartbeat(entry("a", 2)));
        await(b.heartbeat(entry("b", 0)));
        assertThat(await(a.place(ROOM, "a"))).isEqualTo("a");
        assertThat(redis.command("DEL", RedisCluster.roomKey(ROOM))).startsWith(":1");
        assertThat(await(b.place(other, "b"))).isEqualTo("b");

        await(a.publishLive(ROOM, "{\"node\":\"a\"}"));
        List<String[]> lost = await(a.renewRooms("a", List.of(ROOM, other)));
        assertThat(await(a.locate(ROOM))).as("a room Redis forgot is taken back").contains("a");
        assertThat(lost).singleElement().satisfies(pair -> assertThat(pair)
                .containsExactly(RedisCluster.roomKey(other), "b"));
        // What a node published of its room is renewed with it; when Redis lost it, the renewal says so.
        assertThat(Long.parseLong(redis.command("PTTL", RedisCluster.liveKey(ROOM)).trim().substring(1)))
                .isGreaterThan(4000);
        assertThat(redis.command("DEL", RedisCluster.liveKey(ROOM))).startsWith(":1");
        assertThat(await(a.renewRooms("a", List.of(ROOM)))).singleElement().satisfies(pair -> assertThat(pair)
                .containsExactly(RedisCluster.roomKey(ROOM), ""));
        assertThat(await(a.move(other, "a", "b"))).as("only the owner moves a room").isFalse();
        assertThat(await(a.move(ROOM, "a", "b"))).isTrue();
        assertThat(await(b.locate(ROOM))).contains("b");
    }

    @Test
    void garbageInTheRegistryIsSkippedAndUnknownNodesCannotBeDrained() throws Exception {
        RedisCluster a = node("a");
        await(a.heartbeat(entry("a", 1)));
        redis.command("SADD", "lianmai:nodes", "junk", "gone");
        redis.command("SET", "lianmai:node:junk", "{not json", "PX", "60000");
        assertThat(await(a.nodes())).extracting(ClusterNode::id).containsExactly("a");
        assertThat(redis.command("SMEMBERS", "lianmai:nodes")).as("expired ids pruned").doesNotContain("gone");
        assertThatThrownBy(() -> await(a.drain("nobody"))).hasMessageContaining("no node 'nobody'");
    }

    @Test
    void requestsFailWithinTheTimeoutWhenRedisIsAway() throws Exception {
        RedisCluster a = node("a");
        await(a.heartbeat(entry("a", 0)));
        redis.close();
        long started = System.nanoTime();
        assertThatThrownBy(() -> await(a.place(ROOM, "a"))).isInstanceOf(java.util.concurrent.ExecutionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        redis.startAgain();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                assertThat(await(a.place(ROOM, "a"))).isEqualTo("a");
                break;
            } catch (java.util.concurrent.ExecutionException notYet) {
                assertThat(System.nanoTime()).as("Redis answers again").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }
}
