package io.lianmai.server.signal;

import static io.lianmai.server.signal.SignalClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The custom message limit of {@code /ws} ({@code message}, TRTC's {@code sendCustomMessage}): 30 per second per
 * user, in bursts of 30 (docs/protocol.md). A member who sends faster gets error -2 for the excess, which nobody
 * receives; the others in the room are not limited by it, and the sender's tokens come back with time.
 *
 * <p>The socket's own request budget is raised so that only the message limit answers. The rate is checked against
 * the window the test observed itself (first send to last answer), so a slow machine loosens the bound instead of
 * failing it.
 */
class CustomMessageRateIT {
    private static final int PER_SECOND = 30;
    private static final int SENT = 4 * PER_SECOND;

    @Test
    void overThirtyMessagesASecondTheExcessIsRefusedAndNeverDelivered() {
        try (TestServer server = TestServer.start(Map.of("signal.commandsPerSecond", "1000",
                "signal.commandBurst", "1000"));
                SignalClient alice = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server)) {
            alice.enter(server, "alice", "chatty", null);
            bob.enter(server, "bob", "chatty", null);
            alice.awaitEvent("userJoin", "bob");

            // All at once, without waiting for answers in between.
            long opened = System.nanoTime();
            List<CompletableFuture<JsonNode>> pending = new ArrayList<>();
            for (int i = 0; i < SENT; i++) {
                pending.add(alice.send("message", data().put("cmdID", 1).put("data", "m" + i)));
            }
            List<JsonNode> answers = new ArrayList<>();
            for (CompletableFuture<JsonNode> answer : pending) {
                answers.add(answer.orTimeout(10, TimeUnit.SECONDS).join());
            }
            double seconds = (System.nanoTime() - opened) / 1e9;

            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < SENT; i++) {
                JsonNode answer = answers.get(i);
                if (answer.path("ok").asBoolean()) {
                    accepted.add("m" + i);
                } else {
                    assertThat(answer.path("error").path("code").asInt()).as(answer.toString()).isEqualTo(-2);
                    assertThat(answer.path("error").path("message").asText()).contains("too many messages");
                }
            }
            System.out.printf("%d of %d messages accepted in %.3f s%n", accepted.size(), SENT, seconds);
            assertThat(accepted).as("the first 30 (a full bucket) are all accepted")
                    .startsWith(numbered(PER_SECOND).toArray(String[]::new));
            assertThat(accepted.size()).as("a burst of 30, plus 30 a second over the %.3f s observed", seconds)
                    .isLessThanOrEqualTo(PER_SECOND + 1 + (int) Math.ceil(PER_SECOND * seconds));

            // Another member's budget is its own.
            bob.ok("message", data().put("cmdID", 2).put("data", "mine"));
            alice.awaitEvent("customMessage", "bob");

            // Tokens come back with time: alice is heard again.
            Await.until("alice's next message accepted", Duration.ofSeconds(5), () -> alice.request("message",
                    data().put("cmdID", 1).put("data", "again")).path("ok").asBoolean());

            // Bob got exactly the accepted ones, in order, then the one after the wait: the refused were not sent.
            List<String> delivered = new ArrayList<>();
            for (int i = 0; i <= SENT; i++) {
                String text = bob.awaitEvent("customMessage", "alice").path("data").asText();
                if (text.equals("again")) {
                    break;
                }
                delivered.add(text);
            }
            assertThat(delivered).isEqualTo(accepted);
        }
    }

    private static List<String> numbered(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("m" + i);
        }
        return names;
    }
}
