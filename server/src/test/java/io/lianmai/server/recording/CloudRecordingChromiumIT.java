package io.lianmai.server.recording;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.CreateCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.StorageFile;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.LiveOutput;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.ToneDetector;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud recording of WebRTC members: headless Chromium publishes over WHIP (VP8, or H.264) with a fake microphone
 * playing a 440 Hz tone; the recorded MP4 has H.264 (VP8 transcoded, H.264 as sent) and AAC (from Opus) that ffmpeg
 * decodes, the tone heard in it.
 */
class CloudRecordingChromiumIT {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    /** A busy machine's fake camera may drop to about 10 fps (RoomToLiveIT's floor). */
    private static final int MIN_FRAMES = 25;
    private static final String FIXED_CAMERA = "(() => {"
            + "  const devices = navigator.mediaDevices, original = devices.getUserMedia.bind(devices);"
            + "  devices.getUserMedia = async constraints => {"
            + "    const media = await original({...constraints, video: constraints.video"
            + "        && {width: {exact: " + WIDTH + "}, height: {exact: " + HEIGHT + "}}});"
            + "    media.getVideoTracks().forEach(track => { track.contentHint = 'detail'; });"
            + "    return media; };"
            + "})();";

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("recording.minFreeMegabytes", "64",
            "api.requestsPerSecond", "1000"));

    @TempDir
    Path dir;

    @Test
    void aVp8PublisherIsRecordedAsH264AndAac() throws Exception {
        recordBrowser("vp8", 9401);
    }

    @Test
    void anH264PublisherIsRecordedAsSent() throws Exception {
        recordBrowser("h264", 9402);
    }

    private void recordBrowser(String codec, long room) throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        try (HeadlessChromium browser = publishFromChromium(codec, room, "alice")) {
            CreateCloudRecordingRequest create = new CreateCloudRecordingRequest();
            create.setSdkAppId(server.sdkAppId());
            create.setRoomId(Long.toString(room));
            create.setUserId("recorder");
            create.setUserSig(server.userSig("recorder"));
            create.setRecordParams(CloudRecordingIT.params(0, 3, 1, null));
            String taskId = client.CreateCloudRecording(create).getTaskId();
            Await.until("a file", Duration.ofSeconds(30),
                    () -> CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList().length == 1);
            Thread.sleep(8_000);
            client.DeleteCloudRecording(CloudRecordingIT.delete(server.sdkAppId(), taskId));
            StorageFile file = CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList()[0];
            assertThat(file.getUserId()).isEqualTo("alice");
            assertThat(file.getTrackType()).isEqualTo("audio_video");
            Path mp4 = server.server().config().recording().directory().resolve(file.getFileName());
            Probe probe = Probe.of(dir, mp4);
            assertThat(probe.codecs()).containsExactlyInAnyOrder("h264", "aac");
            assertThat(probe.width()).isEqualTo(WIDTH);
            assertThat(probe.duration()).isBetween(5.0, 20.0);
            LiveOutput.assertSeenAndHeard(dir, mp4.toString(), MIN_FRAMES);
        }
    }

    private HeadlessChromium publishFromChromium(String codec, long room, String user) throws IOException {
        Path tone = ToneDetector.writeWav(dir.resolve("tone.wav"), LiveOutput.TONE_HZ, 1, 48_000);
        HeadlessChromium browser = HeadlessChromium.startWithMicrophone(tone);
        try {
            browser.onEveryPage(FIXED_CAMERA);
            browser.open(server.url("/whip.html?codec=" + codec + "&sdkAppID=" + server.sdkAppId() + "&roomID=" + room
                    + "&userID=" + user + "&userSig=" + URLEncoder.encode(server.userSig(user),
                    StandardCharsets.UTF_8)).toString());
            browser.await("publisher connected", Duration.ofSeconds(30), () -> {
                String log = String.valueOf(browser.pageLog());
                return log.contains("connection connected") && log.contains("published ");
            });
            return browser;
        } catch (RuntimeException | Error e) {
            browser.close();
            throw e;
        }
    }
}
