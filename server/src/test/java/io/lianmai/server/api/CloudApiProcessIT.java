package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCallDetailInfoRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeRoomInfoRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeRoomInfoResponse;
import com.tencentcloudapi.trtc.v20190722.models.DescribeUserEventRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeUserInfoRequest;
import com.tencentcloudapi.trtc.v20190722.models.DismissRoomByStrRoomIdRequest;
import com.tencentcloudapi.trtc.v20190722.models.DismissRoomRequest;
import com.tencentcloudapi.trtc.v20190722.models.McuPublishCdnParam;
import com.tencentcloudapi.trtc.v20190722.models.MixUserInfo;
import com.tencentcloudapi.trtc.v20190722.models.RemoveUserByStrRoomIdRequest;
import com.tencentcloudapi.trtc.v20190722.models.RemoveUserRequest;
import com.tencentcloudapi.trtc.v20190722.models.RoomState;
import com.tencentcloudapi.trtc.v20190722.models.SingleSubscribeParams;
import com.tencentcloudapi.trtc.v20190722.models.StartPublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.StopPublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.UpdatePublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.UserMediaStream;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.cli.CliContext;
import io.lianmai.server.cli.LianmaiCommand;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tencent's Java SDK against a real server process (its own JVM, `serve` on a data directory the operator's CLI
 * prepared): every action of the server API once, with the answers a backend relies on, and the refusals — a wrong
 * key, an expired timestamp, a credential scoped to another app. The in-process ITs ({@code CloudApiIT},
 * {@code RoomHistoryIT}, {@code ConsoleApiIT}) test each action's details.
 */
class CloudApiProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void everyActionThroughTheSdkAgainstAServerProcess() throws Exception {
        Path data = dir.resolve("data");
        String created = cli("app", "create", "--name", "backend", "--data-dir", data.toString());
        SdkAppId app = new SdkAppId(Long.parseLong(CloudApiClient.field(created, "SDKAppID")));
        UserSigSigner signer = new UserSigSigner(app, CloudApiClient.field(created, "SecretKey"), Clock.systemUTC());
        SdkAppId other = new SdkAppId(Long.parseLong(CloudApiClient.field(cli("app", "create", "--name", "other", "--data-dir",
                data.toString()), "SDKAppID")));
        String key = cli("apikey", "create", "--sdkappid", app.toString(), "--data-dir", data.toString());
        CloudApiClient.Key credential = new CloudApiClient.Key(CloudApiClient.field(key, "SecretId"), CloudApiClient.field(key, "SecretKey"));
        String scoped = cli("apikey", "create", "--sdkappid", other.toString(), "--data-dir", data.toString());
        CloudApiClient.Key otherCredential = new CloudApiClient.Key(CloudApiClient.field(scoped, "SecretId"),
                CloudApiClient.field(scoped, "SecretKey"));
        long start = Instant.now().getEpochSecond() - 1;

        try (ChildServer server = ChildServer.start(data, dir.resolve("server.log"), Map.of(
                "apps.createDefault", "false", "cdn.allowPrivateTargets", "true"))) {
            TrtcClient client = CloudApiClient.sdk(server.httpPort(), credential);
            try (SignalClient alice = SignalClient.connect(server.signalling());
                 SignalClient bob = SignalClient.connect(server.signalling());
                 SignalClient carol = SignalClient.connect(server.signalling());
                 SignalClient dave = SignalClient.connect(server.signalling())) {
                alice.ok("enter", enter(signer, app, "alice", 9101));
                bob.ok("enter", enter(signer, app, "bob", 9101));
                carol.ok("enter", enter(signer, app, "carol", 9102));
                dave.ok("enter", enter(signer, app, "dave", "class-9"));

                // Room history: the room, its users, their quality and events.
                RoomState room = room(client, app, start);
                assertThat(room.getCommId()).isEqualTo(app + "_9101_" + room.getCreateTime());
                assertThat(room.getUserId()).isEqualTo("alice");
                DescribeUserInfoRequest users = new DescribeUserInfoRequest();
                users.setSdkAppId(app.value());
                users.setCommId(room.getCommId());
                users.setStartTime(start);
                users.setEndTime(Instant.now().getEpochSecond() + 1);
                assertThat(client.DescribeUserInfo(users).getTotal()).isEqualTo(2);
                DescribeCallDetailInfoRequest details = new DescribeCallDetailInfoRequest();
                details.setSdkAppId(app.value());
                details.setCommId(room.getCommId());
                details.setStartTime(start);
                details.setEndTime(Instant.now().getEpochSecond() + 1);
                assertThat(client.DescribeCallDetailInfo(details).getUserList()).hasSize(2);
                DescribeUserEventRequest events = new DescribeUserEventRequest();
                events.setSdkAppId(app.value());
                events.setCommId(room.getCommId());
                events.setRoomId("9101");
                events.setUserId("alice");
                events.setStartTime(start);
                events.setEndTime(Instant.now().getEpochSecond() + 1);
                assertThat(client.DescribeUserEvent(events).getData()[0].getContent()[0].getEventId())
                        .as("entered").isEqualTo(5001L);

                // Relaying a member's stream to a CDN: start, move, stop.
                StartPublishCdnStreamRequest relay = new StartPublishCdnStreamRequest();
                relay.setSdkAppId(app.value());
                relay.setRoomId("9101");
                relay.setRoomIdType(0L);
                relay.setWithTranscoding(0L);
                relay.setSingleSubscribeParams(single("alice"));
                relay.setPublishCdnParams(new McuPublishCdnParam[] {target("rtmp://127.0.0.1:1/live/a")});
                String taskId = client.StartPublishCdnStream(relay).getTaskId();
                UpdatePublishCdnStreamRequest update = new UpdatePublishCdnStreamRequest();
                update.setSdkAppId(app.value());
                update.setTaskId(taskId);
                update.setSequenceNumber(1L);
                update.setSingleSubscribeParams(single("bob"));
                assertThat(client.UpdatePublishCdnStream(update).getTaskId()).isEqualTo(taskId);
                StopPublishCdnStreamRequest stop = new StopPublishCdnStreamRequest();
                stop.setSdkAppId(app.value());
                stop.setTaskId(taskId);
                client.StopPublishCdnStream(stop);

                // Moderation.
                RemoveUserRequest remove = new RemoveUserRequest();
                remove.setSdkAppId(app.value());
                remove.setRoomId(9101L);
                remove.setUserIds(new String[] {"bob"});
                client.RemoveUser(remove);
                assertThat(bob.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("removed");
                DismissRoomRequest dismiss = new DismissRoomRequest();
                dismiss.setSdkAppId(app.value());
                dismiss.setRoomId(9102L);
                client.DismissRoom(dismiss);
                assertThat(carol.awaitEvent("kicked", d -> true).path("reason").asText())
                        .isEqualTo("room-dismissed");
                RemoveUserByStrRoomIdRequest removeByName = new RemoveUserByStrRoomIdRequest();
                removeByName.setSdkAppId(app.value());
                removeByName.setRoomId("class-9");
                removeByName.setUserIds(new String[] {"nobody"});
                client.RemoveUserByStrRoomId(removeByName);
                DismissRoomByStrRoomIdRequest dismissByName = new DismissRoomByStrRoomIdRequest();
                dismissByName.setSdkAppId(app.value());
                dismissByName.setRoomId("class-9");
                client.DismissRoomByStrRoomId(dismissByName);
                assertThat(dave.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("room-dismissed");
                assertThat(alice.awaitEvent("userLeave", "bob").path("reason").asText()).isEqualTo("removed");
            }

            // Refusals, with Tencent's codes.
            DismissRoomRequest any = new DismissRoomRequest();
            any.setSdkAppId(app.value());
            any.setRoomId(1L);
            assertCode(() -> CloudApiClient.sdk(server.httpPort(), new CloudApiClient.Key(credential.secretId(),
                    "x".repeat(32))).DismissRoom(any), "AuthFailure.SignatureFailure");
            assertCode(() -> CloudApiClient.sdk(server.httpPort(), otherCredential).DismissRoom(any),
                    "AuthFailure.UnauthorizedOperation");
            String body = "{\"SdkAppId\": " + app + ", \"RoomId\": 1}";
            assertThat(CloudApiClient.signed(server.httpPort(), credential, "DismissRoom", "2019-07-22",
                    Instant.now().getEpochSecond() - 400, body).path("Error").path("Code").asText())
                    .isEqualTo("AuthFailure.SignatureExpire");
            server.stop();
        }
    }

    private static RoomState room(TrtcClient client, SdkAppId app, long start) {
        DescribeRoomInfoRequest request = new DescribeRoomInfoRequest();
        request.setSdkAppId(app.value());
        request.setStartTime(start);
        request.setRoomId("9101");
        AtomicReference<DescribeRoomInfoResponse> rooms = new AtomicReference<>();
        Await.until("room 9101 in DescribeRoomInfo", WAIT, () -> {
            request.setEndTime(Instant.now().getEpochSecond() + 1);
            try {
                rooms.set(client.DescribeRoomInfo(request));
            } catch (TencentCloudSDKException e) {
                throw new AssertionError(e);
            }
            return rooms.get().getTotal() == 1;
        });
        return rooms.get().getRoomList()[0];
    }

    private static SingleSubscribeParams single(String userId) {
        MixUserInfo user = new MixUserInfo();
        user.setUserId(userId);
        UserMediaStream stream = new UserMediaStream();
        stream.setUserInfo(user);
        stream.setStreamType(0L);
        SingleSubscribeParams single = new SingleSubscribeParams();
        single.setUserMediaStream(stream);
        return single;
    }

    private static McuPublishCdnParam target(String url) {
        McuPublishCdnParam target = new McuPublishCdnParam();
        target.setPublishCdnUrl(url);
        target.setIsTencentCdn(0L);
        return target;
    }

    private static ObjectNode enter(UserSigSigner signer, SdkAppId app, String userId, Object room) {
        ObjectNode data = SignalClient.data().put("sdkAppID", app.value()).put("userID", userId)
                .put("userSig", signer.genUserSig(userId, 3600));
        return room instanceof Integer id ? data.put("roomID", id) : data.put("strRoomID", room.toString());
    }

    private interface Call {
        void run() throws TencentCloudSDKException;
    }

    private static void assertCode(Call call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(TencentCloudSDKException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(code));
    }

    private String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = LianmaiCommand.commandLine(new CliContext(Map.of(), dir, Clock.systemUTC()),
                new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        assertThat(status).as("lianmai %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }
}
