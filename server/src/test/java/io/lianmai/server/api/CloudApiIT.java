package io.lianmai.server.api;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static io.lianmai.server.api.CloudApiClient.signed;
import static io.lianmai.server.signal.SignalClient.data;
import static io.lianmai.server.signal.SignalClient.enterData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.DismissRoomByStrRoomIdRequest;
import com.tencentcloudapi.trtc.v20190722.models.DismissRoomRequest;
import com.tencentcloudapi.trtc.v20190722.models.McuPublishCdnParam;
import com.tencentcloudapi.trtc.v20190722.models.MixUserInfo;
import com.tencentcloudapi.trtc.v20190722.models.RemoveUserByStrRoomIdRequest;
import com.tencentcloudapi.trtc.v20190722.models.RemoveUserRequest;
import com.tencentcloudapi.trtc.v20190722.models.SingleSubscribeParams;
import com.tencentcloudapi.trtc.v20190722.models.StartPublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.StartPublishCdnStreamResponse;
import com.tencentcloudapi.trtc.v20190722.models.StopPublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.UpdatePublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.UserMediaStream;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.TrtcErrorCode;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.CdnPublishTasks;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.store.App;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server API at {@code POST /} driven by Tencent's own Java SDK ({@code tencentcloud-sdk-java-trtc}) with only
 * its endpoint changed: every action, and every authentication refusal with Tencent's error code.
 */
class CloudApiIT {
    /** Low, so that the rate test needs few requests; each test uses its own credential, so its own buckets. */
    private static final int RATE = 3;

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("cdn.allowPrivateTargets", "true",
            "api.requestsPerSecond", Integer.toString(RATE), "api.removedUserRejoinSeconds", "60"));

    @Test
    void dismissRoomKicksEveryMemberWithTrtcsReason() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient alice = SignalClient.connect(server); SignalClient bob = SignalClient.connect(server)) {
            alice.enter(server, "alice", "4321", null);
            bob.enter(server, "bob", "4321", null);

            DismissRoomRequest request = new DismissRoomRequest();
            request.setSdkAppId(server.sdkAppId());
            request.setRoomId(4321L);
            assertThat(client.DismissRoom(request).getRequestId()).isNotBlank();

            for (SignalClient member : new SignalClient[] {alice, bob}) {
                assertThat(member.awaitEvent("kicked", d -> true).path("reason").asText())
                        .isEqualTo("room-dismissed");
                assertThat(member.awaitClose()).isEqualTo(1000);
            }
            assertCode(() -> client.DismissRoom(request), "FailedOperation.RoomNotExist");
        }
        // Dismissed is not banned: the room may be used again at once.
        try (SignalClient again = SignalClient.connect(server)) {
            again.enter(server, "alice", "4321", null);
        }
    }

    @Test
    void dismissRoomByStrRoomId() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient alice = SignalClient.connect(server)) {
            alice.enter(server, "alice", "class-7", null);
            DismissRoomByStrRoomIdRequest request = new DismissRoomByStrRoomIdRequest();
            request.setSdkAppId(server.sdkAppId());
            request.setRoomId("class-7");
            client.DismissRoomByStrRoomId(request);

            assertThat(alice.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("room-dismissed");
            assertCode(() -> client.DismissRoomByStrRoomId(request), "FailedOperation.RoomNotExist");
        }
    }

    @Test
    void removeUserKicksOnlyThemAndKeepsThemOutOfThatRoom() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient alice = SignalClient.connect(server); SignalClient bob = SignalClient.connect(server);
             SignalClient again = SignalClient.connect(server); SignalClient elsewhere = SignalClient.connect(server)) {
            alice.enter(server, "alice", "555", null);
            bob.enter(server, "bob", "555", null);

            RemoveUserRequest request = new RemoveUserRequest();
            request.setSdkAppId(server.sdkAppId());
            request.setRoomId(555L);
            request.setUserIds(new String[] {"alice", "nobody"});
            assertThat(client.RemoveUser(request).getRequestId()).isNotBlank();

            assertThat(alice.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("removed");
            assertThat(alice.awaitClose()).isEqualTo(1000);
            assertThat(bob.awaitEvent("userLeave", "alice").path("reason").asText()).isEqualTo("removed");
            JsonNode refused = again.error("enter", enterData(server, "alice", "555", null),
                    TrtcErrorCode.ROOM_ENTER_FAILED);
            assertThat(refused.path("message").asText()).contains("removed from room");
            // Only that room: another room takes alice at once.
            elsewhere.enter(server, "alice", "556", null);
            bob.ok("message", data().put("cmdID", 1).put("data", "still here"));
        }
    }

    @Test
    void removeUserByStrRoomIdAndItsParameterErrors() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient carol = SignalClient.connect(server)) {
            carol.enter(server, "carol", "moderated", null);
            RemoveUserByStrRoomIdRequest request = new RemoveUserByStrRoomIdRequest();
            request.setSdkAppId(server.sdkAppId());
            request.setRoomId("moderated");
            request.setUserIds(new String[] {"carol"});
            client.RemoveUserByStrRoomId(request);
            assertThat(carol.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("removed");

            // A second credential: the first has spent part of this action's budget (RATE a second).
            TrtcClient errors = sdk(server, createKey(server));
            request.setUserIds(new String[] {"bad user"});
            assertCode(() -> errors.RemoveUserByStrRoomId(request), "InvalidParameter.UserIds");
            request.setUserIds(new String[11]);
            assertCode(() -> errors.RemoveUserByStrRoomId(request), "InvalidParameter.UserIds");
            request.setUserIds(null);
            assertCode(() -> errors.RemoveUserByStrRoomId(request), "MissingParameter.UserIds");
            RemoveUserRequest numeric = new RemoveUserRequest();
            numeric.setSdkAppId(server.sdkAppId());
            numeric.setRoomId(4_294_967_296L);
            numeric.setUserIds(new String[] {"carol"});
            assertCode(() -> client.RemoveUser(numeric), "InvalidParameter.RoomId");
            numeric.setRoomId(null);
            assertCode(() -> client.RemoveUser(numeric), "MissingParameter.RoomId");
        }
    }

    @Test
    void cdnRelayActionsWorkThroughTheSdkToo() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        StartPublishCdnStreamRequest start = new StartPublishCdnStreamRequest();
        start.setSdkAppId(server.sdkAppId());
        start.setRoomId("777");
        start.setRoomIdType(0L);
        start.setWithTranscoding(0L);
        MixUserInfo user = new MixUserInfo();
        user.setUserId("anchor");
        UserMediaStream stream = new UserMediaStream();
        stream.setUserInfo(user);
        stream.setStreamType(0L);
        SingleSubscribeParams single = new SingleSubscribeParams();
        single.setUserMediaStream(stream);
        start.setSingleSubscribeParams(single);
        McuPublishCdnParam target = new McuPublishCdnParam();
        target.setPublishCdnUrl("rtmp://127.0.0.1:1/live/x");
        target.setIsTencentCdn(0L);
        start.setPublishCdnParams(new McuPublishCdnParam[] {target});

        StartPublishCdnStreamResponse started = client.StartPublishCdnStream(start);
        assertThat(started.getTaskId()).matches("[A-Za-z0-9_-]{24}");

        // Another user of the room, to two URLs; then a stale sequence number.
        UpdatePublishCdnStreamRequest update = new UpdatePublishCdnStreamRequest();
        update.setSdkAppId(server.sdkAppId());
        update.setTaskId(started.getTaskId());
        update.setSequenceNumber(1L);
        MixUserInfo guest = new MixUserInfo();
        guest.setUserId("guest");
        UserMediaStream guestStream = new UserMediaStream();
        guestStream.setUserInfo(guest);
        SingleSubscribeParams toGuest = new SingleSubscribeParams();
        toGuest.setUserMediaStream(guestStream);
        update.setSingleSubscribeParams(toGuest);
        McuPublishCdnParam second = new McuPublishCdnParam();
        second.setPublishCdnUrl("rtmp://127.0.0.1:2/live/y");
        update.setPublishCdnParams(new McuPublishCdnParam[] {target, second});
        assertThat(client.UpdatePublishCdnStream(update).getTaskId()).isEqualTo(started.getTaskId());
        CdnPublishTasks.Task task = server.server().live().cdnTasks()
                .find(new SdkAppId(server.sdkAppId()), started.getTaskId()).orElseThrow();
        assertThat(task.streamName()).isEqualTo(server.sdkAppId() + "_777_guest_main");
        assertThat(task.relays()).hasSize(2);
        assertThat(task.sequence()).isEqualTo(1);
        assertCode(() -> client.UpdatePublishCdnStream(update), "InvalidParameter");
        update.setTaskId("no-such-task");
        update.setSequenceNumber(2L);
        assertCode(() -> client.UpdatePublishCdnStream(update), "ResourceNotFound");

        StopPublishCdnStreamRequest stop = new StopPublishCdnStreamRequest();
        stop.setSdkAppId(server.sdkAppId());
        stop.setTaskId(started.getTaskId());
        assertThat(client.StopPublishCdnStream(stop).getRequestId()).isNotBlank();
        assertCode(() -> client.StopPublishCdnStream(stop), "ResourceNotFound");
    }

    @Test
    void aWrongKeyOrAnUnknownOrDeletedIdIsRefused() throws Exception {
        CloudApiClient.Key key = createKey(server);
        DismissRoomRequest request = new DismissRoomRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(1L);

        assertCode(() -> sdk(server, new CloudApiClient.Key(key.secretId(), "x".repeat(32))).DismissRoom(request),
                "AuthFailure.SignatureFailure");
        assertCode(() -> sdk(server, new CloudApiClient.Key("AKID" + "0".repeat(32), key.secretKey()))
                .DismissRoom(request), "AuthFailure.SecretIdNotFound");
        CloudApiClient.cli(server, "apikey", "delete", key.secretId());
        assertCode(() -> sdk(server, key).DismissRoom(request), "AuthFailure.SecretIdNotFound");
    }

    @Test
    void aTimestampMoreThanFiveMinutesOffIsRefused() throws Exception {
        CloudApiClient.Key key = createKey(server);
        String body = "{\"SdkAppId\": " + server.sdkAppId() + ", \"RoomId\": 1}";
        long now = Instant.now().getEpochSecond();

        assertError(signed(server, key, "DismissRoom", "2019-07-22", now - 360, body), "AuthFailure.SignatureExpire");
        assertError(signed(server, key, "DismissRoom", "2019-07-22", now + 360, body), "AuthFailure.SignatureExpire");
        // Within the window, the same hand-made signature is good: the room just does not exist.
        assertError(signed(server, key, "DismissRoom", "2019-07-22", now - 60, body), "FailedOperation.RoomNotExist");
    }

    @Test
    void aCredentialScopedToAnotherAppIsRefused() throws Exception {
        App other = server.server().apps().create("other app");
        CloudApiClient.Key scoped = createKey(server, other.sdkAppId().value());
        DismissRoomRequest request = new DismissRoomRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(1L);

        assertCode(() -> sdk(server, scoped).DismissRoom(request), "AuthFailure.UnauthorizedOperation");
        request.setSdkAppId(other.sdkAppId().value());
        assertCode(() -> sdk(server, scoped).DismissRoom(request), "FailedOperation.RoomNotExist");
        request.setSdkAppId(1234L);
        assertCode(() -> sdk(server, createKey(server)).DismissRoom(request), "FailedOperation.SdkAppIdNotExist");
    }

    @Test
    void overTheRateOfAnActionIsRequestLimitExceeded() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        DismissRoomRequest request = new DismissRoomRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(1L);
        int limited = 0;
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            try {
                client.DismissRoom(request);
            } catch (TencentCloudSDKException e) {
                if (e.getErrorCode().equals("RequestLimitExceeded")) {
                    limited++;
                } else {
                    assertThat(e.getErrorCode()).isEqualTo("FailedOperation.RoomNotExist");
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // At most RATE at once and RATE a second after: 20 calls within (20 - RATE) / RATE seconds must be limited.
        if (seconds < (20.0 - RATE) / RATE - 1) {
            assertThat(limited).as("20 calls in %.1f s", seconds).isPositive();
        }
        // Another action of the same credential has its own budget.
        RemoveUserRequest remove = new RemoveUserRequest();
        remove.setSdkAppId(server.sdkAppId());
        remove.setRoomId(1L);
        remove.setUserIds(new String[] {"x"});
        assertCode(() -> client.RemoveUser(remove), "FailedOperation.RoomNotExist");
    }

    @Test
    void versionActionAndHeadersAreChecked() throws Exception {
        CloudApiClient.Key key = createKey(server);
        String body = "{\"SdkAppId\": " + server.sdkAppId() + ", \"RoomId\": 1}";
        long now = Instant.now().getEpochSecond();

        assertError(signed(server, key, "DismissRoom", "2017-03-12", now, body), "NoSuchVersion");
        assertError(signed(server, key, "DescribeNothing", "2019-07-22", now, body), "InvalidAction");
        assertError(CloudApiClient.raw(server, Map.of("Content-Type", "application/json", "X-TC-Action",
                "DismissRoom", "X-TC-Version", "2019-07-22", "X-TC-Timestamp", Long.toString(now)),
                body.getBytes()), "AuthFailure.InvalidAuthorization");
        assertError(signed(server, key, "DismissRoom", "2019-07-22", now, "{\"RoomId\": 1}"), "MissingParameter");
        assertError(signed(server, key, "DismissRoom", "2019-07-22", now, "[1]"), "InvalidParameter");
        String huge = "{\"SdkAppId\": " + server.sdkAppId() + ", \"Pad\": \"" + "x".repeat(70_000) + "\"}";
        assertError(signed(server, key, "DismissRoom", "2019-07-22", now, huge), "RequestSizeLimitExceeded");
    }

    @Test
    void getStaysTheWebPagesAndTheOlderApiStillAnswers() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");

        JsonNode dismissed = RestApiClient.call(server, "DismissRoom", RestApiClient.adminSig(server),
                "{\"SdkAppId\": " + server.sdkAppId() + ", \"RoomId\": 99}");
        assertError(dismissed, "FailedOperation.RoomNotExist");
    }

    private static void assertError(JsonNode response, String code) {
        assertThat(response.path("Error").path("Code").asText()).as(response.toString()).isEqualTo(code);
        assertThat(response.path("Error").path("Message").asText()).isNotBlank();
        assertThat(response.path("RequestId").asText()).isNotBlank();
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void assertCode(Call call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(TencentCloudSDKException.class, e -> {
            assertThat(e.getErrorCode()).as(e.toString()).isEqualTo(code);
            assertThat(e.getRequestId()).isNotBlank();
        });
    }
}
