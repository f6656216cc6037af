package io.lianmai.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.CreateCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DeleteCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCloudRecordingResponse;
import com.tencentcloudapi.trtc.v20190722.models.StorageFile;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.api.CloudApiClient;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.cli.CliContext;
import io.lianmai.server.cli.LianmaiCommand;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process recording an RTMP publisher is killed with SIGKILL mid-recording: the fragmented MP4 and the HLS
 * playlist it was writing decode with ffmpeg up to their last fragment, and a server started again on the same data
 * directory resumes the task (still running, new files once the publisher is back) until it is deleted. The same for
 * a mixed recording (RecordMode 2): its mix is started again with the resumed task.
 */
class CloudRecordingCrashIT {
    @TempDir
    Path dir;

    @Test
    void aKilledServerLeavesPlayableFilesAndTheTaskResumes() throws Exception {
        crashAndResume("9301", false);
    }

    @Test
    void aKilledServerLeavesPlayableMixedFilesAndTheMixedTaskResumes() throws Exception {
        crashAndResume("9302", true);
    }

    private void crashAndResume(String room, boolean mixed) throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path data = dir.resolve("data");
        String created = cli("app", "create", "--name", "recorded", "--data-dir", data.toString());
        SdkAppId app = new SdkAppId(Long.parseLong(field(created, "SDKAppID")));
        UserSigSigner signer = new UserSigSigner(app, field(created, "SecretKey"), Clock.systemUTC());
        String key = cli("apikey", "create", "--sdkappid", app.toString(), "--data-dir", data.toString());
        CloudApiClient.Key credential = new CloudApiClient.Key(field(key, "SecretId"), field(key, "SecretKey"));
        int rtmpPort = freePort();
        Map<String, String> settings = Map.of("apps.createDefault", "false", "rtmp.port",
                Integer.toString(rtmpPort), "recording.minFreeMegabytes", "64", "api.requestsPerSecond", "1000");
        Path recordings = data.resolve("recordings");

        String taskId;
        List<StorageFile> before;
        Process pusher;
        try (ChildServer server = ChildServer.start(data, dir.resolve("server.log"), settings)) {
            TrtcClient client = CloudApiClient.sdk(server.httpPort(), credential);
            pusher = push(ffmpeg, rtmpPort, app, signer, room, 120);
            try {
                CreateCloudRecordingRequest create = new CreateCloudRecordingRequest();
                create.setSdkAppId(app.value());
                create.setRoomId(room);
                create.setUserId("recorder");
                create.setUserSig(signer.genUserSig("recorder", 3600));
                create.setRecordParams(CloudRecordingIT.params(0, 1, 1, null));
                if (mixed) {
                    create.getRecordParams().setRecordMode(2L);
                    // 30 fps as the publisher (TRTC's default 15 would give fewer frames than the checks below).
                    com.tencentcloudapi.trtc.v20190722.models.VideoParams video =
                            new com.tencentcloudapi.trtc.v20190722.models.VideoParams();
                    video.setWidth(320L);
                    video.setHeight(240L);
                    video.setFps(30L);
                    video.setGop(1L);
                    com.tencentcloudapi.trtc.v20190722.models.MixTranscodeParams transcode =
                            new com.tencentcloudapi.trtc.v20190722.models.MixTranscodeParams();
                    transcode.setVideoParams(video);
                    create.setMixTranscodeParams(transcode);
                }
                taskId = client.CreateCloudRecording(create).getTaskId();
                String id = taskId;
                Await.until("the recording in progress", Duration.ofSeconds(20),
                        () -> describe(client, app, id).getStorageFileList().length == 2);
                // Past the first 4 s HLS segment, several MP4 fragments.
                Thread.sleep(9_000);
                before = Arrays.asList(describe(client, app, taskId).getStorageFileList());
                server.kill9();
            } finally {
                FfmpegRtmp.stop(pusher);
            }
        }
        assertThat(before).hasSize(2);
        assertThat(before).extracting(StorageFile::getFileName).allMatch(name -> name.contains(mixed
                ? "_" + room + "_mix_audio_video_" : "_" + room + "_anchor_main_audio_video_"));
        for (StorageFile file : before) {
            if (!file.getFileName().endsWith(".mp4")) {
                continue; // an open HLS event playlist: a player waits for more; the next start ends it (below)
            }
            Probe probe = Probe.of(dir, recordings.resolve(file.getFileName()));
            assertThat(probe.codecs()).as(file.getFileName()).containsExactlyInAnyOrder("h264", "aac");
            assertThat(probe.videoFramesDecoded()).as("frames of " + file.getFileName() + " after kill -9")
                    .isGreaterThanOrEqualTo(90);
        }

        try (ChildServer server = ChildServer.start(data, dir.resolve("server2.log"), settings)) {
            TrtcClient client = CloudApiClient.sdk(server.httpPort(), credential);
            String id = taskId;
            assertThat(describe(client, app, taskId).getStatus()).as("resumed").isIn("Idle", "InProgress");
            for (StorageFile file : before) {
                if (file.getFileName().endsWith(".m3u8")) {
                    Probe probe = Probe.of(dir, recordings.resolve(file.getFileName()));
                    assertThat(probe.codecs()).as(file.getFileName()).containsExactlyInAnyOrder("h264", "aac");
                    assertThat(probe.videoFramesDecoded()).as("frames of the playlist left by kill -9, ended at "
                            + "the restart").isGreaterThanOrEqualTo(90);
                }
            }
            pusher = push(ffmpeg, rtmpPort, app, signer, room, 60);
            try {
                Await.until("new files after the restart", Duration.ofSeconds(30),
                        () -> describe(client, app, id).getStorageFileList().length == 4);
                Thread.sleep(5_000);
                DeleteCloudRecordingRequest delete = new DeleteCloudRecordingRequest();
                delete.setSdkAppId(app.value());
                delete.setTaskId(taskId);
                client.DeleteCloudRecording(delete);
            } finally {
                FfmpegRtmp.stop(pusher);
            }
            DescribeCloudRecordingResponse ended = describe(client, app, taskId);
            assertThat(ended.getStatus()).isEqualTo("Exited");
            for (StorageFile file : ended.getStorageFileList()) {
                if (before.stream().noneMatch(old -> old.getFileName().equals(file.getFileName()))) {
                    Probe probe = Probe.of(dir, recordings.resolve(file.getFileName()));
                    assertThat(probe.codecs()).containsExactlyInAnyOrder("h264", "aac");
                    assertThat(probe.videoFramesDecoded()).isGreaterThanOrEqualTo(90);
                }
            }
        }
    }

    private static Process push(Path ffmpeg, int rtmpPort, SdkAppId app, UserSigSigner signer, String room,
            int seconds) throws java.io.IOException {
        String url = "rtmp://127.0.0.1:" + rtmpPort + "/live/" + app + "_" + room + "_anchor_main?usersig="
                + URLEncoder.encode(signer.genUserSig("anchor", 3600), StandardCharsets.UTF_8);
        return FfmpegRtmp.publish(ffmpeg, url, seconds, Files.createTempFile("rec-crash", ".log"));
    }

    private static DescribeCloudRecordingResponse describe(TrtcClient client, SdkAppId app, String taskId) {
        DescribeCloudRecordingRequest request = new DescribeCloudRecordingRequest();
        request.setSdkAppId(app.value());
        request.setTaskId(taskId);
        try {
            return client.DescribeCloudRecording(request);
        } catch (TencentCloudSDKException e) {
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String field(String output, String label) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(label + "\\s+(\\S+)").matcher(output);
        if (!matcher.find()) {
            throw new AssertionError(label + " not in: " + output);
        }
        return matcher.group(1);
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
