package io.lianmai.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Janus's signalling: the VideoRoom plugin over Janus's HTTP API, one session and handle per simulated client, as
 * the VideoRoom demo page speaks it.
 *
 * <ul>
 *   <li>Each scenario room is created once through the API ({@link JanusApi#createRoom}) and destroyed at the end.
 *   <li>A publisher sends {@code joinandconfigure} with its offer; Janus's answer comes as an event (long-poll
 *       {@code GET /janus/{session}?maxev=1}), with the feed id its players join.
 *   <li>A player sends {@code join} as a subscriber of that feed (retrying 428 "No such feed" until its deadline);
 *       Janus's offer comes as an event; the player answers with {@code start} and its SDP answer
 *       ({@link SimulatedPeer#answer}).
 *   <li>Every session gets a keepalive every {@link #KEEPALIVE_SECONDS} s and is destroyed when the run leaves.
 * </ul>
 *
 * <p>Threads: the join flows block on HTTP and run on {@link #JOIN_THREADS} threads of their own (joins beyond
 * that wait their turn, and the wait counts in their join time, as a busy page's would); keepalives on one
 * scheduler thread. Every request has a timeout and every flow a deadline of {@code timeout}.
 */
final class JanusSignalling implements Signalling {
    static final long KEEPALIVE_SECONDS = 25;
    private static final int JOIN_THREADS = 16;
    /** Room for every publisher a meeting of this generator has. */
    private static final int PUBLISHERS_PER_ROOM = 100;
    private static final long RETRY_MILLIS = 100;
    /** Janus answers a long poll with a keepalive after 30 s; wait a little longer than that. */
    private static final Duration LONG_POLL = Duration.ofSeconds(35);

    private final URI api;
    private final HttpClient http;
    private final String videoCodec;
    private final Duration timeout;
    private final Consumer<String> log;
    private final ExecutorService joins;
    private final ScheduledExecutorService keepalives;
    private final AtomicLong transactions = new AtomicLong();
    private final Map<SimulatedPeer, Long> sessions = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> rooms = new ConcurrentHashMap<>();
    /** Publisher feed ids by "room/stream". */
    private final Map<String, Long> feeds = new ConcurrentHashMap<>();
    private volatile long adminSession;
    private volatile long adminHandle;

    /**
     * @param api Janus's API root, e.g. {@code http://127.0.0.1:8088/janus}
     * @param videoCodec the rooms' video codec: {@code h264} or {@code vp8}
     * @param timeout how long one join may take, and each request
     */
    JanusSignalling(URI api, HttpClient http, String videoCodec, Duration timeout, Consumer<String> log) {
        this.api = URI.create(api.toString().replaceAll("/+$", ""));
        this.http = http;
        this.videoCodec = videoCodec;
        this.timeout = timeout;
        this.log = log;
        this.joins = Executors.newFixedThreadPool(JOIN_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "bench-janus-join");
            thread.setDaemon(true);
            return thread;
        });
        this.keepalives = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bench-janus-keepalive");
            thread.setDaemon(true);
            return thread;
        });
        keepalives.scheduleAtFixedRate(this::keepAlive, KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void publish(PublisherPeer peer, Scenario.Publisher publisher) {
        peer.joinStartNanos = System.nanoTime();
        run(peer, () -> {
            peer.bind();
            String offer = peer.offer();
            room(publisher.roomId());
            long[] ids = attach(peer);
            String tx = transaction();
            JanusApi.accepted(post(handleUri(ids), JanusApi.message(tx,
                    JanusApi.joinPublisher(publisher.roomId(), publisher.userId()), "offer", offer)));
            JanusApi.PluginEvent joined = JanusApi.pluginEvent(awaitEvent(ids[0], tx, deadline(peer)));
            if (!"answer".equals(joined.jsepType()) || joined.id() == 0) {
                throw new JanusException("Janus's reply to joinandconfigure has no answer or feed id: "
                        + joined);
            }
            feeds.put(key(publisher.roomId(), publisher.streamId()), joined.id());
            peer.onAnswer(joined.sdp());
        });
    }

    @Override
    public void subscribe(SubscriberPeer peer, Scenario.Subscription subscription) {
        peer.joinStartNanos = System.nanoTime();
        run(peer, () -> {
            Long feed = feeds.get(key(subscription.roomId(), subscription.streamId()));
            if (feed == null) {
                throw new JanusException("no Janus feed for " + subscription.streamId() + " (its publisher did not "
                        + "join)");
            }
            long[] ids = attach(peer);
            long deadline = deadline(peer);
            JanusApi.PluginEvent attached;
            while (true) {
                String tx = transaction();
                try {
                    JanusApi.accepted(post(handleUri(ids), JanusApi.message(tx,
                            JanusApi.joinSubscriber(subscription.roomId(), feed), null, null)));
                    attached = JanusApi.pluginEvent(awaitEvent(ids[0], tx, deadline));
                    break;
                } catch (JanusException e) {
                    if (e.code() != JanusApi.NO_SUCH_FEED || System.nanoTime() + RETRY_MILLIS * 1_000_000 > deadline) {
                        throw e;
                    }
                    Thread.sleep(RETRY_MILLIS);
                }
            }
            if (!"offer".equals(attached.jsepType())) {
                throw new JanusException("Janus's reply to the subscriber join has no offer: " + attached);
            }
            String answer = peer.answer(attached.sdp());
            if (answer == null) {
                return; // the peer failed and says why
            }
            String tx = transaction();
            JanusApi.accepted(post(handleUri(ids), JanusApi.message(tx, JanusApi.start(), "answer", answer)));
            JanusApi.pluginEvent(awaitEvent(ids[0], tx, deadline));
        });
    }

    /** A join flow; any failure fails the peer with its reason. */
    private void run(SimulatedPeer peer, Flow flow) {
        joins.execute(() -> {
            try {
                flow.run();
            } catch (JanusException | IOException | IllegalStateException e) {
                peer.fail("Janus: " + e.getMessage());
            } catch (InterruptedException e) {
                peer.fail("Janus: interrupted");
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                peer.fail("Janus: " + e); // a bug here: keep the exception's type in the reason
            }
        });
    }

    private interface Flow {
        void run() throws IOException, InterruptedException;
    }

    private long deadline(SimulatedPeer peer) {
        return peer.joinStartNanos + timeout.toNanos();
    }

    /** A new session with a VideoRoom handle for {@code peer}: {session, handle}. */
    private long[] attach(SimulatedPeer peer) throws IOException, InterruptedException {
        long session = JanusApi.successId(post(api, JanusApi.create(transaction())));
        sessions.put(peer, session);
        long handle = JanusApi.successId(post(sessionUri(session), JanusApi.attach(transaction())));
        return new long[] {session, handle};
    }

    /** Creates {@code room} once (an existing one is used as it is); callers wait up to the timeout. */
    private void room(long room) throws IOException, InterruptedException {
        CompletableFuture<Void> created = new CompletableFuture<>();
        CompletableFuture<Void> existing = rooms.putIfAbsent(room, created);
        if (existing != null) {
            try {
                existing.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                throw new JanusException("room " + room + " could not be created: " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                throw new JanusException("room " + room + " was not created within " + timeout.toSeconds() + " s");
            }
        }
        try {
            synchronized (this) {
                if (adminSession == 0) {
                    long session = JanusApi.successId(post(api, JanusApi.create(transaction())));
                    adminHandle = JanusApi.successId(post(sessionUri(session), JanusApi.attach(transaction())));
                    adminSession = session;
                }
            }
            try {
                JanusApi.accepted(post(handleUri(new long[] {adminSession, adminHandle}), JanusApi.message(
                        transaction(), JanusApi.createRoom(room, PUBLISHERS_PER_ROOM, videoCodec), null, null)));
            } catch (JanusException e) {
                if (e.code() != JanusApi.ROOM_EXISTS) {
                    throw e;
                }
            }
            created.complete(null);
        } catch (IOException | RuntimeException | InterruptedException e) {
            created.completeExceptionally(e);
            throw e;
        }
    }

    /** Long-polls {@code session}'s events until the one for {@code transaction}; others are skipped. */
    private JsonNode awaitEvent(long session, String transaction, long deadlineNanos)
            throws IOException, InterruptedException {
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new JanusException("no Janus event for transaction " + transaction + " within the "
                        + timeout.toSeconds() + " s join timeout");
            }
            Duration wait = Duration.ofNanos(Math.min(left, LONG_POLL.toNanos()));
            HttpRequest request = HttpRequest.newBuilder(URI.create(sessionUri(session) + "?maxev=1&rid="
                    + System.nanoTime())).timeout(wait).GET().build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) {
                continue; // the deadline decides
            }
            JsonNode event = JanusApi.reply(body(response));
            if (event.path("janus").asText().equals("event") && transaction.equals(event.path("transaction")
                    .asText())) {
                return event;
            }
        }
    }

    private JsonNode post(URI uri, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return JanusApi.reply(body(http.send(request, HttpResponse.BodyHandlers.ofString())));
    }

    private static String body(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new JanusException("Janus answered HTTP " + response.statusCode() + ": "
                    + JanusApi.quote(response.body()));
        }
        return response.body();
    }

    private URI sessionUri(long session) {
        return URI.create(api + "/" + session);
    }

    private URI handleUri(long[] ids) {
        return URI.create(api + "/" + ids[0] + "/" + ids[1]);
    }

    private String transaction() {
        return "lm" + transactions.incrementAndGet();
    }

    private static String key(long room, String stream) {
        return room + "/" + stream;
    }

    private void keepAlive() {
        List<Long> all = new ArrayList<>(sessions.values());
        if (adminSession != 0) {
            all.add(adminSession);
        }
        for (long session : all) {
            http.sendAsync(HttpRequest.newBuilder(sessionUri(session)).timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(JanusApi.keepalive(transaction()))).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    /** Destroys the sessions of {@code peers} (waits up to 15 s). */
    @Override
    public void leave(List<? extends SimulatedPeer> peers) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (SimulatedPeer peer : peers) {
            Long session = sessions.remove(peer);
            if (session != null) {
                pending.add(destroy(session));
            }
        }
        awaitAll(pending, "some Janus sessions could not be destroyed");
    }

    private CompletableFuture<?> destroy(long session) {
        return http.sendAsync(HttpRequest.newBuilder(sessionUri(session)).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(JanusApi.destroy(transaction()))).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private void awaitAll(List<CompletableFuture<?>> pending, String failure) {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.accept(failure + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the joins and keepalives, destroys the rooms created and what sessions are left. */
    @Override
    public void close() {
        joins.shutdownNow();
        keepalives.shutdownNow();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        if (adminSession != 0) {
            for (long room : rooms.keySet()) {
                pending.add(http.sendAsync(HttpRequest.newBuilder(handleUri(new long[] {adminSession, adminHandle}))
                        .timeout(timeout).POST(HttpRequest.BodyPublishers.ofString(JanusApi.message(transaction(),
                                JanusApi.destroyRoom(room), null, null))).build(),
                        HttpResponse.BodyHandlers.discarding()));
            }
        }
        awaitAll(pending, "some Janus rooms could not be destroyed");
        pending.clear();
        for (long session : sessions.values()) {
            pending.add(destroy(session));
        }
        sessions.clear();
        if (adminSession != 0) {
            pending.add(destroy(adminSession));
        }
        awaitAll(pending, "some Janus sessions could not be destroyed");
    }
}
