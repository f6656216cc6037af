package io.lianmai.server.recording;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.CreateCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.StorageFile;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud recording's limits (tasks per app, the disk guard) and a string room whose strRoomID holds the characters a
 * file name must not (a libwebrtc member publishing VP8 over WHIP).
 */
class CloudRecordingLimitsIT {
    @TempDir
    Path dir;

    @Test
    void theTaskLimitPerAppAndTheDiskGuardRefuseWithTrtcCodes() throws Exception {
        try (TestServer server = TestServer.start(Map.of("recording.maxTasksPerApp", "1",
                "recording.minFreeMegabytes", "64"))) {
            TrtcClient client = sdk(server, createKey(server));
            client.CreateCloudRecording(create(server, "9601", "rec1"));
            CloudRecordingIT.assertCode(() -> client.CreateCloudRecording(create(server, "9602", "rec2")),
                    "FailedOperation.RestrictedConcurrency");
        }
        // 100 TB to keep free: no disk here has that.
        try (TestServer server = TestServer.start(Map.of("recording.minFreeMegabytes", "100000000"))) {
            TrtcClient client = sdk(server, createKey(server));
            CloudRecordingIT.assertCode(() -> client.CreateCloudRecording(create(server, "9603", "rec")),
                    "ResourceInsufficient.RequestRejection");
        }
    }

    @Test
    void aStringRoomWithOddCharactersIsRecordedUnderASafeName() throws Exception {
        String room = "class 1 %05d ..~h";
        try (TestServer server = TestServer.start(Map.of("recording.minFreeMegabytes", "64",
                "api.requestsPerSecond", "1000"));
                LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            TrtcClient client = sdk(server, createKey(server));
            WhipClient whip = new WhipClient();
            WhipClient.Result published = whip.post(server.endpoint("whip", "strRoomID="
                    + URLEncoder.encode(room, StandardCharsets.UTF_8), "bob", null), server.userSig("bob"),
                    publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            publisher.acceptAnswer(published.body());
            CreateCloudRecordingRequest create = create(server, room, "recorder");
            create.setRoomIdType(0L);
            create.getRecordParams().setStreamType(2L); // libwebrtc's headless microphone sends silence only
            String taskId = client.CreateCloudRecording(create).getTaskId();
            Await.until("a file", Duration.ofSeconds(30),
                    () -> CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList().length
                            == 1);
            Thread.sleep(5_000);
            client.DeleteCloudRecording(CloudRecordingIT.delete(server.sdkAppId(), taskId));
            StorageFile file = CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList()[0];
            assertThat(file.getUserId()).isEqualTo("bob");
            assertThat(file.getFileName()).startsWith(server.sdkAppId() + "/" + taskId + "/" + server.sdkAppId()
                    + "_s-class~201~20~2505d~20~2E~2E~7Eh_bob_main_video_");
            Path recordings = server.server().config().recording().directory();
            Path mp4 = recordings.resolve(file.getFileName());
            assertThat(mp4.normalize()).startsWith(recordings);
            Probe probe = Probe.of(dir, mp4);
            assertThat(probe.codecs()).as("VP8 from libwebrtc, transcoded").containsExactly("h264");
            assertThat(probe.videoFramesDecoded()).isGreaterThan(30);
            whip.delete(published.location());
        }
    }

    private static CreateCloudRecordingRequest create(TestServer server, String room, String userId) {
        CreateCloudRecordingRequest request = new CreateCloudRecordingRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(room);
        request.setUserId(userId);
        request.setUserSig(server.userSig(userId));
        request.setRecordParams(CloudRecordingIT.params(0, 3, 1, null));
        return request;
    }
}
