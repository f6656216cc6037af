package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Region;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.config.MixConfig;
import io.lianmai.server.live.MixImageFetcher;
import io.lianmai.server.live.MixImages;
import io.lianmai.server.live.MixSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How {@code StartMCUMixTranscode}'s TRTC fields map onto the mix engine, and which are refused with which code. */
class StartMCUMixTranscodeTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final SdkAppId APP = new SdkAppId(1400000000L);
    private static final RoomRef ROOM = RoomRef.parse("1234", null);
    private static final List<String> FETCHED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static MixSpec spec(String json) throws Exception {
        return spec(json, MixConfig.DEFAULT);
    }

    private static MixSpec spec(String json, MixConfig limits) throws Exception {
        return StartMCUMixTranscode.spec(APP, ROOM, JSON.readValue("{\"SdkAppId\": 1400000000, \"RoomId\": 1234, "
                + json + "}", StartMCUMixTranscode.Request.class), limits, url -> {
                    FETCHED.add(url);
                    throw new MixImageFetcher.RefusedException("refused by the test");
                }, new MixImages.Builder());
    }

    private static void refused(String json, String code) {
        assertThatThrownBy(() -> spec(json)).isInstanceOfSatisfying(RestApiException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    @Test
    void defaultsAreTrtcs() throws Exception {
        MixSpec spec = spec("\"OutputParams\": {\"StreamId\": \"show\"}, \"EncodeParams\": {}");
        assertThat(spec.streamName()).isEqualTo("show");
        assertThat(spec.video().width()).isEqualTo(1280);
        assertThat(spec.video().height()).isEqualTo(720);
        assertThat(spec.video().fps()).isEqualTo(15);
        assertThat(spec.video().gopFrames()).isEqualTo(30);
        assertThat(spec.video().videoBitrate()).isEqualTo(1_500_000);
        assertThat(spec.audioSampleRate()).isEqualTo(48_000);
        assertThat(spec.audioChannels()).isEqualTo(1);
        assertThat(spec.audioBitrate()).isEqualTo(64_000);
        assertThat(spec.layout().template()).isEqualTo(MixLayout.Template.FLOAT);
        assertThat(spec.members()).isEmpty();
        assertThat(spec.pureAudio()).isFalse();
        assertThat(spec.cdnUrls()).isEmpty();
    }

    @Test
    void encodeParamsMap() throws Exception {
        MixSpec spec = spec("\"OutputParams\": {\"StreamId\": \"s\", \"PureAudioStream\": 1}, \"EncodeParams\": "
                + "{\"VideoWidth\": 640, \"VideoHeight\": 360, \"VideoFramerate\": 20, \"VideoGop\": 3, "
                + "\"VideoBitrate\": 900, \"BackgroundColor\": 255, \"AudioSampleRate\": 44100, "
                + "\"AudioChannels\": 2, \"AudioBitrate\": 128}");
        assertThat(spec.video().gopFrames()).isEqualTo(60);
        assertThat(spec.video().videoBitrate()).isEqualTo(900_000);
        assertThat(spec.video().backgroundRgb()).isEqualTo(0x0000FF);
        assertThat(spec.audioSampleRate()).isEqualTo(44_100);
        assertThat(spec.audioChannels()).isEqualTo(2);
        assertThat(spec.audioBitrate()).isEqualTo(128_000);
        assertThat(spec.pureAudio()).isTrue();
    }

    @Test
    void layoutsMap() throws Exception {
        String base = "\"OutputParams\": {\"StreamId\": \"s\"}, \"EncodeParams\": {\"VideoWidth\": 640, "
                + "\"VideoHeight\": 360}, ";
        MixSpec grid = spec(base + "\"LayoutParams\": {\"Template\": 1, \"MixVideoUids\": [\"a\", \"b\"]}");
        assertThat(grid.members()).contains(Set.of("a", "b"));
        assertThat(grid.othersAudio()).as("TRTC: the audio of users outside MixVideoUids is mixed").isTrue();
        assertThat(spec(base + "\"LayoutParams\": {\"Template\": 1}").othersAudio()).isFalse();
        // the screen share template with the main member's screen share (MainVideoStreamType 1)
        MixSpec share = spec(base + "\"LayoutParams\": {\"Template\": 2, \"MainVideoUserId\": \"teacher\", "
                + "\"MainVideoStreamType\": 1}");
        assertThat(share.auxUsers()).containsExactly("teacher");
        assertThat(share.layout().arrange(List.of("pupil", "teacher"), 640, 360)).extracting(Region::userId,
                Region::streamType, Region::x, Region::width).containsExactly(
                org.assertj.core.groups.Tuple.tuple("teacher", 1, 0, 512),
                org.assertj.core.groups.Tuple.tuple("teacher", 0, 512, 128),
                org.assertj.core.groups.Tuple.tuple("pupil", 0, 512, 128));
        MixSpec auxRegion = spec(base + "\"LayoutParams\": {\"Template\": 4, \"PresetLayoutConfig\": ["
                + "{\"UserId\": \"t\", \"StreamType\": 1, \"ImageWidth\": 640, \"ImageHeight\": 360}]}");
        assertThat(auxRegion.auxUsers()).containsExactly("t");
        assertThat(auxRegion.layout().arrange(List.of(), 640, 360).get(0).streamType()).isEqualTo(1);
        MixSpec auxSmall = spec(base + "\"LayoutParams\": {\"Template\": 3, \"MainVideoUserId\": \"t\", "
                + "\"SmallVideoLayoutParams\": {\"UserId\": \"t\", \"StreamType\": 1}}");
        assertThat(auxSmall.auxUsers()).containsExactly("t");
        assertThat(auxSmall.othersAudio()).isFalse();
        MixSpec pip = spec(base + "\"LayoutParams\": {\"Template\": 3, \"MainVideoUserId\": \"host\", "
                + "\"SmallVideoLayoutParams\": {\"UserId\": \"guest\", \"ImageWidth\": 160, \"ImageHeight\": 90, "
                + "\"LocationX\": 470, \"LocationY\": 260}}");
        assertThat(pip.layout().template()).isEqualTo(MixLayout.Template.PICTURE_IN_PICTURE);
        assertThat(pip.members()).contains(Set.of("host", "guest"));
        assertThat(pip.layout().arrange(List.of("host", "guest"), 640, 360)).extracting(Region::userId,
                Region::x, Region::y, Region::width).containsExactly(
                org.assertj.core.groups.Tuple.tuple("host", 0, 0, 640),
                org.assertj.core.groups.Tuple.tuple("guest", 470, 260, 160));
        MixSpec custom = spec(base + "\"LayoutParams\": {\"Template\": 4, \"PlaceHolderMode\": 1, "
                + "\"PresetLayoutConfig\": [{\"UserId\": \"top\", \"LocationX\": 10, \"LocationY\": 10, "
                + "\"ImageWidth\": 100, \"ImageHeight\": 100, \"ZOrder\": 2, \"RenderMode\": 2}, "
                + "{\"UserId\": \"bottom\", \"ImageWidth\": 640, \"ImageHeight\": 360, \"ZOrder\": 1}]}");
        assertThat(custom.members()).contains(Set.of("top", "bottom"));
        List<Region> regions = custom.layout().arrange(List.of(), 640, 360);
        assertThat(regions).extracting(Region::userId).containsExactly("bottom", "top");
        assertThat(regions.get(1).renderMode()).isEqualTo(io.lianmai.codec.mix.RenderMode.FIT);
        assertThat(regions.get(1).placeholderRgb()).isEqualTo(StartMCUMixTranscode.PLACEHOLDER_RGB);
    }

    @Test
    void garbageIsRefusedWithTrtcsCodes() throws Exception {
        String encode = "\"EncodeParams\": {}";
        refused("\"EncodeParams\": {}", "MissingParameter.OutputParams");
        refused("\"OutputParams\": {\"StreamId\": \"\"}, " + encode, "MissingParameter.OutputParams");
        refused("\"OutputParams\": {\"StreamId\": \"a/b\"}, " + encode, "InvalidParameter.OutputParams");
        refused("\"OutputParams\": {\"StreamId\": \"" + "x".repeat(65) + "\"}, " + encode,
                "InvalidParameter.OutputParams");
        refused("\"OutputParams\": {\"StreamId\": \"1400000000_1234_bob_main\"}, " + encode,
                "InvalidParameter.OutputParams");
        refused("\"OutputParams\": {\"StreamId\": \"s\", \"PureAudioStream\": 2}, " + encode,
                "InvalidParameter.OutputParams");
        String out = "\"OutputParams\": {\"StreamId\": \"s\"}, ";
        refused(out.substring(0, out.length() - 2), "MissingParameter.EncodeParams");
        for (String bad : List.of("\"VideoWidth\": 63", "\"VideoWidth\": 1921", "\"VideoHeight\": 361",
                "\"VideoBitrate\": 9000", "\"VideoBitrate\": 10", "\"VideoFramerate\": 0", "\"VideoFramerate\": 61",
                "\"VideoGop\": 6", "\"BackgroundColor\": 16777216", "\"BackgroundColor\": -1",
                "\"AudioSampleRate\": 12345", "\"AudioBitrate\": 501", "\"AudioChannels\": 3", "\"AudioCodec\": 1",
                "\"BackgroundImageId\": 7", "\"BackgroundImageUrl\": \"http://10.0.0.1/x.png\"")) {
            refused(out + "\"EncodeParams\": {" + bad + "}", "InvalidParameter.EncodeParams");
        }
        String enc = out + encode + ", ";
        refused(enc + "\"LayoutParams\": {\"Template\": 5}", "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"Template\": 3}", "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"Template\": 4}", "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"Template\": 4, \"PresetLayoutConfig\": [{\"ImageWidth\": 10}]}",
                "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"Template\": 4, \"PresetLayoutConfig\": [{\"UserId\": \"a\", "
                + "\"ImageWidth\": 10, \"ImageHeight\": 10, \"PlaceImageId\": 3}]}", "InvalidParameter.LayoutParams");
        // images: fetched only once everything else is valid, and only with PlaceHolderMode 1; a refusal names the field
        FETCHED.clear();
        refused(enc + "\"LayoutParams\": {\"Template\": 9, \"PresetLayoutConfig\": [{\"UserId\": \"a\", "
                + "\"ImageWidth\": 10, \"ImageHeight\": 10, \"PlaceImageUrl\": \"http://x/a.png\"}]}",
                "InvalidParameter.LayoutParams");
        assertThat(FETCHED).as("nothing fetched for an invalid request").isEmpty();
        assertThatThrownBy(() -> spec(enc + "\"LayoutParams\": {\"Template\": 4, \"PlaceHolderMode\": 1, "
                + "\"PresetLayoutConfig\": [{\"UserId\": \"a\", \"ImageWidth\": 10, \"ImageHeight\": 10, "
                + "\"PlaceImageUrl\": \"http://x/a.png\"}, {\"UserId\": \"b\", \"ImageWidth\": 10, "
                + "\"ImageHeight\": 10, \"PlaceImageUrl\": \"http://x/a.png\"}]}"))
                .isInstanceOfSatisfying(RestApiException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("PresetLayoutConfig[0].PlaceImageUrl: refused by the test"));
        assertThat(FETCHED).containsExactly("http://x/a.png");
        FETCHED.clear();
        spec(enc + "\"LayoutParams\": {\"Template\": 4, \"PresetLayoutConfig\": [{\"UserId\": "
                + "\"a\", \"ImageWidth\": 10, \"ImageHeight\": 10, \"PlaceImageUrl\": \"http://x/a.png\"}]}");
        assertThat(FETCHED).as("PlaceHolderMode 0: no placeholder, nothing fetched").isEmpty();
        String five = "";
        for (int i = 0; i < 5; i++) {
            five += (i > 0 ? ", " : "") + "{\"UserId\": \"u" + i + "\", \"ImageWidth\": 10, \"ImageHeight\": 10, "
                    + "\"PlaceImageUrl\": \"http://x/" + i + ".png\"}";
        }
        refused(enc + "\"LayoutParams\": {\"Template\": 4, \"PlaceHolderMode\": 1, \"PresetLayoutConfig\": ["
                + five + "]}", "InvalidParameter.LayoutParams");
        assertThat(FETCHED).as("more than 4 different images: refused before any fetch").isEmpty();
        refused(enc + "\"LayoutParams\": {\"Template\": 4, \"PresetLayoutConfig\": [{\"UserId\": \"a\", "
                + "\"ImageWidth\": 0, \"ImageHeight\": 10}]}", "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"MixVideoUids\": [\"ok\", \"not ok!\"]}", "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"PlaceHolderMode\": 2}", "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"MainVideoStreamType\": 1}", "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"MainVideoUserId\": \"t\", \"MainVideoStreamType\": 2}",
                "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"Template\": 4, \"PresetLayoutConfig\": [{\"UserId\": \"a\", "
                + "\"StreamType\": -1, \"ImageWidth\": 10, \"ImageHeight\": 10}]}", "InvalidParameter.LayoutParams");
        refused(enc + "\"LayoutParams\": {\"PureAudioHoldPlaceMode\": 1}", "UnsupportedOperation");
        refused(enc + "\"LayoutParams\": {\"WaterMarkParams\": {\"WaterMarkId\": 1}}", "UnsupportedOperation");
        refused(enc + "\"PublishCdnParams\": {\"PublishCdnUrls\": [\"srt://x\"]}", "InvalidParameter");
    }

    @Test
    void theOperatorsLimitsApply() {
        MixConfig small = new MixConfig(1, 1, 640, 480, 1000, 2 << 20, 4 << 20, 5000, false, List.of());
        assertThatThrownBy(() -> spec("\"OutputParams\": {\"StreamId\": \"s\"}, \"EncodeParams\": "
                + "{\"VideoWidth\": 1280, \"VideoHeight\": 720}", small))
                .isInstanceOfSatisfying(RestApiException.class, e -> assertThat(e.getMessage())
                        .contains("mix.maxVideoWidth"));
        assertThatThrownBy(() -> spec("\"OutputParams\": {\"StreamId\": \"s\"}, \"EncodeParams\": "
                + "{\"VideoWidth\": 640, \"VideoHeight\": 360, \"VideoBitrate\": 1500}", small))
                .isInstanceOfSatisfying(RestApiException.class, e -> assertThat(e.getMessage())
                        .contains("mix.maxVideoBitrate"));
    }
}
