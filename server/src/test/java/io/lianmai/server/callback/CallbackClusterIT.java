package io.lianmai.server.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.config.CallbacksConfig;
import io.lianmai.server.db.TestPostgres;
import io.lianmai.store.App;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.JdbcAppStore;
import io.lianmai.store.StoreConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes' callback senders on one real PostgreSQL outbox (cluster mode, docs/cluster-shared-state.md), each
 * with its own store and connection pool as separate nodes have, posting to a real HTTP receiver on loopback: every
 * event reaches the receiver once, in outbox order per room, with never two attempts of one room at the receiver at
 * once; a node stopped abruptly mid-delivery leaves its claims, which another node takes after the lease.
 */
class CallbackClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE = Duration.ofSeconds(4);
    /** Short timeouts and polls so that the test runs in seconds; the lease outlasts two timeouts, as required. */
    private static final CallbacksConfig CONFIG = new CallbacksConfig(Duration.ofSeconds(1), 4,
            Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofDays(7),
            Duration.ofMillis(50), 10_000, true, LEASE);

    @TempDir
    Path dir;

    private TestPostgres postgres;
    private Receiver receiver;
    private final List<Node> nodes = new ArrayList<>();
    private SdkAppId app;

    /** One node's part: its own store (own pool), its view of the outbox and its sender. */
    private record Node(String id, JdbcAppStore store, CallbackOutbox outbox, CallbackSender sender) {
    }

    /** One request as the receiver got it. */
    private record Arrival(String eventId, String room, int index, long atNanos) {
    }

    @BeforeEach
    void setUp() throws Exception {
        postgres = TestPostgres.create();
        receiver = new Receiver();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (Node node : nodes) {
                node.sender().close();
                node.store().close();
            }
            if (receiver != null) {
                receiver.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private Node node(String id) {
        StoreConfig config = postgres.storeConfig(dir.resolve(id), 4);
        JdbcAppStore store = JdbcAppStore.open(config, Clock.systemUTC());
        if (app == null) {
            App created = store.create("cluster");
            store.setWebhook(created.sdkAppId(), Optional.of(receiver.url()), Optional.of("key"));
            app = created.sdkAppId();
        }
        CallbackOutbox outbox = store.callbackOutbox().forNode(id);
        CallbackSender sender = new CallbackSender(CONFIG, outbox, store, new CallbackTargetPolicy(true),
                Clock.systemUTC());
        Node node = new Node(id, store, outbox, sender);
        nodes.add(node);
        return node;
    }

    private CallbackOutbox.NewEvent event(String room, int index, String writer) {
        String info = "{\"RoomKey\":\"" + room + "\",\"Index\":" + index + ",\"Writer\":\"" + writer + "\"}";
        return new CallbackOutbox.NewEvent(UUID.randomUUID().toString(), app, room, 1, 103,
                System.currentTimeMillis(), info, CallbackOutbox.PresenceChange.NONE, null, null);
    }

    @Test
    void threeNodesDeliverEveryEventOnceInOrderPerRoom() throws Exception {
        List<Node> three = List.of(node("node-a"), node("node-b"), node("node-c"));
        three.forEach(node -> node.sender().start());
        int ownRooms = 45;
        int sharedRooms = 6;
        int perRoom = 12;
        // Each node writes its own rooms' events and, concurrently with the others, events of the shared rooms
        // (members of one room on different nodes), in batches as the outbox writer does.
        ExecutorService writers = Executors.newFixedThreadPool(3);
        List<Future<?>> writes = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            Node node = three.get(n);
            int nodeIndex = n;
            writes.add(writers.submit(() -> {
                List<String> queue = new ArrayList<>();
                for (int room = nodeIndex; room < ownRooms; room += 3) {
                    for (int i = 0; i < perRoom; i++) {
                        queue.add("r" + room + "#" + i);
                    }
                }
                for (int room = 0; room < sharedRooms; room++) {
                    for (int i = 0; i < perRoom / 3; i++) {
                        queue.add("shared" + room + "#-1");
                    }
                }
                // Interleave rooms while keeping each room's own order: take from the front of random rooms.
                Map<String, List<String>> byRoom = queue.stream().collect(Collectors.groupingBy(
                        key -> key.substring(0, key.indexOf('#')), LinkedHashMap::new, Collectors.toList()));
                List<String> rooms = new ArrayList<>(byRoom.keySet());
                while (!rooms.isEmpty()) {
                    List<CallbackOutbox.NewEvent> batch = new ArrayList<>();
                    int size = ThreadLocalRandom.current().nextInt(1, 9);
                    while (batch.size() < size && !rooms.isEmpty()) {
                        String room = rooms.get(ThreadLocalRandom.current().nextInt(rooms.size()));
                        String key = byRoom.get(room).remove(0);
                        if (byRoom.get(room).isEmpty()) {
                            rooms.remove(room);
                        }
                        batch.add(event(room, Integer.parseInt(key.substring(key.indexOf('#') + 1)), node.id()));
                    }
                    node.outbox().append(batch);
                    node.sender().wake();
                }
                return null;
            }));
        }
        for (Future<?> write : writes) {
            write.get(60, TimeUnit.SECONDS);
        }
        writers.shutdown();
        int total = ownRooms * perRoom + sharedRooms * (perRoom / 3) * 3;

        awaitNothingPending(three.get(0).outbox(), Duration.ofSeconds(90));

        List<Arrival> arrivals = receiver.arrivals();
        assertThat(arrivals).hasSize(total);
        assertThat(arrivals.stream().map(Arrival::eventId).distinct().count()).isEqualTo(total);
        assertThat(receiver.overlaps.get()).as("a room's event arrived while another of it was being answered")
                .isZero();
        assertArrivalOrderIsOutboxOrder(arrivals);
        for (int room = 0; room < ownRooms; room++) {
            String key = "r" + room;
            assertThat(arrivals.stream().filter(a -> a.room().equals(key)).map(Arrival::index).toList())
                    .as("room %s in the order written", key)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, perRoom).boxed().toList());
        }
        long delivered = 0;
        for (Node node : three) {
            assertThat(node.sender().delivered()).as("%s delivered some", node.id()).isPositive();
            delivered += node.sender().delivered();
        }
        assertThat(delivered).isEqualTo(total);
        assertThat(three.get(0).outbox().list(app, true, Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void aNodeStoppedMidDeliveryLeavesItsEventsToAnotherAfterTheLease() throws Exception {
        Node a = node("node-a");
        Node b = node("node-b");
        Node c = node("node-c");
        CountDownLatch hold = receiver.hold();
        a.sender().start();
        int rooms = 10;
        int perRoom = 5;
        List<CallbackOutbox.NewEvent> events = new ArrayList<>();
        for (int i = 0; i < perRoom; i++) {
            for (int room = 0; room < rooms; room++) {
                events.add(event("r" + room, i, "node-a"));
            }
        }
        a.outbox().append(events);
        a.sender().wake();
        // Node a attempts as many rooms' first events as it may at once; the receiver keeps them waiting.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receiver.arrivals().size() < CONFIG.maxConcurrent() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        List<Arrival> held = receiver.arrivals();
        assertThat(held).hasSize(CONFIG.maxConcurrent());

        // Node a stops abruptly: its database connections go first, so it records nothing and releases nothing.
        a.store().close();
        a.sender().close();
        nodes.remove(a);
        try (Connection connection = postgres.admin(); Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT COUNT(*) FROM " + postgres.schema()
                     + ".callback_outbox WHERE claimed_by = 'node-a' AND state = 'pending'")) {
            rows.next();
            assertThat(rows.getInt(1)).as("node a's claims left in the outbox").isEqualTo(held.size());
        }
        hold.countDown();
        long others = System.nanoTime();
        b.sender().start();
        c.sender().start();

        awaitNothingPending(b.outbox(), LEASE.plusSeconds(30));
        List<Arrival> arrivals = receiver.arrivals();
        Set<String> heldIds = held.stream().map(Arrival::eventId).collect(Collectors.toSet());
        Map<String, List<Arrival>> byEvent = arrivals.stream().collect(Collectors.groupingBy(Arrival::eventId));
        assertThat(byEvent).hasSize(rooms * perRoom);
        long earliestHeld = held.stream().mapToLong(Arrival::atNanos).min().orElseThrow();
        for (Map.Entry<String, List<Arrival>> each : byEvent.entrySet()) {
            List<Arrival> tries = each.getValue();
            if (heldIds.contains(each.getKey())) {
                // Sent again only once node a's claim had run out (it was taken just before the first try).
                assertThat(tries).hasSize(2);
                long waited = tries.get(1).atNanos() - tries.get(0).atNanos();
                assertThat(waited).as("event %s sent again after %d ms", each.getKey(), waited / 1_000_000)
                        .isGreaterThanOrEqualTo(LEASE.toNanos() - TimeUnit.MILLISECONDS.toNanos(250))
                        .isLessThan(LEASE.toNanos() + TimeUnit.SECONDS.toNanos(10));
            } else {
                assertThat(tries).as("event %s", each.getKey()).hasSize(1);
            }
        }
        // The rooms node a did not hold went on at once, without waiting for its lease.
        Set<String> heldRooms = held.stream().map(Arrival::room).collect(Collectors.toSet());
        for (int room = 0; room < rooms; room++) {
            String key = "r" + room;
            if (!heldRooms.contains(key)) {
                long first = arrivals.stream().filter(x -> x.room().equals(key)).mapToLong(Arrival::atNanos)
                        .min().orElseThrow();
                assertThat(first).as("room %s started at once", key).isGreaterThan(others)
                        .isLessThan(earliestHeld + LEASE.toNanos());
            }
        }
        // Ordered per room by first arrival: a room's next event only after its held one was delivered.
        List<Arrival> firsts = byEvent.values().stream().map(tries -> tries.get(0))
                .sorted(Comparator.comparingLong(Arrival::atNanos)).toList();
        assertArrivalOrderIsOutboxOrder(firsts);
        for (String room : heldRooms) {
            long redelivered = byEvent.entrySet().stream().filter(e -> heldIds.contains(e.getKey()))
                    .map(e -> e.getValue().get(1)).filter(x -> x.room().equals(room)).findFirst().orElseThrow()
                    .atNanos();
            assertThat(arrivals.stream().filter(x -> x.room().equals(room) && x.index() > 0))
                    .allSatisfy(later -> assertThat(later.atNanos()).isGreaterThan(redelivered));
        }
        assertThat(receiver.overlaps.get()).isZero();
    }

    /** Within each room, arrivals follow the outbox's seq order exactly. */
    private void assertArrivalOrderIsOutboxOrder(List<Arrival> arrivals) {
        List<CallbackOutbox.Entry> stored = new ArrayList<>(nodes.get(0).outbox().list(app, false, Long.MAX_VALUE,
                100_000));
        stored.sort(Comparator.comparingLong(CallbackOutbox.Entry::seq));
        Map<String, List<String>> expected = stored.stream().collect(Collectors.groupingBy(
                CallbackOutbox.Entry::roomKey, Collectors.mapping(CallbackOutbox.Entry::eventId, Collectors.toList())));
        Map<String, List<String>> actual = arrivals.stream().collect(Collectors.groupingBy(Arrival::room,
                Collectors.mapping(Arrival::eventId, Collectors.toList())));
        assertThat(actual).isEqualTo(expected);
    }

    private static void awaitNothingPending(CallbackOutbox outbox, Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (outbox.pendingCount() > 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(outbox.pendingCount()).as("events still pending after %s", within).isZero();
    }

    /**
     * An HTTP receiver on loopback (the JDK's server, many threads): logs each request's event and notices a room
     * whose request arrives while another of the same room is still being answered.
     */
    private static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService threads = Executors.newFixedThreadPool(32);
        private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
        private final Map<String, AtomicInteger> answering = new ConcurrentHashMap<>();
        final AtomicInteger overlaps = new AtomicInteger();
        private volatile CountDownLatch hold;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(threads);
            server.createContext("/trtc/callback", exchange -> {
                try (exchange) {
                    JsonNode body = JSON.readTree(exchange.getRequestBody());
                    JsonNode info = body.get("EventInfo");
                    String room = info.get("RoomKey").asText();
                    AtomicInteger inRoom = answering.computeIfAbsent(room, key -> new AtomicInteger());
                    if (inRoom.getAndIncrement() > 0) {
                        overlaps.incrementAndGet();
                    }
                    try {
                        arrivals.add(new Arrival(body.get("EventId").asText(), room, info.get("Index").asInt(),
                                System.nanoTime()));
                        CountDownLatch waitFor = hold;
                        if (waitFor != null) {
                            waitFor.await(30, TimeUnit.SECONDS);
                        } else {
                            // Long enough for a second attempt of the room, were one made, to overlap.
                            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 4));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        inRoom.decrementAndGet();
                    }
                    exchange.sendResponseHeaders(200, -1);
                } catch (IOException e) {
                    // The sender gave up on this request (its timeout); nothing to answer.
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/trtc/callback";
        }

        /** From now on requests wait until the latch is counted down. */
        CountDownLatch hold() {
            CountDownLatch latch = new CountDownLatch(1);
            hold = latch;
            return latch;
        }

        List<Arrival> arrivals() {
            return List.copyOf(arrivals);
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
