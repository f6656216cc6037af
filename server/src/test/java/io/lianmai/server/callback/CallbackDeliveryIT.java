package io.lianmai.server.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.cli.CliContext;
import io.lianmai.server.cli.LianmaiCommand;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.JdbcAppStore;
import io.lianmai.store.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery guarantees end to end, with real processes: a server in its own JVM posting to a receiver process
 * (Python) that fails some first attempts with 500, answers some too late, and is killed and restarted; the server is
 * killed with SIGKILL while events are pending and a new one started on the same database. In the end every event
 * the outbox holds reached the receiver, none out of order within its room, every post signed, every id unique, and
 * the members the crash left in their rooms got their exits and their rooms the dismissals.
 */
class CallbackDeliveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "k3yForTests0123456789";
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(90);
    private static final Map<String, String> FAST_RETRIES = Map.of(
            "apps.createDefault", "false",
            "apps.refreshSeconds", "1",
            "callbacks.allowPrivateTargets", "true",
            "callbacks.timeoutMillis", "700",
            "callbacks.retryInitialMillis", "100",
            "callbacks.retryMaxSeconds", "1",
            "callbacks.pollMillis", "50",
            "callbacks.maxConcurrent", "4");

    @TempDir
    Path dir;

    @Test
    void nothingIsLostOrReorderedThroughAFlakyReceiverAndAKilledServer() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        try (CallbackReceiver receiver = CallbackReceiver.start(dir, "flaky", 1.5)) {
            String created = cli("app", "create", "--name", "callbacks", "--data-dir", data.toString());
            SdkAppId app = new SdkAppId(Long.parseLong(field(created, "SDKAppID")));
            UserSigSigner signer = new UserSigSigner(app, field(created, "SecretKey"), Clock.systemUTC());
            cli("app", "set", "--sdkappid", app.toString(), "--callback-url", receiver.url(), "--callback-key", KEY,
                    "--data-dir", data.toString(), "--set", "callbacks.allowPrivateTargets=true");

            Set<String> stayed = new HashSet<>();
            try (ChildServer first = ChildServer.start(data, log, FAST_RETRIES)) {
                // Round one: three rooms, members come and go while the receiver fails and stalls.
                for (int round = 0; round < 2; round++) {
                    for (int room = 1; room <= 3; room++) {
                        comeAndGo(first, signer, app, room, List.of("a" + round, "b" + round, "c" + round));
                    }
                }
                // The receiver goes down: events pile up as pending. Members of rooms 4 and 5 stay in.
                receiver.kill();
                List<SignalClient> staying = new ArrayList<>();
                for (int room = 4; room <= 5; room++) {
                    for (String user : List.of("x", "y")) {
                        SignalClient client = SignalClient.connect(first.signalling());
                        client.ok("enter", enterData(signer, app, room, user));
                        staying.add(client);
                        stayed.add(room + "/" + user);
                    }
                }
                comeAndGo(first, signer, app, 6, List.of("p", "q"));
                // kill -9 once the outbox holds room 6's dismissal: everything so far is durable.
                awaitOutbox(data, app, entries -> entries.stream().anyMatch(e -> e.roomKey().equals("r6")
                        && e.type() == CallbackEvent.DISMISS_ROOM));
                first.kill9();
                for (SignalClient client : staying) {
                    client.close();
                }
            }
            assertThat(pending(data, app)).as("events pending at the crash").isNotEmpty();

            receiver.restart();
            try (ChildServer second = ChildServer.start(data, log, FAST_RETRIES)) {
                comeAndGo(second, signer, app, 7, List.of("late"));
                awaitOutbox(data, app, entries -> entries.stream().anyMatch(e -> e.roomKey().equals("r7")
                        && e.type() == CallbackEvent.DISMISS_ROOM)
                        && entries.stream().allMatch(e -> e.state() != CallbackOutbox.State.PENDING));
                second.stop();
            }

            List<CallbackOutbox.Entry> outbox = outbox(data, app);
            List<JsonNode> requests = receiver.requests();
            assertEverythingDeliveredInOrder(outbox, requests);
            assertSigned(requests, app);
            // The crash left x and y in rooms 4 and 5: the next start recorded their exits (timeout) and dismissals.
            for (String member : stayed) {
                String room = "r" + member.substring(0, member.indexOf('/'));
                String user = member.substring(member.indexOf('/') + 1);
                assertThat(outbox).as("exit of %s", member).anyMatch(e -> e.roomKey().equals(room)
                        && e.type() == CallbackEvent.EXIT_ROOM && e.eventInfo().contains("\"UserId\":\"" + user + "\"")
                        && e.eventInfo().contains("\"Reason\":2"));
            }
            for (String room : List.of("r4", "r5")) {
                assertThat(outbox).as("dismissal of %s", room)
                        .anyMatch(e -> e.roomKey().equals(room) && e.type() == CallbackEvent.DISMISS_ROOM);
            }
            assertThat(requests).as("the receiver saw failures, slow answers and retries")
                    .anyMatch(r -> r.path("status").asInt() == 500)
                    .anyMatch(r -> r.path("slow").asBoolean())
                    .anyMatch(r -> r.path("attempt").asInt() > 1);
        }
    }

    /** Every outbox event delivered, received, and first received in outbox order within its room; ids unique. */
    private static void assertEverythingDeliveredInOrder(List<CallbackOutbox.Entry> outbox, List<JsonNode> requests)
            throws Exception {
        assertThat(outbox).isNotEmpty();
        assertThat(outbox).allSatisfy(e -> assertThat(e.state()).as("%s (%s)", e.eventId(), e.lastError())
                .isEqualTo(CallbackOutbox.State.DELIVERED));
        assertThat(outbox).extracting(CallbackOutbox.Entry::eventId).doesNotHaveDuplicates();

        Map<String, List<String>> expected = new LinkedHashMap<>();
        outbox.stream().sorted((a, b) -> Long.compare(a.seq(), b.seq()))
                .forEach(e -> expected.computeIfAbsent(e.roomKey(), k -> new ArrayList<>()).add(e.eventId()));
        Map<String, LinkedHashSet<String>> firstArrivals = new HashMap<>();
        Set<String> accepted = new HashSet<>();
        for (JsonNode request : requests) {
            JsonNode body = JSON.readTree(request.path("body").asText());
            String eventId = body.path("EventId").asText();
            assertThat(request.path("eventIdHeader").asText()).isEqualTo(eventId);
            JsonNode roomId = body.path("EventInfo").path("RoomId");
            String room = roomId.isNumber() ? "r" + roomId.asLong() : "s:" + roomId.asText();
            firstArrivals.computeIfAbsent(room, k -> new LinkedHashSet<>()).add(eventId);
            if (request.path("status").asInt() == 200) {
                accepted.add(eventId);
            }
        }
        for (Map.Entry<String, List<String>> room : expected.entrySet()) {
            assertThat(new ArrayList<>(firstArrivals.getOrDefault(room.getKey(), new LinkedHashSet<>())))
                    .as("events of room %s in order of first arrival", room.getKey())
                    .containsExactlyElementsOf(room.getValue());
        }
        assertThat(accepted).as("every event answered 200 at least once")
                .containsAll(outbox.stream().map(CallbackOutbox.Entry::eventId).toList());
    }

    private static void assertSigned(List<JsonNode> requests, SdkAppId app) {
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.path("sdkAppId").asText()).isEqualTo(app.toString());
            assertThat(request.path("contentType").asText()).isEqualTo("application/json");
            assertThat(request.path("sign").asText()).isEqualTo(CallbackSignature.sign(KEY,
                    request.path("body").asText().getBytes(StandardCharsets.UTF_8)));
        });
    }

    /** Members enter room {@code room} one after the other, then leave in the same order: 101, 103…, 104…, 102. */
    private static void comeAndGo(ChildServer server, UserSigSigner signer, SdkAppId app, int room,
            List<String> users) {
        List<SignalClient> clients = new ArrayList<>();
        try {
            for (String user : users) {
                SignalClient client = SignalClient.connect(server.signalling());
                clients.add(client);
                client.ok("enter", enterData(signer, app, room, user));
            }
            for (SignalClient client : clients) {
                client.ok("leave", SignalClient.data());
            }
        } finally {
            clients.forEach(SignalClient::close);
        }
    }

    private static ObjectNode enterData(UserSigSigner signer, SdkAppId app, int room, String user) {
        return SignalClient.data().put("sdkAppID", app.value()).put("userID", user)
                .put("userSig", signer.genUserSig(user, 3600)).put("roomID", room);
    }

    private interface OutboxCondition {
        boolean holds(List<CallbackOutbox.Entry> entries);
    }

    private static void awaitOutbox(Path data, SdkAppId app, OutboxCondition condition) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_DEADLINE.toNanos();
        while (true) {
            List<CallbackOutbox.Entry> entries = outbox(data, app);
            if (condition.holds(entries)) {
                return;
            }
            assertThat(System.nanoTime()).as("the outbox never got there; last: %s", entries).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static List<CallbackOutbox.Entry> pending(Path data, SdkAppId app) {
        return outbox(data, app).stream().filter(e -> e.state() == CallbackOutbox.State.PENDING).toList();
    }

    /** The outbox as the server's database holds it (H2's AUTO_SERVER lets a second process read it). */
    private static List<CallbackOutbox.Entry> outbox(Path data, SdkAppId app) {
        try (JdbcAppStore store = JdbcAppStore.open(new StoreConfig(data, Optional.empty(), Optional.empty(),
                Optional.empty(), 1), Clock.systemUTC())) {
            return store.callbackOutbox().list(app, false, Long.MAX_VALUE, 100_000);
        }
    }

    private String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = LianmaiCommand.commandLine(new CliContext(Map.of(), dir, Clock.systemUTC()),
                new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        assertThat(status).as("lianmai %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static String field(String output, String label) {
        Matcher matcher = Pattern.compile(label + "\\s+(\\S+)").matcher(output);
        assertThat(matcher.find()).as("%s in %s", label, output).isTrue();
        return matcher.group(1);
    }
}
