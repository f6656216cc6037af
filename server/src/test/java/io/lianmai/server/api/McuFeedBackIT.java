package io.lianmai.server.api;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.AudioEncode;
import com.tencentcloudapi.trtc.v20190722.models.McuAudioParams;
import com.tencentcloudapi.trtc.v20190722.models.McuFeedBackRoomParams;
import com.tencentcloudapi.trtc.v20190722.models.McuLayout;
import com.tencentcloudapi.trtc.v20190722.models.McuLayoutParams;
import com.tencentcloudapi.trtc.v20190722.models.McuPublishCdnParam;
import com.tencentcloudapi.trtc.v20190722.models.McuVideoParams;
import com.tencentcloudapi.trtc.v20190722.models.MixUserInfo;
import com.tencentcloudapi.trtc.v20190722.models.StartPublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.StopPublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.UpdatePublishCdnStreamRequest;
import com.tencentcloudapi.trtc.v20190722.models.UserMediaStream;
import com.tencentcloudapi.trtc.v20190722.models.VideoEncode;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.DecodedMedia;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.FfmpegDecoder;
import io.lianmai.testkit.LibWebRtcPeer;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code StartPublishCdnStream} with {@code WithTranscoding} 1 through Tencent's Java SDK against a real server: two
 * ffmpeg RTMP members (red + 500 Hz, blue + 1200 Hz) mixed by a custom layout — red top left, blue top right, and a
 * bottom half for the feed-back member itself — onto a green background, pushed back into the room as member
 * {@code mixbot} ({@code FeedBackRoomParams}) and relayed to a second server standing in for the CDN.
 *
 * <p>A room member sees {@code mixbot} join and publish like any user; a libwebrtc player subscribes to it over
 * WebRTC and decodes red top left, blue top right and green at the bottom (the mix is not mixed into itself), and
 * hears the mix (the dominant tone is one of the members'). ffmpeg decodes the CDN copy: red left, blue right.
 * {@code UpdatePublishCdnStream} swaps the two; {@code StopPublishCdnStream} makes {@code mixbot} leave and ends the
 * relay. A bad UserSig and garbage are refused with TRTC-style codes.
 */
class McuFeedBackIT {
    private static final String ROOM = "4545";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void theMixIsARoomMemberPlayedOverWebRtcAndRelayedToTheCdn() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        try (TestServer server = TestServer.start(Map.of("cdn.allowedHosts", "127.0.0.1"));
                TestServer cdn = TestServer.start()) {
            TrtcClient client = sdk(server, createKey(server));
            String cdnStream = cdn.sdkAppId() + "_1_relay_main";
            String pushUrl = "rtmp://127.0.0.1:" + cdn.server().live().rtmpPort() + "/live/" + cdnStream
                    + "?usersig=" + URLEncoder.encode(cdn.userSig("relay"), StandardCharsets.UTF_8);
            AtomicReference<int[]> colours = new AtomicReference<>();
            try (SignalClient viewer = SignalClient.connect(server);
                    LibWebRtcPeer player = LibWebRtcPeer.player(false, frame -> colours.set(colours(frame)))) {
                viewer.enter(server, "viewer", ROOM, null);
                viewer.autoHeartbeat(Duration.ofSeconds(3)); // the test runs longer than the heartbeat timeout
                Process red = publish(server, ffmpeg, "red", "red", 500);
                Process blue = publish(server, ffmpeg, "blue", "blue", 1200);
                try {
                    Set<String> publishing = new HashSet<>();
                    for (int i = 0; i < 2; i++) { // each wait consumes the events before its match: in order
                        publishing.add(viewer.awaitEvent("streamAdd", data -> List.of("red", "blue")
                                .contains(data.path("userID").asText())).path("userID").asText());
                    }
                    String taskId = client.StartPublishCdnStream(start(server, "red", "blue", pushUrl)).getTaskId();
                    assertThat(taskId).startsWith("mcu-");

                    assertThat(viewer.awaitEvent("userJoin", "mixbot").path("userID").asText()).isEqualTo("mixbot");
                    JsonNode added = viewer.awaitEvent("streamAdd", "mixbot");
                    assertThat(added.path("audio").asBoolean()).isTrue();
                    assertThat(added.path("video").asBoolean()).isTrue();
                    JsonNode subscribed = viewer.ok("subscribe", SignalClient.data().put("streamID", "mixbot_main")
                            .put("offer", player.createOffer()));
                    player.acceptAnswer(subscribed.path("answer").asText());
                    player.awaitMedia(30, 50, DEADLINE);
                    Await.until("the fed-back mix: red top left, blue top right, green (not itself) below",
                            DEADLINE, () -> matches(colours.get(), RED, BLUE, GREEN),
                            () -> describe(colours.get()));
                    assertThat(player.framesDecoded()).isGreaterThan(0);
                    double tone = player.audioReceived().dominantFrequency(300, 1500);
                    assertThat(tone).as("the mix's dominant tone").satisfiesAnyOf(
                            hz -> assertThat(hz).isBetween(480.0, 520.0),
                            hz -> assertThat(hz).isBetween(1170.0, 1230.0));

                    // The CDN copy, decoded by ffmpeg from the other server.
                    // Luma tells the cells apart: red 81, blue 41, green 145 (BT.601 limited range).
                    FfmpegDecoder decoder = new FfmpegDecoder(ffmpeg, dir);
                    String relayed = cdn.signedLive(cdnStream + ".flv").toString();
                    DecodedMedia left = decoder.decodeWhenLive(relayed, Duration.ofSeconds(2), DEADLINE,
                            "crop=320:180:0:0,", "");
                    DecodedMedia right = decoder.decodeWhenLive(relayed, Duration.ofSeconds(2), DEADLINE,
                            "crop=320:180:320:0,", "");
                    DecodedMedia bottom = decoder.decodeWhenLive(relayed, Duration.ofSeconds(2), DEADLINE,
                            "crop=640:180:0:180,", "");
                    assertThat(left.videoFrames()).isGreaterThan(10);
                    assertThat(luma(left)).as("red, top left, on the CDN").isBetween(66.0, 96.0);
                    assertThat(luma(right)).as("blue, top right, on the CDN").isBetween(26.0, 56.0);
                    assertThat(luma(bottom)).as("green below, on the CDN").isBetween(130.0, 160.0);
                    assertThat(left.toneShare(500)).as("red's tone on the CDN").isGreaterThan(0.15);
                    assertThat(left.toneShare(1200)).as("blue's tone on the CDN").isGreaterThan(0.15);

                    // Update: blue left, red right.
                    UpdatePublishCdnStreamRequest update = new UpdatePublishCdnStreamRequest();
                    StartPublishCdnStreamRequest swapped = start(server, "blue", "red", pushUrl);
                    update.setSdkAppId(server.sdkAppId());
                    update.setTaskId(taskId);
                    update.setSequenceNumber(1L);
                    update.setWithTranscoding(1L);
                    update.setAudioParams(swapped.getAudioParams());
                    update.setVideoParams(swapped.getVideoParams());
                    update.setPublishCdnParams(swapped.getPublishCdnParams());
                    update.setFeedBackRoomParams(swapped.getFeedBackRoomParams());
                    client.UpdatePublishCdnStream(update);
                    Await.until("blue top left, red top right", DEADLINE,
                            () -> matches(colours.get(), BLUE, RED, GREEN), () -> describe(colours.get()));

                    StopPublishCdnStreamRequest stop = new StopPublishCdnStreamRequest();
                    stop.setSdkAppId(server.sdkAppId());
                    stop.setTaskId(taskId);
                    client.StopPublishCdnStream(stop);
                    viewer.awaitEvent("userLeave", "mixbot");
                    Await.until("the relay ends on the CDN", DEADLINE,
                            () -> !cdn.server().live().hub().isLive(cdnStream), () -> "still live");
                    assertCode(() -> client.StopPublishCdnStream(stop), "ResourceNotFound");
                } finally {
                    FfmpegRtmp.stop(red);
                    FfmpegRtmp.stop(blue);
                }
            }
        }
    }

    @Test
    void badCredentialsAndGarbageAreRefused() throws Exception {
        try (TestServer server = TestServer.start(); SignalClient viewer = SignalClient.connect(server)) {
            TrtcClient client = sdk(server, createKey(server));
            viewer.enter(server, "viewer", ROOM, null);
            StartPublishCdnStreamRequest request = start(server, "red", "blue", null);
            request.getFeedBackRoomParams()[0].setUserSig(server.userSig("someone-else"));
            assertCode(() -> client.StartPublishCdnStream(request), "InvalidParameter.FeedBackRoomParams");
            request.getFeedBackRoomParams()[0].setUserSig("garbage");
            assertCode(() -> client.StartPublishCdnStream(request), "InvalidParameter.FeedBackRoomParams");
            request.getFeedBackRoomParams()[0].setUserSig(null);
            assertCode(() -> client.StartPublishCdnStream(request), "MissingParameter");
            request.setFeedBackRoomParams(null);
            assertCode(() -> client.StartPublishCdnStream(request), "MissingParameter"); // nowhere to go
            request.setFeedBackRoomParams(start(server, "red", "blue", null).getFeedBackRoomParams());
            request.getVideoParams().getVideoEncode().setWidth(641L);
            assertCode(() -> client.StartPublishCdnStream(request), "InvalidParameter.VideoParams");
            request.getVideoParams().getVideoEncode().setWidth(640L);
            request.getAudioParams().getAudioEncode().setSampleRate(12_345L);
            assertCode(() -> client.StartPublishCdnStream(request), "InvalidParameter.AudioParams");
            request.getAudioParams().getAudioEncode().setSampleRate(48_000L);
            request.getVideoParams().getLayoutParams().setMixLayoutMode(7L);
            assertCode(() -> client.StartPublishCdnStream(request), "InvalidParameter.VideoParams");
            request.getVideoParams().getLayoutParams().setMixLayoutMode(4L);
            request.getVideoParams().setBackgroundImageUrl("http://169.254.169.254/latest/meta-data");
            assertCode(() -> client.StartPublishCdnStream(request), "InvalidParameter.VideoParams");
            request.getVideoParams().setBackgroundImageUrl(null);
            request.getVideoParams().setBackGroundColor("green");
            assertCode(() -> client.StartPublishCdnStream(request), "InvalidParameter.VideoParams");
            request.getVideoParams().setBackGroundColor("0x00FF00");
            request.setRoomId("4546");
            assertCode(() -> client.StartPublishCdnStream(request), "FailedOperation.RoomNotExist");
            JsonNode garbage = CloudApiClient.signed(server, createKey(server), "StartPublishCdnStream",
                    "2019-07-22", java.time.Instant.now().getEpochSecond(), "{\"SdkAppId\": " + server.sdkAppId()
                            + ", \"RoomId\": \"4545\", \"WithTranscoding\": 1, \"AudioParams\": [1], "
                            + "\"FeedBackRoomParams\": {\"x\": 1}}");
            assertThat(garbage.path("Error").path("Code").asText()).as(garbage.toString())
                    .startsWith("InvalidParameter");
            assertThat(server.server().live().mixes().size()).as("nothing started").isZero();
        }
    }

    /** Mean brightness of the last decoded picture. */
    private static double luma(DecodedMedia decoded) {
        return decoded.frameBrightness()[decoded.videoFrames() - 1];
    }

    private static final int RED = 0;
    private static final int BLUE = 1;
    private static final int GREEN = 2;

    /**
     * (U, V) at the centres of the top-left and top-right cells and in the bottom cell where, were the mix mixed into
     * itself, its own top-left cell would show (the full-frame copy cropped to fit, render mode 0): {u0, v0, ...}.
     */
    private static int[] colours(VideoFrame frame) {
        I420Buffer i420 = frame.buffer.toI420();
        try {
            int w = i420.getWidth() / 2;
            int h = i420.getHeight() / 2;
            int[][] points = {{w / 4, h / 4}, {w * 3 / 4, h / 4}, {w / 4, h * 5 / 8}};
            int[] out = new int[6];
            for (int i = 0; i < 3; i++) {
                out[2 * i] = at(i420.getDataU(), i420.getStrideU(), points[i][0], points[i][1]);
                out[2 * i + 1] = at(i420.getDataV(), i420.getStrideV(), points[i][0], points[i][1]);
            }
            return out;
        } finally {
            if (i420 != frame.buffer) {
                i420.release();
            }
        }
    }

    private static int at(ByteBuffer plane, int stride, int x, int y) {
        return plane.get(y * stride + x) & 0xFF;
    }

    /** Red: V high; blue: U high; green: U and V low (BT.601). */
    private static boolean is(int u, int v, int colour) {
        return switch (colour) {
            case RED -> v > 200 && u < 128;
            case BLUE -> u > 200 && v < 150;
            default -> u < 90 && v < 90;
        };
    }

    private static boolean matches(int[] c, int topLeft, int topRight, int bottom) {
        return c != null && is(c[0], c[1], topLeft) && is(c[2], c[3], topRight) && is(c[4], c[5], bottom);
    }

    private static String describe(int[] c) {
        return c == null ? "no picture" : "U/V top left " + c[0] + "/" + c[1] + ", top right " + c[2] + "/" + c[3]
                + ", bottom " + c[4] + "/" + c[5];
    }

    /** Left and right cells of 320×180 at the top of a 640×360 canvas, mixbot's own cell below; green background. */
    private static StartPublishCdnStreamRequest start(TestServer server, String left, String right, String cdnUrl) {
        StartPublishCdnStreamRequest request = new StartPublishCdnStreamRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(ROOM);
        request.setRoomIdType(0L);
        request.setWithTranscoding(1L);
        AudioEncode audio = new AudioEncode();
        audio.setSampleRate(48_000L);
        audio.setChannel(1L);
        audio.setBitRate(64L);
        McuAudioParams audioParams = new McuAudioParams();
        audioParams.setAudioEncode(audio);
        request.setAudioParams(audioParams);
        VideoEncode video = new VideoEncode();
        video.setWidth(640L);
        video.setHeight(360L);
        video.setFps(15L);
        video.setBitRate(800L);
        video.setGop(1L);
        McuLayoutParams layout = new McuLayoutParams();
        layout.setMixLayoutMode(4L);
        layout.setMixLayoutList(new McuLayout[] {cell(left, 0, 0, 320), cell(right, 320, 0, 320),
                cell("mixbot", 0, 180, 640)});
        McuVideoParams videoParams = new McuVideoParams();
        videoParams.setVideoEncode(video);
        videoParams.setLayoutParams(layout);
        videoParams.setBackGroundColor("0x00FF00");
        request.setVideoParams(videoParams);
        McuFeedBackRoomParams back = new McuFeedBackRoomParams();
        back.setRoomId(ROOM);
        back.setRoomIdType(0L);
        back.setUserId("mixbot");
        back.setUserSig(server.userSig("mixbot"));
        request.setFeedBackRoomParams(new McuFeedBackRoomParams[] {back});
        if (cdnUrl != null) {
            McuPublishCdnParam cdn = new McuPublishCdnParam();
            cdn.setPublishCdnUrl(cdnUrl);
            request.setPublishCdnParams(new McuPublishCdnParam[] {cdn});
        }
        return request;
    }

    private static McuLayout cell(String userId, long x, long y, long width) {
        McuLayout cell = new McuLayout();
        UserMediaStream stream = new UserMediaStream();
        MixUserInfo user = new MixUserInfo();
        user.setUserId(userId);
        stream.setUserInfo(user);
        stream.setStreamType(0L);
        cell.setUserMediaStream(stream);
        cell.setLocationX(x);
        cell.setLocationY(y);
        cell.setImageWidth(width);
        cell.setImageHeight(180L);
        cell.setZOrder(1L);
        cell.setRenderMode(0L);
        return cell;
    }

    private static Process publish(TestServer server, Path ffmpeg, String userId, String colour, int hz)
            throws Exception {
        String stream = server.sdkAppId() + "_" + ROOM + "_" + userId + "_main";
        return FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig(userId)), 120,
                Path.of(System.getProperty("java.io.tmpdir"), "mcufeedback-" + userId + ".log"),
                "color=c=" + colour + ":size=320x180:rate=30", "sine=frequency=" + hz + ":sample_rate=44100");
    }

    private static void assertCode(ThrowingCall call, String code) {
        assertThatThrownBy(call::run).isInstanceOf(TencentCloudSDKException.class)
                .satisfies(e -> assertThat(((TencentCloudSDKException) e).getErrorCode()).as(e.getMessage())
                        .isEqualTo(code));
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
