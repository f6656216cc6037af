package io.lianmai.server.signal;

import static io.lianmai.server.signal.SignalClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.server.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Heartbeats, the silent-socket timeout and the end of the resume grace period, on a node with short timings. */
class SignallingTimeoutIT {
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("signal.heartbeatIntervalMs", "300",
            "room.resumeGraceSeconds", "1"));

    @Test
    void aSilentSocketIsClosedAndItsMemberLeavesWithTimeoutAfterTheGracePeriod() {
        try (SignalClient observer = SignalClient.connect(server);
                SignalClient silent = SignalClient.connect(server)) {
            JsonNode entered = observer.enter(server, "observer", "timeouts", null);
            assertThat(entered.path("heartbeatIntervalMs").asLong()).isEqualTo(300);
            observer.autoHeartbeat(Duration.ofMillis(100));
            String token = silent.enter(server, "silent", "timeouts", null).path("sessionToken").asText();
            observer.awaitEvent("userJoin", "silent");

            assertThat(silent.awaitClose()).isEqualTo(1001);
            JsonNode left = observer.awaitEvent("userLeave", "silent");
            assertThat(left.path("reason").asText()).isEqualTo("timeout");
            assertThat(observer.isClosed()).isFalse();

            try (SignalClient late = SignalClient.connect(server)) {
                late.error("resume", data().put("sessionToken", token), -1);
            }
        }
    }
}
