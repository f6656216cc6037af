package io.lianmai.server.signal;

import static io.lianmai.server.signal.SignalClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.server.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Heartbeats, the silent-socket timeout and the end of the resume grace period, on a node with short timings. */
class SignallingTimeoutIT {
    private static TestServer server;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(Map.of("signal.heartbeatIntervalMs", "300", "room.resumeGraceSeconds", "1"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

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
