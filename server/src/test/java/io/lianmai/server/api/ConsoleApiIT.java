package io.lianmai.server.api;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tencentcloudapi.common.CommonClient;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import io.lianmai.server.TestServer;
import io.lianmai.server.signal.SignalClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lianmai's own actions behind the operator console, called as any backend would call them: through Tencent's Java
 * SDK's generic {@link CommonClient} (the typed TRTC client has no such actions) against a running server. What each
 * answers, that keys appear only where the CLI would print them, and that a credential scoped to apps sees and changes
 * only those.
 */
class ConsoleApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("callbacks.allowPrivateTargets", "false"));

    @Test
    void describeAppsListsTheScopesAppsWithoutKeys() throws Exception {
        CommonClient all = client(createKey(server));
        JsonNode apps = call(all, "DescribeApps", "{}").path("Apps");
        assertThat(apps).isNotEmpty();
        JsonNode own = find(apps, server.sdkAppId());
        assertThat(own.path("Name").asText()).isEqualTo(server.app().name());
        assertThat(own.path("Enabled").asBoolean()).isTrue();
        assertThat(apps.toString()).doesNotContain(server.app().secretKey()).doesNotContain(server.app().playKey())
                .doesNotContain("SecretKey").doesNotContain("PlayKey");

        long other = call(all, "CreateApp", "{\"Name\":\"other\"}").path("SdkAppId").asLong();
        CommonClient scoped = client(createKey(server, server.sdkAppId()));
        JsonNode seen = call(scoped, "DescribeApps", "{}").path("Apps");
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).path("SdkAppId").asLong()).isEqualTo(server.sdkAppId());
        assertThat(find(call(all, "DescribeApps", "{}").path("Apps"), other).path("Name").asText())
                .isEqualTo("other");
    }

    @Test
    void createAppAnswersItsKeysOnceAndNeedsACredentialForEveryApp() throws Exception {
        JsonNode created = call(client(createKey(server)), "CreateApp", "{\"Name\":\"  shop  \"}");
        assertThat(created.path("SdkAppId").asLong()).isGreaterThanOrEqualTo(1_400_000_000L);
        assertThat(created.path("Name").asText()).isEqualTo("shop");
        assertThat(created.path("SecretKey").asText()).matches("[0-9a-f]{64}");
        assertThat(created.path("PlayKey").asText()).matches("[0-9a-f]{32}");

        CommonClient scoped = client(createKey(server, server.sdkAppId()));
        assertCode(() -> scoped.call("CreateApp", "{\"Name\":\"mine\"}"), "AuthFailure.UnauthorizedOperation");
        CommonClient all = client(createKey(server));
        assertCode(() -> all.call("CreateApp", "{}"), "MissingParameter");
        assertCode(() -> all.call("CreateApp", "{\"Name\":\" \"}"), "InvalidParameter");
        assertCode(() -> all.call("CreateApp", "{\"Name\":{}}"), "InvalidParameter");
    }

    @Test
    void modifyAppSetsTheCallbackOfAnAppInScopeOnly() throws Exception {
        CommonClient all = client(createKey(server));
        long other = call(all, "CreateApp", "{\"Name\":\"callbacks\"}").path("SdkAppId").asLong();
        CommonClient scoped = client(createKey(server, other));

        JsonNode app = call(scoped, "ModifyApp", "{\"SdkAppId\":" + other
                + ",\"CallbackUrl\":\"https://8.8.8.8/trtc\",\"CallbackKey\":\"k3y\"}").path("App");
        assertThat(app.path("CallbackUrl").asText()).isEqualTo("https://8.8.8.8/trtc");
        assertThat(app.path("CallbackKeySet").asBoolean()).isTrue();
        assertThat(app.toString()).doesNotContain("k3y");
        // A field not sent is kept.
        app = call(scoped, "ModifyApp", "{\"SdkAppId\":" + other + ",\"CallbackKey\":\"other\"}").path("App");
        assertThat(app.path("CallbackUrl").asText()).isEqualTo("https://8.8.8.8/trtc");
        assertThat(find(call(all, "DescribeApps", "{}").path("Apps"), other).path("CallbackUrl").asText())
                .isEqualTo("https://8.8.8.8/trtc");

        assertCode(() -> scoped.call("ModifyApp", "{\"SdkAppId\":" + server.sdkAppId()
                + ",\"CallbackUrl\":\"https://8.8.8.8/x\"}"), "AuthFailure.UnauthorizedOperation");
        // callbacks.allowPrivateTargets is false here: the loopback is refused before it is stored.
        assertCode(() -> scoped.call("ModifyApp", "{\"SdkAppId\":" + other
                + ",\"CallbackUrl\":\"http://127.0.0.1:1/x\"}"), "InvalidParameter");
        assertCode(() -> scoped.call("ModifyApp", "{\"SdkAppId\":" + other + ",\"CallbackUrl\":\"ftp://x\"}"),
                "InvalidParameter");
        assertCode(() -> scoped.call("ModifyApp", "{\"SdkAppId\":" + other + ",\"CallbackKey\":\"a b\"}"),
                "InvalidParameter");
        assertCode(() -> scoped.call("ModifyApp", "{\"SdkAppId\":" + other + "}"), "MissingParameter");

        app = call(scoped, "ModifyApp", "{\"SdkAppId\":" + other + ",\"ClearCallback\":true}").path("App");
        assertThat(app.has("CallbackUrl")).isFalse();
        assertThat(app.path("CallbackKeySet").asBoolean()).isFalse();
    }

    @Test
    void rotateAppKeyGivesANewKeyAndKeepsTheOldOneForTheGrace() throws Exception {
        CommonClient all = client(createKey(server));
        JsonNode created = call(all, "CreateApp", "{\"Name\":\"rotated\"}");
        long id = created.path("SdkAppId").asLong();
        CommonClient scoped = client(createKey(server, id));

        JsonNode rotated = call(scoped, "RotateAppKey", "{\"SdkAppId\":" + id + "}");
        assertThat(rotated.path("SecretKey").asText()).matches("[0-9a-f]{64}")
                .isNotEqualTo(created.path("SecretKey").asText());
        long until = rotated.path("PreviousKeyValidUntil").asLong();
        assertThat(Duration.between(Instant.now(), Instant.ofEpochSecond(until)))
                .isBetween(Duration.ofHours(23), Duration.ofHours(25));
        assertThat(find(call(scoped, "DescribeApps", "{}").path("Apps"), id).path("PreviousKeyValidUntil")
                .asLong()).isEqualTo(until);

        JsonNode retired = call(scoped, "RotateAppKey", "{\"SdkAppId\":" + id + ",\"GraceSeconds\":0}");
        assertThat(retired.has("PreviousKeyValidUntil")).isFalse();
        assertThat(find(call(scoped, "DescribeApps", "{}").path("Apps"), id).has("PreviousKeyValidUntil")).isFalse();
        assertCode(() -> scoped.call("RotateAppKey", "{\"SdkAppId\":" + id + ",\"GraceSeconds\":-1}"),
                "InvalidParameter");
        assertCode(() -> scoped.call("RotateAppKey", "{\"SdkAppId\":" + server.sdkAppId() + "}"),
                "AuthFailure.UnauthorizedOperation");
    }

    @Test
    void describeLiveRoomsShowsTheScopesRoomsWithTheirMembers() throws Exception {
        CommonClient all = client(createKey(server));
        long other = call(all, "CreateApp", "{\"Name\":\"elsewhere\"}").path("SdkAppId").asLong();
        try (SignalClient alice = SignalClient.connect(server); SignalClient bob = SignalClient.connect(server)) {
            alice.enter(server, "alice", "9001", null);
            bob.enter(server, "bob", "class-9", null);

            JsonNode rooms = call(all, "DescribeLiveRooms", "{\"SdkAppId\":" + server.sdkAppId() + "}");
            assertThat(rooms.path("RoomCount").asInt()).isGreaterThanOrEqualTo(2);
            JsonNode numeric = room(rooms, "9001");
            assertThat(numeric.path("RoomIdType").asInt()).isZero();
            assertThat(numeric.path("MemberCount").asInt()).isEqualTo(1);
            JsonNode member = numeric.path("Members").get(0);
            assertThat(member.path("UserId").asText()).isEqualTo("alice");
            assertThat(member.path("Kind").asText()).isEqualTo("webrtc");
            assertThat(member.path("Connected").asBoolean()).isTrue();
            assertThat(member.path("Streams")).isEmpty();
            assertThat(room(rooms, "class-9").path("RoomIdType").asInt()).isEqualTo(1);

            // A credential of another app sees none of these, and may not ask for them.
            CommonClient scoped = client(createKey(server, other));
            assertThat(call(scoped, "DescribeLiveRooms", "{}").path("RoomCount").asInt()).isZero();
            assertCode(() -> scoped.call("DescribeLiveRooms", "{\"SdkAppId\":" + server.sdkAppId() + "}"),
                    "AuthFailure.UnauthorizedOperation");
            assertCode(() -> all.call("DescribeLiveRooms", "{\"Limit\":501}"), "InvalidParameter");
            assertThat(call(all, "DescribeLiveRooms", "{\"Limit\":0}").path("Rooms")).isEmpty();
        }
    }

    @Test
    void describeNodeStatsCountsTheNodeForACredentialOfEveryApp() throws Exception {
        CommonClient all = client(createKey(server));
        try (SignalClient alice = SignalClient.connect(server)) {
            alice.enter(server, "alice", "9100", null);
            JsonNode stats = call(all, "DescribeNodeStats", "{}");
            assertThat(stats.path("Rooms").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(stats.path("Members").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(stats.path("WebRtcMembers").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(stats.path("Timestamp").asLong()).isCloseTo(System.currentTimeMillis(),
                    org.assertj.core.data.Offset.offset(60_000L));
            assertThat(stats.path("ProcessCpuPercent").asDouble()).isBetween(-1.0, 100.0);
            assertThat(stats.path("HeapUsedBytes").asLong()).isPositive();
            assertThat(stats.has("BitrateInBps")).isTrue();
        }
        CommonClient scoped = client(createKey(server, server.sdkAppId()));
        assertCode(() -> scoped.call("DescribeNodeStats", "{}"), "AuthFailure.UnauthorizedOperation");
    }

    @Test
    void aWrongSecretKeyOrUnknownSecretIdIsRefusedBeforeAnyAction() {
        CloudApiClient.Key key = createKey(server);
        CommonClient wrong = client(new CloudApiClient.Key(key.secretId(), "x".repeat(32)));
        assertCode(() -> wrong.call("DescribeApps", "{}"), "AuthFailure.SignatureFailure");
        assertCode(() -> wrong.call("CreateApp", "{\"Name\":\"never\"}"), "AuthFailure.SignatureFailure");
        CommonClient unknown = client(new CloudApiClient.Key("AKID" + "0".repeat(32), key.secretKey()));
        assertCode(() -> unknown.call("DescribeNodeStats", "{}"), "AuthFailure.SecretIdNotFound");
    }

    private static CommonClient client(CloudApiClient.Key key) {
        HttpProfile http = new HttpProfile();
        http.setEndpoint("127.0.0.1:" + server.server().httpPort());
        http.setProtocol("http://");
        http.setConnTimeout(5);
        http.setReadTimeout(10);
        ClientProfile profile = new ClientProfile();
        profile.setHttpProfile(http);
        return new CommonClient("trtc", "2019-07-22", new Credential(key.secretId(), key.secretKey()),
                "ap-guangzhou", profile);
    }

    /** The {@code Response} of a successful call. */
    private static JsonNode call(CommonClient client, String action, String body) throws Exception {
        JsonNode response = JSON.readTree(client.call(action, body)).path("Response");
        assertThat(response.has("Error")).as(response.toString()).isFalse();
        assertThat(response.path("RequestId").asText()).isNotBlank();
        return response;
    }

    private static JsonNode find(JsonNode apps, long sdkAppId) {
        for (JsonNode app : apps) {
            if (app.path("SdkAppId").asLong() == sdkAppId) {
                return app;
            }
        }
        throw new AssertionError("app " + sdkAppId + " not in " + apps);
    }

    private static JsonNode room(JsonNode answer, String roomId) {
        for (JsonNode room : answer.path("Rooms")) {
            if (room.path("RoomId").asText().equals(roomId)) {
                return room;
            }
        }
        throw new AssertionError("room " + roomId + " not in " + answer);
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    private static void assertCode(Call call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(TencentCloudSDKException.class, e -> {
            assertThat(e.getErrorCode()).as(e.toString()).isEqualTo(code);
            assertThat(e.getRequestId()).isNotBlank();
        });
    }
}
