package io.lianmai.server.api;

import static io.lianmai.server.api.RestApiClient.adminSig;
import static io.lianmai.server.api.RestApiClient.call;
import static io.lianmai.server.api.RestApiClient.startBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.TestServer;
import io.lianmai.store.App;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Finding 7 of issue 12: StartPublishCdnStream must not make the server push to itself, its network or a metadata
 * service; relays that keep failing give up; one app cannot take every relay of the node.
 */
class CdnRelayPolicyIT {

    @Test
    void relaysToLoopbackLinkLocalPrivateOrALoopbackNameAreRefusedBeforeAnyConnection() throws Exception {
        try (TestServer server = TestServer.start()) {
            long app = server.sdkAppId();
            Map<String, String> refused = Map.of(
                    "rtmp://127.0.0.1:" + server.server().live().rtmpPort() + "/live/x",
                    "127.0.0.1 is a loopback (127.0.0.0/8) address",
                    "rtmp://169.254.169.254/live/x", "169.254.169.254 is a link-local (169.254.0.0/16) address",
                    "rtmp://10.11.12.13:1935/live/x?key=secret", "10.11.12.13 is a private (10.0.0.0/8) address",
                    "rtmp://[::1]/live/x", "::1 is a loopback (::1) address",
                    "rtmp://localhost:" + server.server().live().rtmpPort() + "/live/x",
                    "localhost resolves to a loopback");
            for (Map.Entry<String, String> target : refused.entrySet()) {
                JsonNode answer = call(server, "StartPublishCdnStream", adminSig(server),
                        startBody(app, "1", 0, "anchor", target.getKey()));
                assertThat(answer.path("Error").path("Code").asText()).as(answer.toString())
                        .isEqualTo("InvalidParameter");
                assertThat(answer.path("Error").path("Message").asText()).as(answer.toString())
                        .startsWith("PublishCdnParams[0].PublishCdnUrl: " + target.getValue())
                        .contains("cdn.allowPrivateTargets").doesNotContain("secret");
            }
            assertThat(server.server().live().cdnTasks().size()).as("no task was started").isZero();
        }
    }

    @Test
    void eachAppHasItsOwnQuotaOfRelays() throws Exception {
        try (TestServer server = TestServer.start(Map.of("cdn.allowPrivateTargets", "true",
                "cdn.maxRelaysPerApp", "2"))) {
            long app = server.sdkAppId();
            // Nobody publishes these streams, so the relays wait and never connect.
            String url = "rtmp://127.0.0.1:1/live/x";
            for (int i = 0; i < 2; i++) {
                JsonNode started = call(server, "StartPublishCdnStream", adminSig(server),
                        startBody(app, "5", 0, "user" + i, url));
                assertThat(started.has("TaskId")).as(started.toString()).isTrue();
            }
            JsonNode third = call(server, "StartPublishCdnStream", adminSig(server),
                    startBody(app, "5", 0, "user2", url));
            assertThat(third.path("Error").path("Code").asText()).as(third.toString()).isEqualTo("LimitExceeded");
            assertThat(third.path("Error").path("Message").asText()).contains("cdn.maxRelaysPerApp");

            App other = server.server().apps().create("other");
            String otherSig = new UserSigSigner(other.sdkAppId(), other.secretKey(), Clock.systemUTC())
                    .genUserSig("administrator", 3600);
            JsonNode ofOther = call(server, "StartPublishCdnStream", otherSig,
                    startBody(other.sdkAppId().value(), "5", 0, "user0", url));
            assertThat(ofOther.has("TaskId")).as("another app is not affected: " + ofOther).isTrue();
            assertThat(server.server().live().cdnTasks().size()).isEqualTo(3);
        }
    }

    @Test
    void aRelayThatKeepsFailingGivesUpAndItsTaskEnds() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (TestServer server = TestServer.start(Map.of("cdn.allowPrivateTargets", "true",
                "cdn.maxRetries", "2", "cdn.maxRelaysPerApp", "1"))) {
            long app = server.sdkAppId();
            String stream = app + "_6_anchor_main";
            server.server().live().hub().publish(stream); // live, so the relay connects (and fails)
            JsonNode started = call(server, "StartPublishCdnStream", adminSig(server),
                    startBody(app, "6", 0, "anchor", "rtmp://127.0.0.1:" + closedPort + "/live/x"));
            String taskId = started.path("TaskId").asText();
            assertThat(taskId).as(started.toString()).isNotEmpty();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.server().live().cdnTasks().size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(server.server().live().cdnTasks().size()).as("the task ended").isZero();
            assertThat(server.server().live().cdnTasks().ended(new SdkAppId(app), taskId)).hasValueSatisfying(reason ->
                    assertThat(reason).contains("2 failures in a row").contains("cannot connect to"));
            JsonNode stop = call(server, "StopPublishCdnStream", adminSig(server),
                    "{\"SdkAppId\": " + app + ", \"TaskId\": \"" + taskId + "\"}");
            assertThat(stop.path("Error").path("Code").asText()).isEqualTo("ResourceNotFound");
            assertThat(stop.path("Error").path("Message").asText()).contains("already ended: every relay gave up");
            JsonNode again = call(server, "StartPublishCdnStream", adminSig(server),
                    startBody(app, "6", 0, "anchor", "rtmp://127.0.0.1:" + closedPort + "/live/x"));
            assertThat(again.has("TaskId")).as("the ended task freed its quota: " + again).isTrue();
            server.server().live().hub().unpublish(stream);
        }
    }
}
