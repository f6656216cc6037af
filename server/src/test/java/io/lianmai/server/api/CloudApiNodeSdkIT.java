package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.cli.CliContext;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tencent's official Node SDK ({@code tencentcloud-sdk-nodejs} {@value TencentNodeSdk#VERSION}, the all-products
 * package: Tencent publishes no TRTC-only Node package) against a real server process, as a TRTC customer's
 * Node backend calls it with only {@code endpoint: "127.0.0.1:PORT", protocol: "http://"} changed: a read
 * ({@code DescribeRoomInfo}, {@code DescribeUserInfo}), state changes on real members ({@code RemoveUser},
 * {@code DismissRoom}), and the refusals a Node caller sees with Tencent's codes — a wrong SecretKey, an unknown
 * SecretId, a credential scoped to another app. An expired timestamp stays with {@code CloudApiProcessIT}: the Node
 * SDK takes its timestamp from the system clock with no setting to change it.
 *
 * <p>Two things of how the Node SDK signs are pinned here: its credential scope's service is the endpoint's first
 * host label ({@code 127}, as the Java SDK's), and — unlike the Java SDK — its canonical {@code host} header is the
 * URL's host name without the port ({@code 127.0.0.1}) while the {@code Host} header it sends has the port. The
 * server refused every Node SDK call with {@code AuthFailure.SignatureFailure} until this test found it
 * ({@code Tc3Signature.headerValueVariants}).
 */
class CloudApiNodeSdkIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SDK_DIR = Path.of("target", "node-sdk").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void trtcClientOfTheNodeSdkAgainstAServerProcess() throws Exception {
        TencentNodeSdk sdk = TencentNodeSdk.install(SDK_DIR);
        Path data = dir.resolve("data");
        String created = cli("app", "create", "--name", "backend", "--data-dir", data.toString());
        SdkAppId app = new SdkAppId(Long.parseLong(CloudApiClient.field(created, "SDKAppID")));
        UserSigSigner signer = new UserSigSigner(app, CloudApiClient.field(created, "SecretKey"), Clock.systemUTC());
        String other = CloudApiClient.field(cli("app", "create", "--name", "other", "--data-dir", data.toString()),
                "SDKAppID");
        CloudApiClient.Key key = apiKey(data, app.toString());
        CloudApiClient.Key otherAppsKey = apiKey(data, other);
        long start = Instant.now().getEpochSecond() - 1;

        try (ChildServer server = ChildServer.start(data, dir.resolve("server.log"),
                Map.of("apps.createDefault", "false"));
             SignalClient alice = SignalClient.connect(server.signalling());
             SignalClient bob = SignalClient.connect(server.signalling());
             SignalClient carol = SignalClient.connect(server.signalling())) {
            alice.ok("enter", enter(signer, app, "alice", 9101));
            bob.ok("enter", enter(signer, app, "bob", 9101));
            carol.ok("enter", enter(signer, app, "carol", 9102));
            int port = server.httpPort();

            // A read: the room in the history, as soon as it is written.
            JsonNode room = room(sdk, port, key, app, start);
            assertThat(room.path("RoomString").asText()).isEqualTo("9101");
            assertThat(room.path("UserId").asText()).isEqualTo("alice");
            assertThat(room.path("CommId").asText()).isEqualTo(app + "_9101_" + room.path("CreateTime").asLong());
            assertThat(room.path("IsFinished").asBoolean()).isFalse();

            ObjectNode anyRoom = params(app).put("RoomId", 9101);
            List<JsonNode> answers = sdk.run(port, List.of(
                    new TencentNodeSdk.Call(key, "DescribeUserInfo", params(app)
                            .put("CommId", room.path("CommId").asText()).put("StartTime", start)
                            .put("EndTime", Instant.now().getEpochSecond() + 1)),
                    new TencentNodeSdk.Call(key, "RemoveUser", params(app).put("RoomId", 9101)
                            .set("UserIds", JsonNodeFactory.instance.arrayNode().add("bob"))),
                    new TencentNodeSdk.Call(key, "DismissRoom", params(app).put("RoomId", 9102)),
                    new TencentNodeSdk.Call(new CloudApiClient.Key(key.secretId(), "x".repeat(32)), "DismissRoom",
                            anyRoom),
                    new TencentNodeSdk.Call(new CloudApiClient.Key("AKID" + "0".repeat(32), key.secretKey()),
                            "DismissRoom", anyRoom),
                    new TencentNodeSdk.Call(otherAppsKey, "DismissRoom", anyRoom)));

            JsonNode users = response(answers.get(0));
            assertThat(users.path("Total").asInt()).isEqualTo(2);
            assertThat(users.path("UserList").findValuesAsText("UserId")).containsExactlyInAnyOrder("alice", "bob");
            assertThat(response(answers.get(1)).path("RequestId").asText()).isNotBlank();
            assertThat(bob.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("removed");
            assertThat(alice.awaitEvent("userLeave", "bob").path("reason").asText()).isEqualTo("removed");
            assertThat(response(answers.get(2)).path("RequestId").asText()).isNotBlank();
            assertThat(carol.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("room-dismissed");

            assertThat(errorCode(answers.get(3))).isEqualTo("AuthFailure.SignatureFailure");
            assertThat(errorCode(answers.get(4))).isEqualTo("AuthFailure.SecretIdNotFound");
            assertThat(errorCode(answers.get(5))).isEqualTo("AuthFailure.UnauthorizedOperation");
            // Alice was not dismissed by any refused call.
            alice.ok("message", SignalClient.data().put("cmdID", 1).put("data", "still here"));

            // What the Node SDK sent, accepted as sent: the scope's service is the endpoint's first host label.
            for (JsonNode answer : answers.subList(0, 3)) {
                JsonNode request = answer.path("request");
                assertThat(request.path("authorization").asText()).as(answer.toString()).matches(
                        "TC3-HMAC-SHA256 Credential=" + key.secretId() + "/[0-9]{4}-[0-9]{2}-[0-9]{2}/127/tc3_request, "
                                + "SignedHeaders=content-type;host, Signature=[0-9a-f]{64}");
                assertThat(request.path("host").asText()).isEqualTo("127.0.0.1:" + port);
                assertThat(request.path("content-type").asText()).isEqualTo("application/json");
                assertThat(request.path("x-tc-version").asText()).isEqualTo("2019-07-22");
                assertThat(request.path("x-tc-action").asText()).isEqualTo(answer.path("action").asText());
            }
            server.stop();
        }
    }

    /** Room 9101 from {@code DescribeRoomInfo} through the Node SDK, once the history holds it. */
    private static JsonNode room(TencentNodeSdk sdk, int port, CloudApiClient.Key key, SdkAppId app, long start) {
        AtomicReference<JsonNode> rooms = new AtomicReference<>();
        Await.until("room 9101 in DescribeRoomInfo through the Node SDK", WAIT, () -> {
            try {
                rooms.set(response(sdk.run(port, List.of(new TencentNodeSdk.Call(key, "DescribeRoomInfo",
                        params(app).put("RoomId", "9101").put("StartTime", start)
                                .put("EndTime", Instant.now().getEpochSecond() + 1)))).get(0)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return rooms.get().path("Total").asInt() == 1;
        }, rooms::get);
        return rooms.get().path("RoomList").get(0);
    }

    private static ObjectNode params(SdkAppId app) {
        return JsonNodeFactory.instance.objectNode().put("SdkAppId", app.value());
    }

    private static JsonNode response(JsonNode answer) {
        assertThat(answer.has("error")).as("%s failed: %s", answer.path("action").asText(), answer.path("error"))
                .isFalse();
        return answer.path("response");
    }

    private static String errorCode(JsonNode answer) {
        assertThat(answer.has("error")).as("%s should be refused: %s", answer.path("action").asText(), answer)
                .isTrue();
        return answer.path("error").path("code").asText();
    }

    private static ObjectNode enter(UserSigSigner signer, SdkAppId app, String userId, int room) {
        return SignalClient.data().put("sdkAppID", app.value()).put("userID", userId)
                .put("userSig", signer.genUserSig(userId, 3600)).put("roomID", room);
    }

    private CloudApiClient.Key apiKey(Path data, String sdkAppId) {
        String out = cli("apikey", "create", "--sdkappid", sdkAppId, "--data-dir", data.toString());
        return new CloudApiClient.Key(CloudApiClient.field(out, "SecretId"), CloudApiClient.field(out, "SecretKey"));
    }

    private String cli(String... args) {
        return CloudApiClient.cli(new CliContext(Map.of(), dir, Clock.systemUTC()), args);
    }
}
