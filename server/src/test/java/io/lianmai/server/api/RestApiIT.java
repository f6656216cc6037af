package io.lianmai.server.api;

import static io.lianmai.server.api.RestApiClient.adminSig;
import static io.lianmai.server.api.RestApiClient.call;
import static io.lianmai.server.api.RestApiClient.startBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.rtmp.RtmpRelay;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.CdnPublishTasks;
import io.lianmai.store.App;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REST API contract: TRTC-shaped answers, every refusal with its Tencent Cloud error code and a message saying
 * what to fix, HTTP 200 and a RequestId throughout; tasks are per app.
 */
class RestApiIT {
    private static final String URL = "rtmp://127.0.0.1:1/live/x";
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("cdn.allowPrivateTargets", "true"));
    private static long app;

    @BeforeAll
    static void startServer() {
        // The tasks push to 127.0.0.1 (a port nobody listens on): loopback targets must be allowed.
        app = server.sdkAppId();
    }

    @Test
    void startAndStopATaskOfAStreamThatIsNotLiveYet() throws Exception {
        JsonNode started = call(server, "StartPublishCdnStream", adminSig(server),
                startBody(app, "my-room", 1, "anchor", URL));

        assertThat(started.has("Error")).as(started.toString()).isFalse();
        String taskId = started.get("TaskId").asText();
        assertThat(taskId).matches("[A-Za-z0-9_-]{24}");
        assertThat(started.get("RequestId").asText()).isNotBlank();
        CdnPublishTasks.Task task = server.server().live().cdnTasks().find(new SdkAppId(app), taskId).orElseThrow();
        assertThat(task.streamName()).isEqualTo(app + "_my-room_anchor_main");
        assertThat(task.relays().get(0).status().state()).isEqualTo(RtmpRelay.State.WAITING_FOR_STREAM);

        JsonNode stopped = call(server, "StopPublishCdnStream", adminSig(server),
                "{\"SdkAppId\": " + app + ", \"TaskId\": \"" + taskId + "\"}");
        assertThat(stopped.has("Error")).as(stopped.toString()).isFalse();
        assertThat(stopped.get("RequestId").asText()).isNotBlank();
        assertThat(server.server().live().cdnTasks().find(new SdkAppId(app), taskId)).isEmpty();
        assertError(call(server, "StopPublishCdnStream", adminSig(server),
                "{\"SdkAppId\": " + app + ", \"TaskId\": \"" + taskId + "\"}"), "ResourceNotFound", taskId);
    }

    @Test
    void authenticationFailures() throws Exception {
        String body = startBody(app, "1", 0, "anchor", URL);
        assertError(call(server, "StartPublishCdnStream", null, body), "AuthFailure",
                "Authorization: Bearer <UserSig of identifier \"administrator\">");
        assertError(call(server, "StartPublishCdnStream", "garbage", body), "AuthFailure", "-100018");
        assertError(call(server, "StartPublishCdnStream", server.userSig("anchor"), body), "AuthFailure",
                "issued for userID 'anchor' but is presented by 'administrator'");
        assertError(call(server, "StartPublishCdnStream", adminSig(server), startBody(1234, "1", 0, "anchor", URL)),
                "AuthFailure", "SDKAppID 1234 is not registered");
        App other = server.server().apps().create("other");
        String otherSig = new UserSigSigner(other.sdkAppId(), other.secretKey(), Clock.systemUTC())
                .genUserSig("administrator", 60);
        assertError(call(server, "StartPublishCdnStream", otherSig, body), "AuthFailure", "-100018");
    }

    @Test
    void aTaskIsOnlyVisibleToItsOwnApp() throws Exception {
        App other = server.server().apps().create("another");
        String otherSig = new UserSigSigner(other.sdkAppId(), other.secretKey(), Clock.systemUTC())
                .genUserSig("administrator", 60);
        String taskId = call(server, "StartPublishCdnStream", adminSig(server), startBody(app, "7", 0, "a", URL))
                .get("TaskId").asText();

        assertError(call(server, "StopPublishCdnStream", otherSig,
                "{\"SdkAppId\": " + other.sdkAppId() + ", \"TaskId\": \"" + taskId + "\"}"), "ResourceNotFound",
                "runs for SdkAppId " + other.sdkAppId());
        assertThat(call(server, "StopPublishCdnStream", adminSig(server),
                "{\"SdkAppId\": " + app + ", \"TaskId\": \"" + taskId + "\"}").has("Error")).isFalse();
    }

    @Test
    void badParameters() throws Exception {
        String sig = adminSig(server);
        assertError(call(server, "StartPublishCdnStream", sig, startBody(app, "1", 0, "anchor", "http://cdn/live/x")),
                "InvalidParameter", "PublishCdnParams[0].PublishCdnUrl: only rtmp:// URLs are supported, not scheme http");
        assertError(call(server, "StartPublishCdnStream", sig, startBody(app, "1", 0, "anchor", "rtmp://cdn/live")),
                "InvalidParameter", "PublishCdnParams[0].PublishCdnUrl: the RTMP URL needs an application");
        assertError(call(server, "StartPublishCdnStream", sig,
                startBody(app, "1", 0, "anchor", URL).replace("\"WithTranscoding\": 0", "\"WithTranscoding\": 1")),
                "MissingParameter", "AudioParams.AudioEncode is required with WithTranscoding 1");
        assertError(call(server, "StartPublishCdnStream", sig, startBody(app, "abc", 0, "anchor", URL)),
                "InvalidParameter", "RoomId: RoomId must be a number");
        assertError(call(server, "StartPublishCdnStream", sig, startBody(app, "1", 2, "anchor", URL)),
                "InvalidParameter", "RoomIdType must be 0");
        assertError(call(server, "StartPublishCdnStream", sig, startBody(app, "1", 0, "an chor", URL)),
                "InvalidParameter", "UserInfo.UserId");
        assertError(call(server, "StartPublishCdnStream", sig,
                startBody(app, "1", 0, "anchor", URL).replace("\"StreamType\": 0", "\"StreamType\": 7")),
                "InvalidParameter", "StreamType must be 0 (main) or 1 (aux)");
        assertError(call(server, "StartPublishCdnStream", sig,
                startBody(app, "1", 0, "anchor", URL).replace("\"RoomIdType\": 0", "\"RoomIdType\": \"x\"")),
                "InvalidParameter", "RoomIdType");
        assertError(call(server, "StartPublishCdnStream", sig, "{\"SdkAppId\": " + app + ", \"RoomId\": \"1\"}"),
                "MissingParameter", "SingleSubscribeParams.UserMediaStream.UserInfo.UserId is required");
        assertError(call(server, "StartPublishCdnStream", sig,
                "{\"SdkAppId\": " + app + ", \"RoomId\": \"1\", \"SingleSubscribeParams\": {\"UserMediaStream\": "
                        + "{\"UserInfo\": {\"UserId\": \"a\"}}}}"),
                "MissingParameter", "PublishCdnParams");
        assertError(call(server, "StopPublishCdnStream", sig, "{\"SdkAppId\": " + app + "}"), "MissingParameter",
                "TaskId is required");
        assertError(call(server, "StopPublishCdnStream", sig, "{\"SdkAppId\": " + app + ", \"TaskId\": \"nope\"}"),
                "ResourceNotFound", "no CDN publish task nope");
    }

    @Test
    void malformedRequests() throws Exception {
        String sig = adminSig(server);
        assertError(call(server, "NoSuchAction", sig, "{}"), "InvalidAction",
                "this server implements StartPublishCdnStream, StopPublishCdnStream");
        assertError(call(server, "StartPublishCdnStream", sig, "{not json"), "InvalidParameter", "not valid JSON");
        assertError(call(server, "StartPublishCdnStream", sig, "[1, 2]"), "InvalidParameter", "JSON object");
        assertError(call(server, "StartPublishCdnStream", sig, ""), "InvalidParameter", "JSON object");
        assertError(call(server, "StartPublishCdnStream", sig, "{\"RoomId\": \"1\"}"), "MissingParameter",
                "SdkAppId is required");
        assertError(call(server, "StartPublishCdnStream", sig, "{\"SdkAppId\": -5}"), "InvalidParameter",
                "SdkAppId must be 1..4294967295");
        assertError(call(server, "StartPublishCdnStream", sig, "{\"SdkAppId\": 1.5}"), "InvalidParameter",
                "SdkAppId must be a whole number");
        HttpResponse<String> huge = RestApiClient.post(server, "StartPublishCdnStream", sig,
                "{\"SdkAppId\": " + app + ", \"Pad\": \"" + "x".repeat(100_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(200);
        assertThat(huge.body()).contains("\"Code\":\"InvalidParameter\"").contains("larger than 65536 bytes");
    }

    /** Mutated bodies (bytes dropped, swapped, replaced): every answer is 200, TRTC-shaped, and never InternalError. */
    @Test
    void garbageBodiesGetCleanErrors() throws Exception {
        String sig = adminSig(server);
        String valid = startBody(app, "1", 0, "anchor", URL);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        String alphabet = "{}[]\":,0123456789-.eE nulltruefalseabcXYZ\\\u00e9";
        java.util.Set<String> codes = new java.util.TreeSet<>();
        for (int round = 0; round < 300; round++) {
            StringBuilder body = new StringBuilder(valid);
            for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
                int at = random.nextInt(body.length());
                switch (random.nextInt(3)) {
                    case 0 -> body.deleteCharAt(at);
                    case 1 -> body.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> body.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String action = random.nextInt(5) == 0 ? "StopPublishCdnStream" : "StartPublishCdnStream";
            JsonNode response = call(server, action, sig, body.toString());
            assertThat(response.path("RequestId").asText()).as(body.toString()).isNotBlank();
            String code = response.path("Error").path("Code").asText("ok");
            assertThat(code).as(body + " -> " + response).isNotEqualTo("InternalError");
            codes.add(code);
            if (code.equals("ok") && response.has("TaskId")) {
                call(server, "StopPublishCdnStream", sig,
                        "{\"SdkAppId\": " + app + ", \"TaskId\": \"" + response.get("TaskId").asText() + "\"}");
            }
        }
        assertThat(codes).contains("InvalidParameter");
    }

    private static void assertError(JsonNode response, String code, String message) {
        assertThat(response.path("Error").path("Code").asText()).as(response.toString()).isEqualTo(code);
        assertThat(response.path("Error").path("Message").asText()).as(response.toString()).contains(message);
        assertThat(response.path("RequestId").asText()).isNotBlank();
    }
}
