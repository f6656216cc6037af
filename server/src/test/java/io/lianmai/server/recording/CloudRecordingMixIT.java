package io.lianmai.server.recording;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static io.lianmai.server.recording.CloudRecordingIT.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.AudioParams;
import com.tencentcloudapi.trtc.v20190722.models.CreateCloudRecordingRequest;
import com.tencentcloudapi.trtc.v20190722.models.MixLayout;
import com.tencentcloudapi.trtc.v20190722.models.MixLayoutParams;
import com.tencentcloudapi.trtc.v20190722.models.MixTranscodeParams;
import com.tencentcloudapi.trtc.v20190722.models.RecordParams;
import com.tencentcloudapi.trtc.v20190722.models.StorageFile;
import com.tencentcloudapi.trtc.v20190722.models.SubscribeStreamUserIds;
import com.tencentcloudapi.trtc.v20190722.models.VideoParams;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.live.MixTasks;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.AiortcPeer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.AvSyncSignal;
import io.lianmai.testkit.DecodedMedia;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.FfmpegDecoder;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.ShapedUdpRelay;
import io.lianmai.testkit.ToneDetector;
import io.lianmai.testkit.WhipClient;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed cloud recording (RecordMode 2) through Tencent's Java SDK against a real server: members publish (ffmpeg over
 * RTMP with a solid colour and a tone each, libwebrtc and aiortc over WHIP), the task mixes them as
 * MixLayoutParams says into one file, and ffprobe/ffmpeg read that file back: its size, each member's picture where
 * the layout puts it, each tone in the sound, and a flash/beep publisher's lip sync.
 */
class CloudRecordingMixIT {
    private static final int RED_HZ = 500;
    private static final int BLUE_HZ = 1200;
    /** The bound on the flash-to-beep offset in a recording. */
    private static final double LIP_SYNC_BOUND_SECONDS = 0.060;
    /** aiortc offers Opus as payload type 96 (its codec table); the answer keeps the offer's types. */
    private static final int AIORTC_OPUS_PAYLOAD_TYPE = 96;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("recording.minFreeMegabytes", "64",
            "api.requestsPerSecond", "1000", "mix.maxPerApp", "1"));

    @TempDir
    Path dir;

    /**
     * Red (RTMP, 500 Hz) top left, blue (RTMP, 1200 Hz) top right, a libwebrtc camera (WHIP, VP8) across the bottom,
     * on a green background, 640×360: one MP4 and one HLS file, named by app, room and "mix", listed by
     * DescribeCloudRecording; DeleteCloudRecording stops the mix with the recorder.
     */
    @Test
    void threeMembersAreMixedIntoOneFileAsTheCustomLayoutSays() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        TrtcClient client = sdk(server, createKey(server));
        String room = "9601";
        MixTasks mixes = server.server().live().mixes();
        try (SignalClient viewer = SignalClient.connect(server); LibWebRtcPeer camera = LibWebRtcPeer.publisher()) {
            viewer.enter(server, "viewer", room, null);
            Process red = publish(ffmpeg, room, "red", "color=c=red:size=320x240:rate=30", tone(RED_HZ));
            Process blue = publish(ffmpeg, room, "blue", "color=c=blue:size=320x240:rate=30", tone(BLUE_HZ));
            try {
                WhipClient.Result published = new WhipClient().post(
                        server.endpoint("whip", "roomID=" + room, "cam", null), server.userSig("cam"),
                        camera.createOffer());
                assertThat(published.status()).as(published.body()).isEqualTo(201);
                camera.acceptAnswer(published.body());
                for (int i = 0; i < 3; i++) { // each wait consumes the events before its match
                    viewer.awaitEvent("streamAdd", data -> List.of("red", "blue", "cam")
                            .contains(data.path("userID").asText()));
                }

                MixLayoutParams layout = new MixLayoutParams();
                layout.setMixLayoutMode(4L);
                layout.setBackGroundColor("#00FF00");
                layout.setMixLayoutList(new MixLayout[] {region("red", 0, 0, 320, 180),
                        region("blue", 320, 0, 320, 180), region("cam", 0, 180, 640, 180)});
                String taskId = client.CreateCloudRecording(create(room, mixed(1, null), transcode(640, 360),
                        layout)).getTaskId();
                Await.until("the mixed recording's files", DEADLINE,
                        () -> CloudRecordingIT.describe(client, server.sdkAppId(), taskId)
                                .getStorageFileList().length == 2);
                assertThat(mixes.unlistedCount()).as("the recording's own mix").isEqualTo(1);
                assertThat(mixes.size()).as("no listed (playable) mix").isZero();
                Thread.sleep(9_000);
                client.DeleteCloudRecording(CloudRecordingIT.delete(server.sdkAppId(), taskId));
                assertThat(mixes.unlistedCount()).as("the mix stops with the task").isZero();

                List<StorageFile> files = Arrays.asList(
                        CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList());
                assertThat(files).extracting(StorageFile::getFileName)
                        .allMatch(name -> name.startsWith(server.sdkAppId() + "/" + taskId + "/" + server.sdkAppId()
                                + "_" + room + "_mix_audio_video_"))
                        .anyMatch(name -> name.endsWith(".mp4")).anyMatch(name -> name.endsWith(".m3u8"));
                assertThat(files).extracting(StorageFile::getTrackType).containsOnly("audio_video");
                for (StorageFile file : files) {
                    Path path = recordings().resolve(file.getFileName());
                    Probe probe = Probe.of(dir, path);
                    assertThat(probe.codecs()).as(file.getFileName()).containsExactlyInAnyOrder("h264", "aac");
                    assertThat(probe.width()).isEqualTo(640);
                    assertThat(height(path)).isEqualTo(360);
                    assertThat(probe.duration()).as(file.getFileName()).isBetween(6.0, 20.0);
                    Decoded end = decodeEnd(ffmpeg, path);
                    assertColour(end.pixel(8, 4), 0xFF0000, "red's place (top left) in " + file.getFileName());
                    assertColour(end.pixel(24, 4), 0x0000FF, "blue's place (top right) in " + file.getFileName());
                    assertThat(isColour(end.pixel(16, 13), 0x00FF00)).as("the camera's place (bottom) shows a picture,"
                            + " not the green background: %06x", end.pixel(16, 13)).isFalse();
                    assertThat(end.toneShare(RED_HZ)).as("red's tone").isGreaterThan(0.15);
                    assertThat(end.toneShare(BLUE_HZ)).as("blue's tone").isGreaterThan(0.15);
                }
            } finally {
                FfmpegRtmp.stop(red);
                FfmpegRtmp.stop(blue);
            }
        }
    }

    /**
     * A WebRTC publisher (aiortc, VP8 + Opus) whose audio RTP arrives 300 ms late: the mix places each track by its
     * sender reports, and the mixed recording keeps flash and beep within the 60 ms.
     */
    @Test
    void aMixedRecordingKeepsAWebRtcPublishersSoundWithItsPicture() throws Exception {
        AiortcPeer.requireInstalled();
        String room = "9602";
        int mediaPort = server.server().media().udpPort();
        try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 0, 1);
                AiortcPeer publisher = AiortcPeer.publishAvSync(server.endpoint("whip", "roomID=" + room, "late",
                        null), server.userSig("late"), mediaPort, relay.port())) {
            relay.delayUplinkRtp(AIORTC_OPUS_PAYLOAD_TYPE, 300);
            publisher.await("connected", DEADLINE);
            assertMixedRecordingInSync(room, "WebRTC publisher, audio 300 ms late on the wire");
        }
    }

    /** An RTMP publisher (ffmpeg, H.264 + AAC) of the flash/beep pattern, mixed and recorded. */
    @Test
    void aMixedRecordingKeepsAnRtmpPublishersSoundWithItsPicture() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        String room = "9603";
        Process publisher = publish(ffmpeg, room, "anchor", AvSyncSignal.video(320, 240), AvSyncSignal.audio(44_100));
        try {
            assertMixedRecordingInSync(room, "RTMP publisher");
        } finally {
            FfmpegRtmp.stop(publisher);
        }
    }

    /**
     * StreamType 1 and 2 in mixed mode: an audio-only mixed recording has only AAC with both members' tones; a
     * video-only one only H.264 with both members' colours where the layout puts them. Files named {@code _mix_audio_}
     * and {@code _mix_video_}.
     */
    @Test
    void audioOnlyAndVideoOnlyMixedRecordings() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        TrtcClient client = sdk(server, createKey(server));
        String room = "9605";
        try (SignalClient viewer = SignalClient.connect(server)) {
            viewer.enter(server, "viewer", room, null);
            Process red = publish(ffmpeg, room, "red", "color=c=red:size=320x240:rate=30", tone(RED_HZ));
            Process blue = publish(ffmpeg, room, "blue", "color=c=blue:size=320x240:rate=30", tone(BLUE_HZ));
            try {
                for (int i = 0; i < 2; i++) { // each wait consumes the events before its match
                    viewer.awaitEvent("streamAdd", data -> List.of("red", "blue")
                            .contains(data.path("userID").asText()));
                }
                MixLayoutParams layout = new MixLayoutParams();
                layout.setMixLayoutMode(4L);
                layout.setMixLayoutList(new MixLayout[] {region("red", 0, 0, 320, 360),
                        region("blue", 320, 0, 320, 360)});
                for (long streamType : new long[] {1, 2}) {
                    RecordParams params = mixed(3, null);
                    params.setStreamType(streamType);
                    String taskId = client.CreateCloudRecording(create(room, params, transcode(640, 360), layout))
                            .getTaskId();
                    Await.until("the mixed recording's file", DEADLINE,
                            () -> CloudRecordingIT.describe(client, server.sdkAppId(), taskId)
                                    .getStorageFileList().length == 1);
                    Thread.sleep(7_000);
                    client.DeleteCloudRecording(CloudRecordingIT.delete(server.sdkAppId(), taskId));
                    StorageFile file = CloudRecordingIT.describe(client, server.sdkAppId(), taskId)
                            .getStorageFileList()[0];
                    Path path = recordings().resolve(file.getFileName());
                    Probe probe = Probe.of(dir, path);
                    if (streamType == 1) {
                        assertThat(file.getFileName()).contains("_" + room + "_mix_audio_").endsWith(".mp4");
                        assertThat(probe.codecs()).as(file.getFileName()).containsExactly("aac");
                        short[] sound = soundEnd(ffmpeg, path);
                        assertThat(ToneDetector.toneShare(sound, sound.length - 48_000, 48_000, 48_000, RED_HZ, 10))
                                .as("red's tone").isGreaterThan(0.15);
                        assertThat(ToneDetector.toneShare(sound, sound.length - 48_000, 48_000, 48_000, BLUE_HZ, 10))
                                .as("blue's tone").isGreaterThan(0.15);
                    } else {
                        assertThat(file.getFileName()).contains("_" + room + "_mix_video_").endsWith(".mp4");
                        assertThat(probe.codecs()).as(file.getFileName()).containsExactly("h264");
                        byte[] picture = pictureEnd(ffmpeg, path);
                        assertColour(rgb(picture, 8, 9), 0xFF0000, "red's half (left)");
                        assertColour(rgb(picture, 24, 9), 0x0000FF, "blue's half (right)");
                    }
                }
            } finally {
                FfmpegRtmp.stop(red);
                FfmpegRtmp.stop(blue);
            }
        }
    }

    /** The last 3 s of a file's sound, mono 48 kHz (at least 2 s of it). */
    private short[] soundEnd(Path ffmpeg, Path file) throws Exception {
        Path audio = Files.createTempFile(dir, "end", ".pcm");
        String log = FfmpegRtmp.run(List.of(ffmpeg.toString(), "-hide_banner", "-y", "-sseof", "-3", "-i",
                file.toString(), "-map", "0:a", "-ac", "1", "-ar", "48000", "-f", "s16le", audio.toString()), 60, dir);
        byte[] sound = Files.readAllBytes(audio);
        assertThat(sound.length).as("sound decoded from %s: %s", file, log).isGreaterThanOrEqualTo(2 * 48_000 * 2);
        short[] samples = new short[sound.length / 2];
        ByteBuffer.wrap(sound).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return samples;
    }

    /** A file's last picture, scaled to 32×18 RGB. */
    private byte[] pictureEnd(Path ffmpeg, Path file) throws Exception {
        Path video = Files.createTempFile(dir, "end", ".rgb");
        String log = FfmpegRtmp.run(List.of(ffmpeg.toString(), "-hide_banner", "-y", "-sseof", "-3", "-i",
                file.toString(), "-map", "0:v", "-vf", "scale=32:18", "-pix_fmt", "rgb24", "-f", "rawvideo",
                video.toString()), 60, dir);
        byte[] pictures = Files.readAllBytes(video);
        int frameBytes = 32 * 18 * 3;
        assertThat(pictures.length).as("pictures decoded from %s: %s", file, log).isGreaterThanOrEqualTo(frameBytes);
        int frames = pictures.length / frameBytes;
        return Arrays.copyOfRange(pictures, (frames - 1) * frameBytes, frames * frameBytes);
    }

    private static int rgb(byte[] picture, int x, int y) {
        int i = (y * 32 + x) * 3;
        return (picture[i] & 0xFF) << 16 | (picture[i + 1] & 0xFF) << 8 | (picture[i + 2] & 0xFF);
    }

    @Test
    void garbageAndOverTheLimitRequestsGetTrtcErrors() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        String room = "9604";
        RecordParams three = mixed(3, null);
        three.setRecordMode(3L);
        assertCode(() -> client.CreateCloudRecording(create(room, three, null, null)), "InvalidParameter.OutOfRange");
        assertLayoutRefused(client, layout -> layout.setMixLayoutMode(5L), "InvalidParameter.MixLayoutParams");
        assertLayoutRefused(client, layout -> layout.setBackGroundColor("red"), "InvalidParameter.MixLayoutParams");
        assertLayoutRefused(client, layout -> layout.setBackgroundImageUrl("http://169.254.169.254/x.png"),
                "UnsupportedOperation");
        assertLayoutRefused(client, layout -> layout.setMixLayoutMode(4L), "InvalidParameter.MixLayoutParams");
        assertLayoutRefused(client, layout -> {
            layout.setMixLayoutMode(4L);
            MixLayout clear = region("a", 0, 0, 100, 100);
            clear.setAlpha(128L);
            layout.setMixLayoutList(new MixLayout[] {clear});
        }, "UnsupportedOperation");
        assertLayoutRefused(client, layout -> {
            layout.setMixLayoutMode(4L);
            layout.setMixLayoutList(new MixLayout[] {region("a", 0, 0, 5000, 100)});
        }, "InvalidParameter.MixLayoutParams");
        assertLayoutRefused(client, layout -> {
            layout.setMixLayoutMode(4L);
            layout.setMixLayoutList(new MixLayout[] {region("../x", 0, 0, 100, 100)});
        }, "InvalidParameter.MixLayoutParams");
        assertLayoutRefused(client, layout -> layout.setMediaId(1L), "UnsupportedOperation");
        assertCode(() -> client.CreateCloudRecording(create(room, mixed(0, null), transcode(10_000, 360), null)),
                "InvalidParameter.MixTranscodeParams");
        MixTranscodeParams odd = transcode(641, 360);
        assertCode(() -> client.CreateCloudRecording(create(room, mixed(0, null), odd, null)),
                "InvalidParameter.MixTranscodeParams");
        MixTranscodeParams rate = transcode(640, 360);
        AudioParams audio = new AudioParams();
        audio.setSampleRate(9L);
        rate.setAudioParams(audio);
        assertCode(() -> client.CreateCloudRecording(create(room, mixed(0, null), rate, null)),
                "InvalidParameter.MixTranscodeParams");
        SubscribeStreamUserIds split = new SubscribeStreamUserIds();
        split.setSubscribeAudioUserIds(new String[] {"alice"});
        assertCode(() -> client.CreateCloudRecording(create(room, mixed(0, split), null, null)),
                "UnsupportedOperation");

        // mix.maxPerApp is 1 here: a room's running mixed recording takes it, a second is refused at once.
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Process anchor = publish(ffmpeg, room, "anchor", FfmpegRtmp.TEST_PATTERN, FfmpegRtmp.TONE);
        try {
            String first = client.CreateCloudRecording(create(room, mixed(3, null), null, null)).getTaskId();
            Await.until("the first mix runs", DEADLINE, () -> server.server().live().mixes().unlistedCount() == 1);
            CreateCloudRecordingRequest second = create(room, mixed(3, null), null, null);
            second.setUserId("recorder2");
            second.setUserSig(server.userSig("recorder2"));
            assertCode(() -> client.CreateCloudRecording(second), "FailedOperation.RestrictedConcurrency");
            client.DeleteCloudRecording(CloudRecordingIT.delete(server.sdkAppId(), first));
            assertThat(server.server().live().mixes().unlistedCount()).isZero();
        } finally {
            FfmpegRtmp.stop(anchor);
        }
    }

    // ---- helpers ----

    /**
     * Records the room mixed (grid: the one member fills the canvas) at 30 fps (at 15 a flash is seen up to 67 ms
     * late by the frame grid alone) and measures flash against beep in the MP4.
     */
    private void assertMixedRecordingInSync(String room, String who) throws Exception {
        FfmpegDecoder decoder = FfmpegDecoder.find(dir);
        TrtcClient client = sdk(server, createKey(server));
        String taskId = client.CreateCloudRecording(create(room, mixed(3, null), transcode(320, 240, 30), null))
                .getTaskId();
        Await.until("the mixed recording's file", DEADLINE,
                () -> CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList().length == 1);
        Thread.sleep(10_000);
        client.DeleteCloudRecording(CloudRecordingIT.delete(server.sdkAppId(), taskId));
        StorageFile file = CloudRecordingIT.describe(client, server.sdkAppId(), taskId).getStorageFileList()[0];
        DecodedMedia decoded = decoder.decode(recordings().resolve(file.getFileName()).toString(),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        System.out.printf("A/V sync of a mixed recording (%s): sound minus picture %s s%n", who,
                AvSyncSignal.offsets(decoded));
        assertThat(AvSyncSignal.medianOffset(decoded, 5)).as("sound minus picture in %s, seconds",
                file.getFileName()).isCloseTo(0.0, within(LIP_SYNC_BOUND_SECONDS));
    }

    private void assertLayoutRefused(TrtcClient client, Consumer<MixLayoutParams> change, String code) {
        MixLayoutParams layout = new MixLayoutParams();
        change.accept(layout);
        assertCode(() -> client.CreateCloudRecording(create("9604", mixed(0, null), null, layout)), code);
    }

    private Process publish(Path ffmpeg, String room, String user, String video, String audio) throws Exception {
        String stream = server.sdkAppId() + "_" + room + "_" + user + "_main";
        return FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig(user)), 90,
                dir.resolve(user + ".log"), video, audio);
    }

    private static String tone(int hz) {
        return "sine=frequency=" + hz + ":sample_rate=44100";
    }

    /** RecordMode 2 with OutputFormat {@code outputFormat} (0 HLS, 1 HLS and MP4, 3 MP4). */
    private static RecordParams mixed(long outputFormat, SubscribeStreamUserIds subscribe) {
        RecordParams params = CloudRecordingIT.params(0, outputFormat, 1, subscribe);
        params.setRecordMode(2L);
        return params;
    }

    private static MixTranscodeParams transcode(long width, long height) {
        return transcode(width, height, 15);
    }

    private static MixTranscodeParams transcode(long width, long height, long fps) {
        VideoParams video = new VideoParams();
        video.setWidth(width);
        video.setHeight(height);
        video.setFps(fps);
        video.setBitRate(800_000L);
        video.setGop(2L);
        MixTranscodeParams params = new MixTranscodeParams();
        params.setVideoParams(video);
        return params;
    }

    private static MixLayout region(String user, long left, long top, long width, long height) {
        MixLayout region = new MixLayout();
        region.setUserId(user);
        region.setLeft(left);
        region.setTop(top);
        region.setWidth(width);
        region.setHeight(height);
        return region;
    }

    private static CreateCloudRecordingRequest create(String room, RecordParams params, MixTranscodeParams transcode,
            MixLayoutParams layout) {
        CreateCloudRecordingRequest request = new CreateCloudRecordingRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(room);
        request.setUserId("recorder");
        request.setUserSig(server.userSig("recorder"));
        request.setRecordParams(params);
        if (transcode != null) {
            request.setMixTranscodeParams(transcode);
        }
        if (layout != null) {
            request.setMixLayoutParams(layout);
        }
        return request;
    }

    private static Path recordings() {
        return server.server().config().recording().directory();
    }

    private int height(Path file) throws Exception {
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        String out = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-select_streams", "v:0",
                "-show_entries", "stream=height", "-of", "csv=p=0", file.toString()), 30, dir).strip();
        return Integer.parseInt(out.split("\\s+")[0]);
    }

    /** The file's last 4 s: its last picture scaled to 32×18 RGB, and its sound as mono 48 kHz. */
    private Decoded decodeEnd(Path ffmpeg, Path file) throws Exception {
        Path video = Files.createTempFile(dir, "end", ".rgb");
        Path audio = Files.createTempFile(dir, "end", ".pcm");
        String log = FfmpegRtmp.run(List.of(ffmpeg.toString(), "-hide_banner", "-y", "-sseof", "-5", "-i",
                file.toString(), "-t", "4", "-map", "0:v", "-vf", "scale=32:18", "-pix_fmt", "rgb24", "-f",
                "rawvideo", video.toString(), "-map", "0:a", "-t", "4", "-ac", "1", "-ar", "48000", "-f", "s16le",
                audio.toString()), 60, dir);
        byte[] pictures = Files.readAllBytes(video);
        byte[] sound = Files.readAllBytes(audio);
        int frameBytes = 32 * 18 * 3;
        if (pictures.length < frameBytes || sound.length < 48_000 * 2) {
            throw new AssertionError("too little decoded from " + file + " (" + pictures.length + " B of pictures, "
                    + sound.length + " B of sound): " + log);
        }
        short[] samples = new short[sound.length / 2];
        ByteBuffer.wrap(sound).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        int frames = pictures.length / frameBytes;
        return new Decoded(Arrays.copyOfRange(pictures, (frames - 1) * frameBytes, frames * frameBytes), samples);
    }

    private record Decoded(byte[] lastPicture, short[] audio) {
        int pixel(int x, int y) {
            int i = (y * 32 + x) * 3;
            return (lastPicture[i] & 0xFF) << 16 | (lastPicture[i + 1] & 0xFF) << 8 | (lastPicture[i + 2] & 0xFF);
        }

        double toneShare(int hz) {
            int length = Math.min(48_000, audio.length / 2);
            return ToneDetector.toneShare(audio, (audio.length - length) / 2, length, 48_000, hz, 10);
        }
    }

    private static boolean isColour(int rgb, int expected) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs((rgb >> shift & 0xFF) - (expected >> shift & 0xFF)) > 40) {
                return false;
            }
        }
        return true;
    }

    private static void assertColour(int rgb, int expected, String what) {
        assertThat(isColour(rgb, expected)).as("%s: colour %06x, expected about %06x", what, rgb, expected).isTrue();
    }
}
