package io.lianmai.server.api;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static io.lianmai.server.api.CloudApiClient.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.EncodeParams;
import com.tencentcloudapi.trtc.v20190722.models.LayoutParams;
import com.tencentcloudapi.trtc.v20190722.models.OutputParams;
import com.tencentcloudapi.trtc.v20190722.models.PresetLayoutConfig;
import com.tencentcloudapi.trtc.v20190722.models.PublishCdnParams;
import com.tencentcloudapi.trtc.v20190722.models.StartMCUMixTranscodeByStrRoomIdRequest;
import com.tencentcloudapi.trtc.v20190722.models.StartMCUMixTranscodeRequest;
import com.tencentcloudapi.trtc.v20190722.models.StopMCUMixTranscodeByStrRoomIdRequest;
import com.tencentcloudapi.trtc.v20190722.models.StopMCUMixTranscodeRequest;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.store.App;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import io.lianmai.testkit.ToneDetector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code StartMCUMixTranscode} through Tencent's Java SDK against a real server: two ffmpeg RTMP publishers in a room
 * (a red picture with a 500 Hz tone, a blue one with 1200 Hz), mixed side by side (custom layout) into 640×360 at
 * 15 fps; ffprobe and ffmpeg decode {@code /live/{StreamId}.flv} with a signed URL: size and frame rate as asked,
 * red on the left, blue on the right, both tones in the sound. When blue's publisher stops, its half turns to the
 * placeholder grey; {@code StopMCUMixTranscode} ends the stream. Garbage and unauthorized requests are refused with
 * TRTC's codes.
 */
class McuMixIT {
    private static final String ROOM = "4242";
    private static final String MIX = "mix4242";
    private static final int LEFT_HZ = 500;
    private static final int RIGHT_HZ = 1200;
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @TempDir
    Path dir;

    @Test
    void twoRtmpPublishersAreMixedSideBySideIntoALiveStream() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient viewer = SignalClient.connect(server)) {
            viewer.enter(server, "viewer", ROOM, null);
            Process red = publish(ffmpeg, "red", "red", LEFT_HZ);
            Process blue = publish(ffmpeg, "blue", "blue", RIGHT_HZ);
            try {
                java.util.Set<String> publishing = new java.util.HashSet<>();
                for (int i = 0; i < 2; i++) { // each wait consumes the events before its match: take them in order
                    publishing.add(viewer.awaitEvent("streamAdd", data -> List.of("red", "blue")
                            .contains(data.path("userID").asText())).path("userID").asText());
                }
                assertThat(publishing).containsExactlyInAnyOrder("red", "blue");
                client.StartMCUMixTranscode(start(MIX));
                String url = server.signedLive(MIX + ".flv").toString();

                JsonNode probe = probe(ffprobe, url);
                JsonNode video = stream(probe, "video");
                assertThat(video.path("codec_name").asText()).isEqualTo("h264");
                assertThat(video.path("width").asInt()).isEqualTo(640);
                assertThat(video.path("height").asInt()).isEqualTo(360);
                assertThat(video.path("r_frame_rate").asText()).isEqualTo("15/1");
                assertThat(stream(probe, "audio").path("codec_name").asText()).isEqualTo("aac");

                Await.until("the mix's HLS playlist", DEADLINE, () -> {
                    try {
                        return status(server.signedLive(MIX + ".m3u8").toString()) == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });

                Decoded mixed = decode(ffmpeg, url, "both");
                assertThat(mixed.frames).as("pictures in 4 s of the mix").isGreaterThanOrEqualTo(45);
                assertThat(mixed.pixel(8, 9)).as("left half: red").satisfies(rgb -> assertColour(rgb, 0xFF0000));
                assertThat(mixed.pixel(24, 9)).as("right half: blue").satisfies(rgb -> assertColour(rgb, 0x0000FF));
                assertThat(mixed.toneShare(LEFT_HZ)).as("red's tone in the mix").isGreaterThan(0.15);
                assertThat(mixed.toneShare(RIGHT_HZ)).as("blue's tone in the mix").isGreaterThan(0.15);

                FfmpegRtmp.stop(blue);
                viewer.awaitEvent("userLeave", "blue");
                Await.until("blue's half turns to the placeholder", DEADLINE, () -> {
                    Decoded after = quietly(ffmpeg, url, "after");
                    return after != null && isColour(after.pixel(24, 9), StartMCUMixTranscode.PLACEHOLDER_RGB)
                            && isColour(after.pixel(8, 9), 0xFF0000) && after.toneShare(RIGHT_HZ) < 0.05;
                }, () -> "still blue or blue's tone");

                // A second start updates the layout: red moves to the right half.
                StartMCUMixTranscodeRequest moved = start(MIX);
                moved.getLayoutParams().getPresetLayoutConfig()[0].setLocationX(320L);
                moved.getLayoutParams().getPresetLayoutConfig()[1].setLocationX(0L);
                client.StartMCUMixTranscode(moved);
                Await.until("red moves to the right half", DEADLINE, () -> {
                    Decoded after = quietly(ffmpeg, url, "moved");
                    return after != null && isColour(after.pixel(24, 9), 0xFF0000);
                }, () -> "not moved");
                assertThat(server.server().live().mixes().size()).isEqualTo(1);

                StopMCUMixTranscodeRequest stop = new StopMCUMixTranscodeRequest();
                stop.setSdkAppId(server.sdkAppId());
                stop.setRoomId(Long.parseLong(ROOM));
                client.StopMCUMixTranscode(stop);
                assertThat(server.server().live().hub().isLive(MIX)).isFalse();
                assertThat(status(url)).as("the mix's FLV after the stop").isEqualTo(404);
                assertCode(() -> client.StopMCUMixTranscode(stop), "ResourceNotFound");
            } finally {
                FfmpegRtmp.stop(red);
                FfmpegRtmp.stop(blue);
            }
        }
    }

    /**
     * A teacher publishes a camera (red, 500 Hz) and a screen share (lime green: an RTMP {@code _aux} stream, the room's
     * aux stream), a pupil a camera (blue, 1200 Hz). Template 2 with {@code MainVideoStreamType} 1: the screen share
     * fills the left 4/5, the teacher's camera heads the right column. With {@code MixVideoUids} [teacher] the pupil
     * is not in the picture but is heard (TRTC mixes the others' audio); without it the pupil's camera joins the
     * column. {@code PureAudioStream} 1: ffprobe finds one AAC stream and no video, both tones in it.
     */
    @Test
    void aScreenShareIsTheBigPictureAndMixVideoUidsKeepsEveryonesAudio() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        TrtcClient client = sdk(server, createKey(server));
        String room = "4343";
        try (SignalClient viewer = SignalClient.connect(server); SignalClient teacher = SignalClient.connect(server)) {
            viewer.enter(server, "viewer", room, null);
            // The teacher is in the room (its app's socket); its RTMP streams become its main and aux streams.
            // (Two RTMP streams of a user without a socket would each enter it as a new socketless member.)
            teacher.enter(server, "teacher", room, null);
            List<Process> publishers = new java.util.ArrayList<>();
            try {
                publishers.add(publish(ffmpeg, room, "teacher", "main", "red", LEFT_HZ));
                publishers.add(publish(ffmpeg, room, "teacher", "aux", "lime", 3000));
                publishers.add(publish(ffmpeg, room, "pupil", "main", "blue", RIGHT_HZ));
                java.util.Set<String> streams = new java.util.HashSet<>();
                while (streams.size() < 3) {
                    JsonNode added = viewer.awaitEvent("streamAdd", data -> true);
                    streams.add(added.path("userID").asText() + "_" + added.path("streamType").asText());
                }
                assertThat(streams).containsExactlyInAnyOrder("teacher_main", "teacher_aux", "pupil_main");

                StartMCUMixTranscodeRequest request = start("mixshare");
                request.setRoomId(Long.parseLong(room));
                LayoutParams layout = new LayoutParams();
                layout.setTemplate(2L);
                layout.setMainVideoUserId("teacher");
                layout.setMainVideoStreamType(1L);
                layout.setMixVideoUids(new String[] {"teacher"});
                layout.setRenderMode(1L); // stretch: no bars to dodge when sampling
                request.setLayoutParams(layout);
                client.StartMCUMixTranscode(request);
                String url = server.signedLive("mixshare.flv").toString();
                // 640×360 → 32×18: the screen share covers x < 25.6, the column's cells are 3.6 pixels high
                Decoded[] last = new Decoded[1];
                Await.until("the screen share big, the teacher's camera in the column, the pupil only heard",
                        DEADLINE, () -> {
                            Decoded mixed = quietly(ffmpeg, url, "share");
                            last[0] = mixed;
                            return mixed != null && isColour(mixed.pixel(12, 9), 0x00FF00)
                                    && isColour(mixed.pixel(29, 1), 0xFF0000) && isColour(mixed.pixel(29, 5), 0)
                                    && mixed.toneShare(LEFT_HZ) > 0.15 && mixed.toneShare(RIGHT_HZ) > 0.15;
                        }, () -> describe(last[0]));
                assertThat(last[0].toneShare(3000)).as("the screen share's (RTMP) audio is not the room's").isLessThan(0.02);

                // Without MixVideoUids the pupil takes a place: blue under the teacher's camera.
                layout.setMixVideoUids(null);
                client.StartMCUMixTranscode(request);
                Await.until("the pupil's camera joins the column", DEADLINE, () -> {
                    Decoded mixed = quietly(ffmpeg, url, "share2");
                    last[0] = mixed;
                    return mixed != null && isColour(mixed.pixel(29, 5), 0x0000FF)
                            && isColour(mixed.pixel(12, 9), 0x00FF00);
                }, () -> describe(last[0]));

                // PureAudioStream 1: only AAC is encoded and sent.
                request.getOutputParams().setStreamId("mixshareaudio");
                request.getOutputParams().setPureAudioStream(1L);
                client.StartMCUMixTranscode(request);
                String audioUrl = server.signedLive("mixshareaudio.flv").toString();
                JsonNode probe = probe(ffprobe, audioUrl, 1);
                assertThat(probe.path("streams")).as(probe.toString()).hasSize(1);
                assertThat(stream(probe, "audio").path("codec_name").asText()).isEqualTo("aac");
                Decoded sound = decodeAudio(ffmpeg, audioUrl, "pure");
                assertThat(sound.toneShare(LEFT_HZ)).as("the teacher's tone").isGreaterThan(0.15);
                assertThat(sound.toneShare(RIGHT_HZ)).as("the pupil's tone").isGreaterThan(0.15);

                StopMCUMixTranscodeRequest stop = new StopMCUMixTranscodeRequest();
                stop.setSdkAppId(server.sdkAppId());
                stop.setRoomId(Long.parseLong(room));
                client.StopMCUMixTranscode(stop);
            } finally {
                for (Process publisher : publishers) {
                    FfmpegRtmp.stop(publisher);
                }
                try {
                    teacher.ok("leave", SignalClient.data());
                } catch (RuntimeException e) {
                    // closed already: the room ends after the resume grace period
                }
            }
        }
    }

    private static String describe(Decoded d) {
        return d == null ? "nothing decoded" : d.frames + " pictures; big " + Integer.toHexString(d.pixel(12, 9))
                + ", column " + Integer.toHexString(d.pixel(29, 1)) + " / " + Integer.toHexString(d.pixel(29, 5))
                + "; tones " + d.toneShare(LEFT_HZ) + " / " + d.toneShare(RIGHT_HZ);
    }

    @Test
    void aWebRtcPublisherIsMixed() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient viewer = SignalClient.connect(server); LibWebRtcPeer camera = LibWebRtcPeer.publisher()) {
            viewer.enter(server, "viewer", "webrtc-mix", null);
            WhipClient.Result published = new WhipClient().post(
                    server.endpoint("whip", "strRoomID=webrtc-mix", "cam", null), server.userSig("cam"),
                    camera.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            camera.acceptAnswer(published.body());
            viewer.awaitEvent("streamAdd", "cam");

            StartMCUMixTranscodeRequest numeric = start("mixwebrtc");
            numeric.getEncodeParams().setBackgroundColor(0x00FF00L);
            numeric.getLayoutParams().setPresetLayoutConfig(new PresetLayoutConfig[] {half("cam", 0)});
            numeric.getLayoutParams().setPlaceHolderMode(0L);
            StartMCUMixTranscodeByStrRoomIdRequest request = new StartMCUMixTranscodeByStrRoomIdRequest();
            request.setSdkAppId(server.sdkAppId());
            request.setStrRoomId("webrtc-mix");
            request.setOutputParams(numeric.getOutputParams());
            request.setEncodeParams(numeric.getEncodeParams());
            request.setLayoutParams(numeric.getLayoutParams());
            client.StartMCUMixTranscodeByStrRoomId(request);

            // libwebrtc's synthetic camera (dark, a moving bar) covers the left half; the right is the background.
            String url = server.signedLive("mixwebrtc.flv").toString();
            Decoded[] last = new Decoded[1];
            Await.until("the WebRTC member's picture in the mix", DEADLINE, () -> {
                Decoded mixed = quietly(ffmpeg, url, "webrtc");
                last[0] = mixed;
                return mixed != null && mixed.frames >= 45 && !isColour(mixed.pixel(8, 9), 0x00FF00)
                        && isColour(mixed.pixel(24, 9), 0x00FF00);
            }, () -> last[0] == null ? "nothing decoded" : last[0].frames + " pictures, left "
                    + Integer.toHexString(last[0].pixel(8, 9)) + ", right " + Integer.toHexString(last[0].pixel(24, 9)));

            StopMCUMixTranscodeByStrRoomIdRequest stop = new StopMCUMixTranscodeByStrRoomIdRequest();
            stop.setSdkAppId(server.sdkAppId());
            stop.setStrRoomId("webrtc-mix");
            client.StopMCUMixTranscodeByStrRoomId(stop);
            assertThat(server.server().live().hub().isLive("mixwebrtc")).isFalse();
        }
    }

    /**
     * A PK picture: alice (WebRTC, libwebrtc's dark synthetic camera) in live room 7301 connects to bob, an RTMP
     * anchor (blue, {@value #RIGHT_HZ} Hz) of room 7302; room 7301's mix has alice on the left and bob — the other
     * room's anchor, played from his own room — on the right, with his tone. When the PK ends his half turns to the
     * background.
     */
    @Test
    void aCrossRoomPkAnchorIsMixedInTheOtherRoom() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient alice = SignalClient.connect(server); SignalClient fanA = SignalClient.connect(server);
                SignalClient fanB = SignalClient.connect(server); LibWebRtcPeer camera = LibWebRtcPeer.publisher()) {
            alice.enter(server, "pkalice", "7301", SignalClient.data().put("scene", "live").put("role", "anchor"));
            fanA.enter(server, "pkfanA", "7301", SignalClient.data().put("scene", "live").put("role", "audience"));
            fanB.enter(server, "pkfanB", "7302", SignalClient.data().put("scene", "live").put("role", "audience"));
            JsonNode published = alice.ok("publish", SignalClient.data().put("streamType", "main")
                    .put("offer", camera.createOffer()).put("audio", true).put("video", true));
            camera.acceptAnswer(published.path("answer").asText());
            fanA.awaitEvent("streamAdd", "pkalice");
            String bobStream = server.sdkAppId() + "_7302_pkbob_main";
            Process bob = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, bobStream, server.userSig("pkbob")), 120,
                    dir.resolve("pkbob.log"), "color=c=blue:size=320x240:rate=30",
                    "sine=frequency=" + RIGHT_HZ + ":sample_rate=44100");
            try {
                fanB.awaitEvent("streamAdd", "pkbob");
                alice.ok("connectOtherRoom", SignalClient.data().put("roomID", 7302).put("userID", "pkbob"));
                fanA.awaitEvent("streamAdd", "pkbob");

                StartMCUMixTranscodeRequest request = start("mixpk7301");
                request.setRoomId(7301L);
                request.getEncodeParams().setBackgroundColor(0x00FF00L);
                request.getLayoutParams().setPlaceHolderMode(0L);
                request.getLayoutParams().setPresetLayoutConfig(new PresetLayoutConfig[] {half("pkalice", 0),
                        half("pkbob", 320)});
                client.StartMCUMixTranscode(request);
                String url = server.signedLive("mixpk7301.flv").toString();
                Decoded[] last = new Decoded[1];
                Await.until("both anchors of the PK in room 7301's mix", DEADLINE, () -> {
                    Decoded mixed = quietly(ffmpeg, url, "pk");
                    last[0] = mixed;
                    return mixed != null && !isColour(mixed.pixel(8, 9), 0x00FF00)
                            && isColour(mixed.pixel(24, 9), 0x0000FF) && mixed.toneShare(RIGHT_HZ) > 0.15;
                }, () -> last[0] == null ? "nothing decoded" : "left " + Integer.toHexString(last[0].pixel(8, 9))
                        + ", right " + Integer.toHexString(last[0].pixel(24, 9)) + ", bob's tone "
                        + last[0].toneShare(RIGHT_HZ));

                alice.ok("disconnectOtherRoom", SignalClient.data());
                fanA.awaitEvent("userLeave", "pkbob");
                Await.until("bob's half turns to the background after the PK", DEADLINE, () -> {
                    Decoded after = quietly(ffmpeg, url, "pk-after");
                    last[0] = after;
                    return after != null && isColour(after.pixel(24, 9), 0x00FF00) && after.toneShare(RIGHT_HZ) < 0.05;
                }, () -> last[0] == null ? "nothing decoded" : "right " + Integer.toHexString(last[0].pixel(24, 9)));
            } finally {
                FfmpegRtmp.stop(bob);
                StopMCUMixTranscodeRequest stop = new StopMCUMixTranscodeRequest();
                stop.setSdkAppId(server.sdkAppId());
                stop.setRoomId(7301L);
                client.StopMCUMixTranscode(stop); // the room outlives this test by its resume grace
            }
        }
    }

    @Test
    void theMixEndsWithItsRoom() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient viewer = SignalClient.connect(server)) {
            viewer.enter(server, "viewer", "class-9", null);
            StartMCUMixTranscodeByStrRoomIdRequest request = new StartMCUMixTranscodeByStrRoomIdRequest();
            request.setSdkAppId(server.sdkAppId());
            request.setStrRoomId("class-9");
            StartMCUMixTranscodeRequest numeric = start("mixclass9");
            request.setOutputParams(numeric.getOutputParams());
            request.setEncodeParams(numeric.getEncodeParams());
            client.StartMCUMixTranscodeByStrRoomId(request);
            assertThat(server.server().live().hub().isLive("mixclass9")).isTrue();
            // An unsigned URL of the mix is refused like any other stream's.
            assertThat(status(server.url("/live/mixclass9.flv").toString())).isEqualTo(403);
            viewer.ok("leave", SignalClient.data());
        }
        Await.until("the mix ends with its room", DEADLINE,
                () -> !server.server().live().hub().isLive("mixclass9"), () -> "still live");
        StopMCUMixTranscodeByStrRoomIdRequest stop = new StopMCUMixTranscodeByStrRoomIdRequest();
        stop.setSdkAppId(server.sdkAppId());
        stop.setStrRoomId("class-9");
        assertCode(() -> client.StopMCUMixTranscodeByStrRoomId(stop), "ResourceNotFound");
    }

    @Test
    void garbageAndUnauthorizedRequestsAreRefused() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient viewer = SignalClient.connect(server)) {
            viewer.enter(server, "viewer", "77", null);
            StartMCUMixTranscodeRequest request = start("mix77");
            request.setRoomId(77L);
            request.setOutputParams(null);
            assertCode(() -> client.StartMCUMixTranscode(request), "MissingParameter.OutputParams");
            request.setOutputParams(start("mix77").getOutputParams());
            request.getOutputParams().setStreamId(server.sdkAppId() + "_77_alice_main");
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter.OutputParams");
            request.getOutputParams().setStreamId("../../etc");
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter.OutputParams");
            request.getOutputParams().setStreamId("mix77");
            request.setEncodeParams(null);
            assertCode(() -> client.StartMCUMixTranscode(request), "MissingParameter.EncodeParams");
            request.setEncodeParams(start("mix77").getEncodeParams());
            request.getEncodeParams().setVideoWidth(4096L);
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter.EncodeParams");
            request.getEncodeParams().setVideoWidth(641L);
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter.EncodeParams");
            request.getEncodeParams().setVideoWidth(640L);
            request.getEncodeParams().setVideoBitrate(1_000_000L);
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter.EncodeParams");
            request.getEncodeParams().setVideoBitrate(800L);
            request.getEncodeParams().setBackgroundImageUrl("http://169.254.169.254/latest/meta-data");
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter.EncodeParams");
            request.getEncodeParams().setBackgroundImageUrl(null);
            request.getLayoutParams().setTemplate(9L);
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter.LayoutParams");
            request.getLayoutParams().setTemplate(4L);
            request.getLayoutParams().getPresetLayoutConfig()[0].setUserId("");
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter.LayoutParams");
            request.setLayoutParams(start("mix77").getLayoutParams());
            request.setRoomId(78L);
            assertCode(() -> client.StartMCUMixTranscode(request), "FailedOperation.RoomNotExist");
            request.setRoomId(77L);
            // CDN targets pass the relay policy: this host is not a CDN (cdn.allowPrivateTargets is off).
            PublishCdnParams cdn = new PublishCdnParams();
            cdn.setPublishCdnUrls(new String[] {"rtmp://127.0.0.1:1935/live/stolen"});
            request.setPublishCdnParams(cdn);
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter");
            cdn.setPublishCdnUrls(new String[] {"http://example.com/x"});
            assertCode(() -> client.StartMCUMixTranscode(request), "InvalidParameter");
            request.setPublishCdnParams(null);

            App other = server.server().apps().create("other mix app");
            request.setRoomId(77L);
            assertCode(() -> sdk(server, createKey(server, other.sdkAppId().value())).StartMCUMixTranscode(request),
                    "AuthFailure.UnauthorizedOperation");
            JsonNode garbage = signed(server, createKey(server), "StartMCUMixTranscode", "2019-07-22",
                    Instant.now().getEpochSecond(), "{\"SdkAppId\": " + server.sdkAppId()
                            + ", \"RoomId\": 77, \"OutputParams\": [1, 2], \"EncodeParams\": \"x\"}");
            assertThat(garbage.path("Error").path("Code").asText()).as(garbage.toString()).startsWith("InvalidParameter");
            assertThat(server.server().live().mixes().size()).as("nothing started").isZero();
        }
    }

    @Test
    void mixesPerAppAreLimited() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        List<SignalClient> members = new java.util.ArrayList<>();
        try {
            for (int room = 81; room <= 83; room++) {
                SignalClient member = SignalClient.connect(server);
                members.add(member);
                member.enter(server, "viewer", Integer.toString(room), null);
            }
            for (int room = 81; room <= 82; room++) {
                StartMCUMixTranscodeRequest request = start("mix" + room);
                request.setRoomId((long) room);
                client.StartMCUMixTranscode(request);
            }
            StartMCUMixTranscodeRequest third = start("mix83");
            third.setRoomId(83L);
            assertCode(() -> client.StartMCUMixTranscode(third), "LimitExceeded");
            // Another output name in a room with a mix replaces it: still two.
            StartMCUMixTranscodeRequest renamed = start("mix81b");
            renamed.setRoomId(81L);
            client.StartMCUMixTranscode(renamed);
            assertThat(server.server().live().mixes().size()).isEqualTo(2);
            assertThat(server.server().live().hub().isLive("mix81")).isFalse();
            assertThat(server.server().live().hub().isLive("mix81b")).isTrue();
            // An output name another room's mix holds is refused.
            StartMCUMixTranscodeRequest taken = start("mix82");
            taken.setRoomId(81L);
            assertCode(() -> client.StartMCUMixTranscode(taken), "InvalidParameter.OutputParams");
        } finally {
            for (SignalClient member : members) {
                member.ok("leave", SignalClient.data()); // closing alone would leave it a resume grace period
                member.close();
            }
        }
        Await.until("the mixes end with their rooms", DEADLINE, () -> server.server().live().mixes().size() == 0);
    }

    /** Red on the left half, blue on the right, 640×360 at 15 fps, 2 s GOP, grey placeholders. */
    private static StartMCUMixTranscodeRequest start(String streamId) {
        StartMCUMixTranscodeRequest request = new StartMCUMixTranscodeRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(Long.parseLong(ROOM));
        OutputParams output = new OutputParams();
        output.setStreamId(streamId);
        request.setOutputParams(output);
        EncodeParams encode = new EncodeParams();
        encode.setAudioSampleRate(48_000L);
        encode.setAudioBitrate(64L);
        encode.setAudioChannels(1L);
        encode.setVideoWidth(640L);
        encode.setVideoHeight(360L);
        encode.setVideoBitrate(800L);
        encode.setVideoFramerate(15L);
        encode.setVideoGop(2L);
        request.setEncodeParams(encode);
        LayoutParams layout = new LayoutParams();
        layout.setTemplate(4L);
        layout.setPlaceHolderMode(1L);
        layout.setPresetLayoutConfig(new PresetLayoutConfig[] {half("red", 0), half("blue", 320)});
        request.setLayoutParams(layout);
        return request;
    }

    private static PresetLayoutConfig half(String userId, long x) {
        PresetLayoutConfig region = new PresetLayoutConfig();
        region.setUserId(userId);
        region.setStreamType(0L);
        region.setLocationX(x);
        region.setLocationY(0L);
        region.setImageWidth(320L);
        region.setImageHeight(360L);
        region.setZOrder(1L);
        region.setRenderMode(0L);
        return region;
    }

    private Process publish(Path ffmpeg, String userId, String colour, int hz) throws Exception {
        return publish(ffmpeg, ROOM, userId, "main", colour, hz);
    }

    /** An RTMP publisher of {@code userId}'s {@code main} or {@code aux} (screen share) stream in {@code room}. */
    private Process publish(Path ffmpeg, String room, String userId, String type, String colour, int hz)
            throws Exception {
        String stream = server.sdkAppId() + "_" + room + "_" + userId + "_" + type;
        return FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig(userId)), 120,
                dir.resolve(userId + ".log"), "color=c=" + colour + ":size=320x240:rate=30",
                "sine=frequency=" + hz + ":sample_rate=44100");
    }

    private JsonNode probe(Path ffprobe, String url) throws Exception {
        return probe(ffprobe, url, 2);
    }

    private JsonNode probe(Path ffprobe, String url, int streams) throws Exception {
        JsonNode[] found = new JsonNode[1];
        String[] said = {""};
        Await.until("ffprobe reads the mix", Duration.ofSeconds(30), () -> {
            String out;
            try {
                out = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "5000000",
                    "-show_entries", "stream=codec_type,codec_name,width,height,r_frame_rate", "-of", "json", url),
                    15, dir);
                said[0] = out;
                int brace = out.indexOf('{');
                if (brace < 0) {
                    return false;
                }
                found[0] = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(brace));
            } catch (Exception e) {
                return false;
            }
            return found[0].path("streams").size() == streams;
        }, () -> "not " + streams + " streams: " + found[0] + "; ffprobe said: " + said[0]);
        return found[0];
    }

    private static JsonNode stream(JsonNode probe, String type) {
        for (JsonNode stream : probe.path("streams")) {
            if (stream.path("codec_type").asText().equals(type)) {
                return stream;
            }
        }
        throw new AssertionError("no " + type + " stream in " + probe);
    }

    private Decoded quietly(Path ffmpeg, String url, String name) {
        try {
            return decode(ffmpeg, url, name);
        } catch (Exception | AssertionError e) {
            return null;
        }
    }

    /** 4 s of the mix: pictures scaled to 32×18 RGB (the last one kept) and mono 48 kHz sound. */
    private Decoded decode(Path ffmpeg, String url, String name) throws Exception {
        Path video = dir.resolve(name + ".rgb");
        Path audio = dir.resolve(name + ".pcm");
        Files.deleteIfExists(video);
        Files.deleteIfExists(audio);
        String log = FfmpegRtmp.run(List.of(ffmpeg.toString(), "-hide_banner", "-y", "-rw_timeout", "5000000",
                "-i", url, "-t", "4", "-map", "0:v", "-vf", "scale=32:18", "-pix_fmt", "rgb24", "-f", "rawvideo",
                video.toString(), "-map", "0:a", "-t", "4", "-ac", "1", "-ar", "48000", "-f", "s16le", audio.toString()), 20, dir);
        byte[] pictures = Files.exists(video) ? Files.readAllBytes(video) : new byte[0];
        byte[] sound = Files.exists(audio) ? Files.readAllBytes(audio) : new byte[0];
        int frameBytes = 32 * 18 * 3;
        if (pictures.length < frameBytes || sound.length < 48_000 * 2) {
            throw new AssertionError("too little decoded from " + url + " (" + pictures.length + " B of pictures, "
                    + sound.length + " B of sound): " + log);
        }
        short[] samples = new short[sound.length / 2];
        ByteBuffer.wrap(sound).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        int frames = pictures.length / frameBytes;
        byte[] last = java.util.Arrays.copyOfRange(pictures, (frames - 1) * frameBytes, frames * frameBytes);
        return new Decoded(frames, last, samples);
    }

    /** 4 s of an audio-only mix as mono 48 kHz sound. */
    private Decoded decodeAudio(Path ffmpeg, String url, String name) throws Exception {
        Path audio = dir.resolve(name + ".pcm");
        Files.deleteIfExists(audio);
        String log = FfmpegRtmp.run(List.of(ffmpeg.toString(), "-hide_banner", "-y", "-rw_timeout", "5000000",
                "-i", url, "-map", "0:a", "-t", "4", "-ac", "1", "-ar", "48000", "-f", "s16le", audio.toString()), 20,
                dir);
        byte[] sound = Files.exists(audio) ? Files.readAllBytes(audio) : new byte[0];
        if (sound.length < 48_000 * 2) {
            throw new AssertionError("too little sound decoded from " + url + ": " + log);
        }
        short[] samples = new short[sound.length / 2];
        ByteBuffer.wrap(sound).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return new Decoded(0, new byte[32 * 18 * 3], samples);
    }

    private record Decoded(int frames, byte[] lastPicture, short[] audio) {
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

    private static void assertColour(int rgb, int expected) {
        assertThat(isColour(rgb, expected)).as("colour %06x, expected about %06x", rgb, expected).isTrue();
    }

    private static int status(String url) throws Exception {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void assertCode(Call call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(TencentCloudSDKException.class, e ->
                assertThat(e.getErrorCode()).as(e.toString()).isEqualTo(code));
    }
}
