package io.lianmai.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** A protocol-level signalling client over {@link java.net.http.WebSocket}; every wait has a deadline. */
public final class SignalClient implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, CompletableFuture<JsonNode>> responses = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private ScheduledExecutorService heartbeats;

    private SignalClient(URI uri) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(DEADLINE)
                .buildAsync(uri, new Listener())
                .orTimeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .join();
    }

    public static SignalClient connect(TestServer server) {
        return connect(URI.create(server.url("/ws").toString().replace("http://", "ws://")));
    }

    /** Connects to the signalling socket at {@code uri} ({@code ws://host:port/ws}), of a server in any process. */
    public static SignalClient connect(URI uri) {
        return new SignalClient(uri);
    }

    /** Sends a request and returns the whole response frame. */
    public JsonNode request(String action, ObjectNode data) {
        return send(action, data).orTimeout(DEADLINE.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Sends a request without waiting for its answer: the whole response frame, when it comes. */
    public CompletableFuture<JsonNode> send(String action, ObjectNode data) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        responses.put(id, response);
        ObjectNode frame = JSON.createObjectNode().put("v", 1).put("type", "request").put("id", id)
                .put("action", action);
        frame.set("data", data);
        sendRaw(frame.toString());
        return response;
    }

    /** Sends a request that must succeed; returns its {@code data}. */
    public JsonNode ok(String action, ObjectNode data) {
        JsonNode response = request(action, data);
        assertThat(response.path("ok").asBoolean()).as("%s → %s", action, response).isTrue();
        return response.path("data");
    }

    /** Sends a request that must fail with {@code code}; returns the error. */
    public JsonNode error(String action, ObjectNode data, int code) {
        JsonNode response = request(action, data);
        assertThat(response.path("ok").asBoolean()).as("%s → %s", action, response).isFalse();
        assertThat(response.path("error").path("code").asInt()).as("%s → %s", action, response).isEqualTo(code);
        return response.path("error");
    }

    public JsonNode enter(TestServer server, String userId, String room, ObjectNode extra) {
        return ok("enter", enterData(server, userId, room, extra));
    }

    public static ObjectNode enterData(TestServer server, String userId, String room, ObjectNode extra) {
        ObjectNode data = JSON.createObjectNode().put("sdkAppID", server.sdkAppId()).put("userID", userId)
                .put("userSig", server.userSig(userId));
        if (room.chars().allMatch(Character::isDigit)) {
            data.put("roomID", Long.parseLong(room));
        } else {
            data.put("strRoomID", room);
        }
        if (extra != null) {
            data.setAll(extra);
        }
        return data;
    }

    public static ObjectNode data() {
        return JSON.createObjectNode();
    }

    public synchronized void sendRaw(String text) {
        socket.sendText(text, true).orTimeout(DEADLINE.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Waits for an event of {@code name} whose data matches, and consumes it with the events before it. */
    public JsonNode awaitEvent(String name, Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        synchronized (events) {
            while (true) {
                for (int i = 0; i < events.size(); i++) {
                    JsonNode event = events.get(i);
                    if (event.path("event").asText().equals(name) && matching.test(event.path("data"))) {
                        events.subList(0, i + 1).clear();
                        return event.path("data");
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no event " + name + " within " + DEADLINE + "; got " + events);
                }
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    public JsonNode awaitEvent(String name, String userId) {
        return awaitEvent(name, data -> data.path("userID").asText().equals(userId));
    }

    /** The events received and not yet consumed. */
    public List<JsonNode> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Waits for the server to close the socket; returns the close code. */
    public int awaitClose() {
        return closed.orTimeout(DEADLINE.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Sends a heartbeat every {@code interval} without waiting for answers. */
    public void autoHeartbeat(Duration interval) {
        heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeats.scheduleAtFixedRate(() -> {
            if (!closed.isDone()) {
                sendRaw("{\"v\":1,\"type\":\"request\",\"id\":" + ids.incrementAndGet()
                        + ",\"action\":\"heartbeat\"}");
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the heartbeats, leaving the socket open: a client whose network went away unnoticed. */
    public void stopSending() {
        stopHeartbeats();
    }

    /** Drops the TCP connection without a close handshake, as a network change does. */
    public void abort() {
        stopHeartbeats();
        socket.abort();
    }

    private void stopHeartbeats() {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
    }

    @Override
    public void close() {
        stopHeartbeats();
        if (!closed.isDone()) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode frame = JSON.readTree(text);
                    if (frame.path("type").asText().equals("response")) {
                        CompletableFuture<JsonNode> waiting = responses.remove(frame.path("id").asLong());
                        if (waiting != null) {
                            waiting.complete(frame);
                        }
                    } else {
                        synchronized (events) {
                            events.add(frame);
                            events.notifyAll();
                        }
                    }
                } catch (Exception e) {
                    closed.completeExceptionally(e);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
