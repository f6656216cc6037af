package io.lianmai.server.callback;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.CreateCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DeleteCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.RecordParams;
import com.tencentcloudapi.trtc.v20190722.models.StorageFile;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud recording's callbacks reach the app's receiver through the outbox: 301 when a task starts, 310 for each
 * finished file (with TRTC's FileList and FileMessage), 302 when it ends. The task records with AvMerge 0 (TRTC's
 * default: audio and video of a member in separate files).
 */
class CloudRecordingCallbacksIT {
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("callbacks.allowPrivateTargets", "true",
            "callbacks.pollMillis", "50", "recording.minFreeMegabytes", "64", "api.requestsPerSecond", "1000"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void startFileAndStopEventsWithSeparateAudioAndVideoFiles() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        TrtcClient client = sdk(server, createKey(server));
        try (CallbackReceiver receiver = CallbackReceiver.start(dir, "ok", 0)) {
            server.server().apps().setWebhook(server.app().sdkAppId(), Optional.of(receiver.url()),
                    Optional.of("key"));
            String stream = server.sdkAppId() + "_9501_anchor_main";
            Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("anchor")),
                    30, dir.resolve("ffmpeg.log"));
            String taskId;
            try {
                CreateCloudRecordingRequest create = new CreateCloudRecordingRequest();
                create.setSdkAppId(server.sdkAppId());
                create.setRoomId("9501");
                create.setUserId("recorder");
                create.setUserSig(server.userSig("recorder"));
                RecordParams params = new RecordParams();
                params.setRecordMode(1L);
                params.setOutputFormat(3L);
                create.setRecordParams(params);
                taskId = client.CreateCloudRecording(create).getTaskId();
                String id = taskId;
                Await.until("an audio and a video file", Duration.ofSeconds(20),
                        () -> files(client, id).size() == 2);
                Thread.sleep(4_000);
                DeleteCloudRecordingRequest delete = new DeleteCloudRecordingRequest();
                delete.setSdkAppId(server.sdkAppId());
                delete.setTaskId(taskId);
                client.DeleteCloudRecording(delete);
            } finally {
                FfmpegRtmp.stop(pusher);
            }
            List<StorageFile> files = files(client, taskId);
            assertThat(files).extracting(StorageFile::getTrackType).containsExactlyInAnyOrder("audio", "video");

            Await.until("301, two 310 and 302", Duration.ofSeconds(20),
                    () -> recordingEvents(receiver).size() >= 4, () -> recordingEvents(receiver));
            List<JsonNode> events = recordingEvents(receiver);
            assertThat(events).extracting(body -> body.path("EventType").asInt())
                    .containsExactly(301, 310, 310, 302);
            for (JsonNode event : events) {
                JsonNode info = event.path("EventInfo");
                assertThat(info.path("TaskId").asText()).isEqualTo(taskId);
                assertThat(info.path("RoomId").asLong()).isEqualTo(9501);
                assertThat(info.path("UserId").asText()).isEqualTo("recorder");
            }
            List<String> reported = new ArrayList<>();
            for (JsonNode ready : events.subList(1, 3)) {
                JsonNode message = ready.path("EventInfo").path("Payload").path("FileMessage").get(0);
                reported.add(message.path("FileName").asText());
                assertThat(message.path("UserId").asText()).isEqualTo("anchor");
                assertThat(message.path("EndTimeStamp").asLong()).isGreaterThan(
                        message.path("StartTimeStamp").asLong() + 3_000);
            }
            assertThat(reported).containsExactlyInAnyOrderElementsOf(files.stream().map(StorageFile::getFileName)
                    .toList());
        }
    }

    private static List<StorageFile> files(TrtcClient client, String taskId) {
        DescribeCloudRecordingRequest request = new DescribeCloudRecordingRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setTaskId(taskId);
        try {
            return Arrays.asList(client.DescribeCloudRecording(request).getStorageFileList());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> recordingEvents(CallbackReceiver receiver) {
        List<JsonNode> bodies = new ArrayList<>();
        for (JsonNode request : receiver.requests()) {
            try {
                JsonNode body = JSON.readTree(request.path("body").asText());
                if (body.path("EventGroupId").asInt() == 3) {
                    bodies.add(body);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return bodies;
    }
}
