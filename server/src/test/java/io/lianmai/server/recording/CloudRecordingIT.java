package io.lianmai.server.recording;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.CloudStorage;
import com.tencentcloudapi.trtc.v20190722.models.CreateCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DeleteCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCloudRecordingResponse;
import com.tencentcloudapi.trtc.v20190722.models.ModifyCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.RecordParams;
import com.tencentcloudapi.trtc.v20190722.models.StorageFile;
import com.tencentcloudapi.trtc.v20190722.models.StorageParams;
import com.tencentcloudapi.trtc.v20190722.models.SubscribeStreamUserIds;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud recording driven by Tencent's Java SDK against a real server, with ffmpeg pushing RTMP (H.264 + AAC) into
 * rooms: the files are read back with ffprobe and decoded with ffmpeg.
 */
class CloudRecordingIT {
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("recording.minFreeMegabytes", "64",
            "api.requestsPerSecond", "1000"));

    @TempDir
    Path dir;

    @Test
    void anRtmpPublisherIsRecordedToMp4AndHlsThatDecode() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        TrtcClient client = sdk(server, createKey(server));
        String room = "9201";
        Process pusher = push(ffmpeg, room, "anchor", 30);
        try {
            String taskId = client.CreateCloudRecording(create(room, params(0, 1, 1, null))).getTaskId();
            assertThat(taskId).isNotBlank();
            Await.until("the recording in progress with files", Duration.ofSeconds(20),
                    () -> describe(client, taskId).getStatus().equals("InProgress")
                            && describe(client, taskId).getStorageFileList().length == 2);
            Thread.sleep(6_000);
            client.DeleteCloudRecording(delete(taskId));
            DescribeCloudRecordingResponse ended = describe(client, taskId);
            assertThat(ended.getStatus()).isEqualTo("Exited");
            List<StorageFile> files = Arrays.asList(ended.getStorageFileList());
            assertThat(files).extracting(StorageFile::getUserId).containsOnly("anchor");
            assertThat(files).extracting(StorageFile::getTrackType).containsOnly("audio_video");
            assertThat(files).extracting(StorageFile::getFileName)
                    .allMatch(name -> name.startsWith(server.sdkAppId() + "/" + taskId + "/" + server.sdkAppId()
                            + "_" + room + "_anchor_main_audio_video_"))
                    .anyMatch(name -> name.endsWith(".mp4")).anyMatch(name -> name.endsWith(".m3u8"));
            assertThat(files).allMatch(file -> Math.abs(file.getBeginTimeStamp() - System.currentTimeMillis())
                    < 60_000);
            for (StorageFile file : files) {
                Probe probe = Probe.of(dir, recordings().resolve(file.getFileName()));
                assertThat(probe.codecs()).as(file.getFileName()).containsExactlyInAnyOrder("h264", "aac");
                assertThat(probe.width()).isEqualTo(320);
                assertThat(probe.duration()).as(file.getFileName()).isBetween(5.0, 20.0);
                assertThat(probe.videoFramesDecoded()).as(file.getFileName()).isGreaterThan(120);
            }
            assertCode(() -> client.DeleteCloudRecording(delete(taskId)), "ResourceNotFound");
        } finally {
            FfmpegRtmp.stop(pusher);
        }
    }

    @Test
    void streamTypesAndSubscriptionListsChooseWhatIsRecorded() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        TrtcClient client = sdk(server, createKey(server));
        String room = "9202";
        Process alice = push(ffmpeg, room, "alice", 40);
        Process bob = push(ffmpeg, room, "bob", 40);
        try {
            SubscribeStreamUserIds aliceAudio = new SubscribeStreamUserIds();
            aliceAudio.setSubscribeAudioUserIds(new String[] {"alice"});
            String audioTask = client.CreateCloudRecording(create(room, "rec-audio", params(1, 3, 1, aliceAudio)))
                    .getTaskId();
            SubscribeStreamUserIds notAlice = new SubscribeStreamUserIds();
            notAlice.setUnSubscribeVideoUserIds(new String[] {"ali.*$"});
            String videoTask = client.CreateCloudRecording(create(room, "rec-video", params(2, 3, 1, notAlice)))
                    .getTaskId();
            Await.until("both tasks recording", Duration.ofSeconds(20),
                    () -> describe(client, audioTask).getStorageFileList().length == 1
                            && describe(client, videoTask).getStorageFileList().length == 1);
            Thread.sleep(5_000);
            // Nobody's video any more: bob's recorder stops, its file is finished, the task stays (Idle).
            SubscribeStreamUserIds nobody = new SubscribeStreamUserIds();
            nobody.setUnSubscribeVideoUserIds(new String[] {"alice", "bob"});
            ModifyCloudRecordingRequest modify = new ModifyCloudRecordingRequest();
            modify.setSdkAppId(server.sdkAppId());
            modify.setTaskId(videoTask);
            modify.setSubscribeStreamUserIds(nobody);
            client.ModifyCloudRecording(modify);
            Await.until("the video task idle", Duration.ofSeconds(10),
                    () -> describe(client, videoTask).getStatus().equals("Idle"));
            client.DeleteCloudRecording(delete(audioTask));
            client.DeleteCloudRecording(delete(videoTask));

            StorageFile audio = describe(client, audioTask).getStorageFileList()[0];
            assertThat(audio.getUserId()).isEqualTo("alice");
            assertThat(audio.getTrackType()).isEqualTo("audio");
            Probe audioProbe = Probe.of(dir, recordings().resolve(audio.getFileName()));
            assertThat(audioProbe.codecs()).containsExactly("aac");
            assertThat(audioProbe.duration()).isBetween(4.0, 30.0);

            StorageFile video = describe(client, videoTask).getStorageFileList()[0];
            assertThat(video.getUserId()).isEqualTo("bob");
            assertThat(video.getTrackType()).isEqualTo("video");
            Probe videoProbe = Probe.of(dir, recordings().resolve(video.getFileName()));
            assertThat(videoProbe.codecs()).containsExactly("h264");
            assertThat(videoProbe.videoFramesDecoded()).isGreaterThan(90);
        } finally {
            FfmpegRtmp.stop(alice);
            FfmpegRtmp.stop(bob);
        }
    }

    @Test
    void aTaskEndsAfterMaxIdleTimeWithNobodyInTheRoom() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        RecordParams params = params(0, 3, 1, null);
        params.setMaxIdleTime(5L);
        String taskId = client.CreateCloudRecording(create("9203", params)).getTaskId();
        assertThat(describe(client, taskId).getStatus()).isEqualTo("Idle");
        Await.until("the idle task exited", Duration.ofSeconds(15),
                () -> describe(client, taskId).getStatus().equals("Exited"));
        assertThat(describe(client, taskId).getStorageFileList()).isEmpty();
    }

    @Test
    void garbageRequestsGetTrtcErrors() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        RecordParams mode = params(0, 3, 1, null);
        mode.setRecordMode(3L);
        assertCode(() -> client.CreateCloudRecording(create("9204", mode)), "InvalidParameter.OutOfRange");
        CreateCloudRecordingRequest noParams = create("9204", params(0, 3, 1, null));
        noParams.setRecordParams(null);
        assertCode(() -> client.CreateCloudRecording(noParams), "MissingParameter.RecordParams");
        RecordParams idle = params(0, 3, 1, null);
        idle.setMaxIdleTime(1L);
        assertCode(() -> client.CreateCloudRecording(create("9204", idle)), "InvalidParameter.OutOfRange");
        RecordParams streamType = params(7, 3, 1, null);
        assertCode(() -> client.CreateCloudRecording(create("9204", streamType)), "InvalidParameter.OutOfRange");
        RecordParams aac = params(0, 4, 1, null);
        assertCode(() -> client.CreateCloudRecording(create("9204", aac)), "UnsupportedOperation");
        SubscribeStreamUserIds bad = new SubscribeStreamUserIds();
        bad.setSubscribeVideoUserIds(new String[] {"../../etc/passwd"});
        assertCode(() -> client.CreateCloudRecording(create("9204", params(0, 3, 1, bad))),
                "InvalidParameter.SubscribeStreamUserIds");
        CreateCloudRecordingRequest badUser = create("9204", params(0, 3, 1, null));
        badUser.setUserId("a/b");
        assertCode(() -> client.CreateCloudRecording(badUser), "InvalidParameter.UserId");
        CreateCloudRecordingRequest badRoom = create("4294967296", params(0, 3, 1, null));
        assertCode(() -> client.CreateCloudRecording(badRoom), "InvalidParameter.RoomId");
        CreateCloudRecordingRequest noSig = create("9204", params(0, 3, 1, null));
        noSig.setUserSig(null);
        assertCode(() -> client.CreateCloudRecording(noSig), "MissingParameter.UserSig");
        DescribeCloudRecordingRequest traversal = new DescribeCloudRecordingRequest();
        traversal.setSdkAppId(server.sdkAppId());
        traversal.setTaskId("../../../etc");
        assertCode(() -> client.DescribeCloudRecording(traversal), "InvalidParameter.TaskId");
        DescribeCloudRecordingRequest unknown = new DescribeCloudRecordingRequest();
        unknown.setSdkAppId(server.sdkAppId());
        unknown.setTaskId("00000000-0000-0000-0000-000000000000");
        assertCode(() -> client.DescribeCloudRecording(unknown), "ResourceNotFound");
        assertCode(() -> client.DeleteCloudRecording(delete("")), "MissingParameter.TaskId");
    }

    // ---- helpers ----

    static Process push(Path ffmpeg, String room, String user, int seconds) throws java.io.IOException {
        String stream = server.sdkAppId() + "_" + room + "_" + user + "_main";
        return FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig(user)), seconds,
                Path.of(System.getProperty("java.io.tmpdir")).resolve("rec-" + stream + ".log"));
    }

    private static Path recordings() {
        return server.server().config().recording().directory();
    }

    static RecordParams params(long streamType, long outputFormat, long avMerge, SubscribeStreamUserIds subscribe) {
        RecordParams params = new RecordParams();
        params.setRecordMode(1L);
        params.setStreamType(streamType);
        params.setOutputFormat(outputFormat);
        params.setAvMerge(avMerge);
        params.setMaxIdleTime(30L);
        if (subscribe != null) {
            params.setSubscribeStreamUserIds(subscribe);
        }
        return params;
    }

    private static CreateCloudRecordingRequest create(String room, RecordParams params) {
        return create(room, "recorder", params);
    }

    private static CreateCloudRecordingRequest create(String room, String userId, RecordParams params) {
        CreateCloudRecordingRequest request = new CreateCloudRecordingRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(room);
        request.setUserId(userId);
        request.setUserSig(server.userSig(userId));
        request.setRecordParams(params);
        // Accepted and ignored: files stay in recording.dir.
        StorageParams storage = new StorageParams();
        CloudStorage cos = new CloudStorage();
        cos.setVendor(0L);
        cos.setBucket("bucket");
        cos.setAccessKey("ak");
        cos.setSecretKey("sk");
        storage.setCloudStorage(cos);
        request.setStorageParams(storage);
        return request;
    }

    static DeleteCloudRecordingRequest delete(String taskId) {
        return delete(server.sdkAppId(), taskId);
    }

    static DeleteCloudRecordingRequest delete(long sdkAppId, String taskId) {
        DeleteCloudRecordingRequest request = new DeleteCloudRecordingRequest();
        request.setSdkAppId(sdkAppId);
        request.setTaskId(taskId);
        return request;
    }

    static DescribeCloudRecordingResponse describe(TrtcClient client, String taskId) {
        return describe(client, server.sdkAppId(), taskId);
    }

    static DescribeCloudRecordingResponse describe(TrtcClient client, long sdkAppId, String taskId) {
        DescribeCloudRecordingRequest request = new DescribeCloudRecordingRequest();
        request.setSdkAppId(sdkAppId);
        request.setTaskId(taskId);
        try {
            return client.DescribeCloudRecording(request);
        } catch (TencentCloudSDKException e) {
            throw new AssertionError(e);
        }
    }

    static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code) {
        assertThatThrownBy(call).isInstanceOf(TencentCloudSDKException.class)
                .satisfies(e -> assertThat(((TencentCloudSDKException) e).getErrorCode()).as(e.toString())
                        .isEqualTo(code));
    }
}
