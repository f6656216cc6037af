package io.lianmai.server.signal;

import static io.lianmai.server.signal.SignalClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 findings 5, 6 and 9 on {@code /ws}: sockets that never enter are closed, a member that stops reading is
 * dropped instead of buffered, every request is rate-limited, one address holds a bounded number of sockets, and
 * a resume token works once and never takes over a live socket.
 */
class SignallingLimitsIT {

    @Test
    void aSocketThatDoesNotEnterIsClosedAfterTheTimeoutAndOneThatEnteredIsNot() {
        try (TestServer server = TestServer.start(Map.of("signal.enterTimeoutSeconds", "1"));
                SignalClient idle = SignalClient.connect(server);
                SignalClient member = SignalClient.connect(server)) {
            member.enter(server, "member", "enter-timeout", null);
            member.autoHeartbeat(Duration.ofMillis(500));
            long start = System.nanoTime();
            assertThat(idle.awaitClose()).isEqualTo(1008);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4000L);
            assertThat(member.isClosed()).isFalse();
            // Leaving starts the clock again.
            member.ok("leave", data());
            assertThat(member.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void aMemberThatStopsReadingIsDroppedWhileItsRoomChats() throws Exception {
        try (TestServer server = TestServer.start(Map.of("signal.maxQueuedBytes", "65536",
                "signal.heartbeatIntervalMs", "30000", "room.resumeGraceSeconds", "1",
                "signal.maxSocketsPerIp", "20"))) {
            String room = "slow-reader";
            List<SignalClient> chatters = new ArrayList<>();
            try (SlowSocket slow = SlowSocket.open(server);
                    SignalClient observer = SignalClient.connect(server)) {
                observer.enter(server, "observer", room, null);
                slow.send(SignalClient.JSON.createObjectNode().put("v", 1).put("type", "request").put("id", 1)
                        .put("action", "enter").set("data", SignalClient.enterData(server, "sloth", room, null))
                        .toString());
                observer.awaitEvent("userJoin", "sloth");
                for (int i = 0; i < 8; i++) {
                    SignalClient chatter = SignalClient.connect(server);
                    chatters.add(chatter);
                    chatter.enter(server, "chatter" + i, room, null);
                }
                // Each chatter sends 25 custom messages of 1000 bytes a second: the room sends the sloth about
                // 200 KB a second, which it never reads (its 4 KiB receive window keeps the kernel buffers small).
                String text = "x".repeat(1000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                boolean left = false;
                long sent = 0;
                while (!left && System.nanoTime() < deadline) {
                    for (SignalClient chatter : chatters) {
                        chatter.sendRaw("{\"v\":1,\"type\":\"request\",\"id\":" + ThreadLocalRandom.current()
                                .nextLong(1, Long.MAX_VALUE) + ",\"action\":\"message\",\"data\":{\"cmdID\":1,"
                                + "\"data\":\"" + text + "\"}}");
                        sent += text.length();
                    }
                    Thread.sleep(40);
                    left = observer.events().stream().anyMatch(event -> event.path("event").asText()
                            .equals("userLeave") && event.path("data").path("userID").asText().equals("sloth"));
                }
                JsonNode leave = observer.awaitEvent("userLeave", "sloth");
                assertThat(leave.path("reason").asText()).isEqualTo("timeout");
                // The chatters and the observer were not harmed.
                assertThat(chatters).noneMatch(SignalClient::isClosed);
                assertThat(observer.isClosed()).isFalse();
                // The server closed the sloth's connection: once it reads, it reaches the end of the stream.
                assertThat(slow.drainUntilClosed(15)).isTrue();
                assertThat(sent).isGreaterThan(65536);
            } finally {
                chatters.forEach(SignalClient::close);
            }
        }
    }

    @Test
    void aFloodOfRequestsGetsRateLimitErrorsThenTheSocketIsClosed() {
        try (TestServer server = TestServer.start(Map.of("signal.commandsPerSecond", "5",
                "signal.commandBurst", "10"));
                SignalClient flooder = SignalClient.connect(server);
                SignalClient neighbour = SignalClient.connect(server)) {
            neighbour.enter(server, "neighbour", "flood", null);
            flooder.enter(server, "flooder", "flood", null);
            // The burst is spent by the enter and a few heartbeats; then errors.
            int ok = 0;
            JsonNode refused = null;
            for (int i = 0; i < 12 && refused == null; i++) {
                JsonNode response = flooder.request("heartbeat", data());
                if (response.path("ok").asBoolean()) {
                    ok++;
                } else {
                    refused = response.path("error");
                }
            }
            assertThat(ok).isBetween(5, 10);
            assertThat(refused).isNotNull();
            assertThat(refused.path("code").asInt()).isEqualTo(-1201);
            assertThat(refused.path("message").asText()).contains("too many requests");
            // Keeping on flooding closes the socket.
            for (int i = 0; i < 30 && !flooder.isClosed(); i++) {
                flooder.sendRaw("{\"v\":1,\"type\":\"request\",\"id\":" + (1000 + i) + ",\"action\":\"heartbeat\"}");
            }
            assertThat(flooder.awaitClose()).isEqualTo(1008);
            // Its neighbour in the room is unaffected.
            neighbour.ok("heartbeat", data());
        }
    }

    @Test
    void oneAddressHoldsAtMostTheConfiguredSockets() {
        try (TestServer server = TestServer.start(Map.of("signal.maxSocketsPerIp", "3"))) {
            List<SignalClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(SignalClient.connect(server));
                }
                URI uri = URI.create(server.url("/ws").toString().replace("http://", "ws://"));
                assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(uri, new WebSocket.Listener() { }).orTimeout(10, TimeUnit.SECONDS).join())
                        .isInstanceOf(CompletionException.class)
                        .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                                e -> assertThat(e.getResponse().statusCode()).isEqualTo(503));
                held.get(0).enter(server, "held", "per-ip", null);
            } finally {
                held.forEach(SignalClient::close);
            }
            // Closed sockets free their places.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try (SignalClient again = SignalClient.connect(server)) {
                    again.enter(server, "again", "per-ip", null);
                    break;
                } catch (CompletionException | AssertionError e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        }
    }

    @Test
    void aResumeTokenWorksOnceAndNeverTakesOverALiveSocket() throws Exception {
        try (TestServer server = TestServer.start(Map.of("signal.heartbeatIntervalMs", "1000",
                "room.resumeGraceSeconds", "5"));
                SignalClient owner = SignalClient.connect(server);
                SignalClient thief = SignalClient.connect(server)) {
            String token = owner.enter(server, "owner", "tokens", null).path("sessionToken").asText();
            owner.autoHeartbeat(Duration.ofMillis(200));
            thief.autoHeartbeat(Duration.ofMillis(200));
            // While the owner heartbeats, its token cannot take the membership over.
            Thread.sleep(2500);
            thief.error("resume", data().put("sessionToken", token), -1202);
            assertThat(owner.isClosed()).isFalse();
            owner.ok("message", data().put("cmdID", 1).put("data", "still mine"));

            // The owner's network goes away without the server noticing (it stops sending); once it has not been
            // heard for two heartbeat intervals (before the server's own three-interval silence timeout) a resume
            // takes over, with a new token, and the old one is dead. The resume is retried while refused as "alive",
            // so it takes over as soon as it may rather than after a guessed pause.
            owner.stopSending();
            try (SignalClient back = SignalClient.connect(server)) {
                JsonNode[] answer = {null};
                Await.until("a resume takes the silent owner's membership over", Duration.ofSeconds(15), () -> {
                    answer[0] = back.request("resume", data().put("sessionToken", token));
                    if (answer[0].path("ok").asBoolean() || answer[0].path("error").path("code").asInt() != -1202) {
                        return true;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // within the command rate limit
                    return false;
                }, () -> answer[0]);
                assertThat(answer[0].path("ok").asBoolean()).as("resume → %s", answer[0]).isTrue();
                JsonNode resumed = answer[0].path("data");
                String rotated = resumed.path("sessionToken").asText();
                assertThat(rotated).hasSize(32).isNotEqualTo(token);
                thief.error("resume", data().put("sessionToken", token), -1);
                assertThat(owner.awaitClose()).as("closed for the resume (1000), not for silence (1001)")
                        .isEqualTo(1000);
            }
        }
    }

    /**
     * A WebSocket client over a plain socket with a tiny receive buffer that reads nothing after its handshake: a
     * member whose app stopped reading its socket.
     */
    private static final class SlowSocket implements AutoCloseable {
        private final Socket socket;

        private SlowSocket(Socket socket) {
            this.socket = socket;
        }

        static SlowSocket open(TestServer server) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.server().httpPort()), 5000);
            socket.setSoTimeout(200);
            String key = Base64.getEncoder().encodeToString(new byte[16]);
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!head.toString().endsWith("\r\n\r\n")) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no upgrade response: " + head);
                }
                try {
                    int b = in.read();
                    if (b < 0) {
                        throw new IOException("closed during the upgrade: " + head);
                    }
                    head.append((char) b);
                } catch (SocketTimeoutException e) {
                    // keep waiting
                }
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade refused: " + head);
            }
            return new SlowSocket(socket);
        }

        /** Sends one masked text frame (RFC 6455 section 5.2). */
        void send(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(0x81);
            if (payload.length < 126) {
                out.write(0x80 | payload.length);
            } else {
                out.write(0x80 | 126);
                out.write(payload.length >>> 8);
                out.write(payload.length & 0xFF);
            }
            byte[] mask = {1, 2, 3, 4};
            out.write(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i % 4]);
            }
            out.flush();
        }

        /** Reads and discards until the server's end of stream; false if it is not reached in time. */
        boolean drainUntilClosed(int seconds) throws IOException {
            byte[] buffer = new byte[65536];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                try {
                    if (socket.getInputStream().read(buffer) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // keep reading
                } catch (SocketException e) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
