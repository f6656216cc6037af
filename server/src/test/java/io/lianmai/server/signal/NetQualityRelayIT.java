package io.lianmai.server.signal;

import static io.lianmai.server.signal.SignalClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code netQuality} over {@code /ws} (docs/protocol.md): a member's own uplink level, 0..6, reaches the others as a
 * {@code netQuality} event; a level out of range, or a second report within a second, is refused with -2 and
 * relayed to nobody.
 */
class NetQualityRelayIT {
    @Test
    void aMembersUplinkLevelReachesTheOthersValidatedAndRateLimited() {
        try (TestServer server = TestServer.start();
                SignalClient alice = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server)) {
            alice.enter(server, "alice", "quality", null);
            bob.enter(server, "bob", "quality", null);
            alice.awaitEvent("userJoin", "bob");

            alice.error("netQuality", data().put("uplink", 7), -2);
            alice.error("netQuality", data().put("uplink", "good"), -2);
            alice.ok("netQuality", data().put("uplink", 2));
            JsonNode refused = alice.error("netQuality", data().put("uplink", 3), -2);
            assertThat(refused.path("message").asText()).contains("too many netQuality reports");

            JsonNode first = bob.awaitEvent("netQuality", "alice");
            assertThat(first.path("uplink").asInt()).isEqualTo(2);
            Await.until("alice may report again a second later", Duration.ofSeconds(5),
                    () -> alice.request("netQuality", data().put("uplink", 6)).path("ok").asBoolean());
            assertThat(bob.awaitEvent("netQuality", "alice").path("uplink").asInt())
                    .as("the refused 3 was never relayed").isEqualTo(6);
        }
    }
}
