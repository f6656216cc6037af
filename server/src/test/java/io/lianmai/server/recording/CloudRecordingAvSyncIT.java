package io.lianmai.server.recording;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.CreateCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.StorageFile;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.testkit.AiortcPeer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.AvSyncSignal;
import io.lianmai.testkit.DecodedMedia;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.FfmpegDecoder;
import io.lianmai.testkit.ShapedUdpRelay;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lip sync in single-stream recordings: a publisher whose picture flashes white when its sound beeps (at the start of
 * every second, {@link AvSyncSignal}) is recorded to MP4 and HLS, and ffmpeg measures on the decoded files how far
 * each beep is from its flash. The bound is the 60 ms.
 */
class CloudRecordingAvSyncIT {
    /** The bound on the flash-to-beep offset in a recording. */
    private static final double BOUND_SECONDS = 0.060;
    /** aiortc offers Opus as payload type 96 (its codec table); the answer keeps the offer's types. */
    private static final int AIORTC_OPUS_PAYLOAD_TYPE = 96;
    private static final Duration DECODED = Duration.ofSeconds(30);

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("recording.minFreeMegabytes", "64",
            "api.requestsPerSecond", "1000"));

    @TempDir
    Path dir;

    /** RTMP (H.264 + AAC from ffmpeg): the recorder keeps the publisher's timestamps. */
    @Test
    void anRtmpPublishersRecordingKeepsSoundWithPicture() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        FfmpegDecoder decoder = FfmpegDecoder.find(dir);
        String room = "9501";
        String stream = server.sdkAppId() + "_" + room + "_anchor_main";
        Process publisher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("anchor")), 40,
                dir.resolve("publisher.log"), AvSyncSignal.video(320, 240), AvSyncSignal.audio(44_100));
        try {
            StorageFile[] files = record(room, 8_000);
            assertInSync(decoder, files, "RTMP publisher");
        } finally {
            FfmpegRtmp.stop(publisher);
        }
    }

    /**
     * WebRTC (aiortc, VP8 + Opus) with its audio RTP held up 300 ms on the way in (its RTCP not): the recorder takes
     * the room → live bridge's output, whose audio is placed by the sender reports, not by arrival.
     */
    @Test
    void aWebRtcPublishersRecordingKeepsSoundWithPictureWhenItsAudioArrivesLate() throws Exception {
        AiortcPeer.requireInstalled();
        FfmpegDecoder decoder = FfmpegDecoder.find(dir);
        String room = "9502";
        int mediaPort = server.server().media().udpPort();
        try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 0, 1);
                AiortcPeer publisher = AiortcPeer.publishAvSync(server.endpoint("whip", "roomID=" + room, "late",
                        null), server.userSig("late"), mediaPort, relay.port())) {
            relay.delayUplinkRtp(AIORTC_OPUS_PAYLOAD_TYPE, 300);
            publisher.await("connected", Duration.ofSeconds(30));
            StorageFile[] files = record(room, 10_000);
            assertInSync(decoder, files, "WebRTC publisher, audio 300 ms late on the wire");
        }
    }

    /** Records the room (HLS and MP4, audio and video in one file) for {@code millis}; the finished files. */
    private StorageFile[] record(String room, long millis) throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        CreateCloudRecordingRequest create = new CreateCloudRecordingRequest();
        create.setSdkAppId(server.sdkAppId());
        create.setRoomId(room);
        create.setUserId("recorder");
        create.setUserSig(server.userSig("recorder"));
        create.setRecordParams(CloudRecordingIT.params(0, 1, 1, null));
        String taskId = client.CreateCloudRecording(create).getTaskId();
        Await.until("the recording's files", Duration.ofSeconds(30),
                () -> CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList().length == 2);
        Thread.sleep(millis);
        client.DeleteCloudRecording(CloudRecordingIT.delete(server.sdkAppId(), taskId));
        StorageFile[] files = CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList();
        assertThat(files).hasSize(2);
        return files;
    }

    private static void assertInSync(FfmpegDecoder decoder, StorageFile[] files, String who) throws Exception {
        for (StorageFile file : files) {
            Path path = server.server().config().recording().directory().resolve(file.getFileName());
            DecodedMedia decoded = decoder.decode(path.toString(), DECODED, Duration.ofSeconds(30));
            System.out.printf("A/V sync of a recording (%s), %s: sound minus picture %s s%n", who,
                    file.getFileName(), AvSyncSignal.offsets(decoded));
            assertThat(AvSyncSignal.medianOffset(decoded, 5)).as("sound minus picture in %s, seconds",
                    file.getFileName()).isCloseTo(0.0, within(BOUND_SECONDS));
        }
    }
}
