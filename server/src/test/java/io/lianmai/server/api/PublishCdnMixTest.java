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
import io.lianmai.server.live.MixSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How {@code StartPublishCdnStream}'s {@code WithTranscoding} 1 fields map onto the mix, and which are refused with
 * which code (the feed-back member's UserSig is verified in {@code McuFeedBackIT}).
 */
class PublishCdnMixTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final SdkAppId APP = new SdkAppId(1400000000L);
    private static final RoomRef ROOM = RoomRef.parse("1234", null);
    private static final String AUDIO = "\"AudioParams\": {\"AudioEncode\": {\"SampleRate\": 44100, \"Channel\": 2, "
            + "\"BitRate\": 96}}";
    private static final String CDN = "\"PublishCdnParams\": [{\"PublishCdnUrl\": \"rtmp://cdn.example.com/live/x\"}]";

    private static MixSpec spec(String json) throws Exception {
        StartPublishCdnStream.Request request = JSON.readValue("{\"SdkAppId\": 1400000000, \"RoomId\": \"1234\", "
                + "\"WithTranscoding\": 1, " + json + "}", StartPublishCdnStream.Request.class);
        return PublishCdnMix.spec(APP, ROOM, "mcu-test", request.audioParams(), request.videoParams(),
                request.publishCdnParams(), request.feedBackRoomParams(), request.seiParams(), MixConfig.DEFAULT,
                null);
    }

    private static void refused(String json, String code, String message) {
        assertThatThrownBy(() -> spec(json)).isInstanceOfSatisfying(RestApiException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void audioVideoAndACustomLayoutMap() throws Exception {
        MixSpec spec = spec(AUDIO + ", " + CDN + ", \"VideoParams\": {\"VideoEncode\": {\"Width\": 640, "
                + "\"Height\": 360, \"Fps\": 20, \"BitRate\": 900, \"Gop\": 3}, \"BackGroundColor\": \"0x00FF00\", "
                + "\"LayoutParams\": {\"MixLayoutMode\": 4, \"MixLayoutList\": ["
                + "{\"UserMediaStream\": {\"UserInfo\": {\"UserId\": \"a\"}, \"StreamType\": 0}, \"ImageWidth\": 320, "
                + "\"ImageHeight\": 360, \"LocationX\": 0, \"LocationY\": 0, \"ZOrder\": 1, \"RenderMode\": 2},"
                + "{\"UserMediaStream\": {\"UserInfo\": {\"UserId\": \"b\"}}, \"ImageWidth\": 320, "
                + "\"ImageHeight\": 360, \"LocationX\": 320, \"ZOrder\": 2}]}}");
        assertThat(spec.streamName()).isEqualTo("mcu-test");
        assertThat(spec.video().width()).isEqualTo(640);
        assertThat(spec.video().height()).isEqualTo(360);
        assertThat(spec.video().fps()).isEqualTo(20);
        assertThat(spec.video().videoBitrate()).isEqualTo(900_000);
        assertThat(spec.video().gopFrames()).isEqualTo(60);
        assertThat(spec.video().backgroundRgb()).isEqualTo(0x00FF00);
        assertThat(spec.audioSampleRate()).isEqualTo(44_100);
        assertThat(spec.audioChannels()).isEqualTo(2);
        assertThat(spec.audioBitrate()).isEqualTo(96_000);
        assertThat(spec.pureAudio()).isFalse();
        assertThat(spec.layout().template()).isEqualTo(MixLayout.Template.CUSTOM);
        List<Region> regions = spec.layout().arrange(List.of("a", "b"), 640, 360);
        assertThat(regions).extracting(Region::userId).containsExactly("a", "b");
        assertThat(regions.get(1).x()).isEqualTo(320);
        assertThat(spec.members()).hasValueSatisfying(users -> assertThat(users).containsExactlyInAnyOrder("a", "b"));
        assertThat(spec.cdnUrls()).hasSize(1);
        assertThat(spec.feedBack()).isEmpty();
    }

    @Test
    void layoutModesAreTrtcsAndNoVideoParamsIsAudioOnly() throws Exception {
        assertThat(spec(AUDIO + ", " + CDN).pureAudio()).isTrue();
        String video = ", \"VideoParams\": {\"VideoEncode\": {\"Width\": 640, \"Height\": 360}, \"LayoutParams\": "
                + "{\"MixLayoutMode\": %d}}";
        assertThat(spec(AUDIO + ", " + CDN + video.formatted(1)).layout().template())
                .isEqualTo(MixLayout.Template.FLOAT);
        assertThat(spec(AUDIO + ", " + CDN + video.formatted(2)).layout().template())
                .isEqualTo(MixLayout.Template.SCREEN_SHARE);
        assertThat(spec(AUDIO + ", " + CDN + video.formatted(3)).layout().template())
                .isEqualTo(MixLayout.Template.GRID);
    }

    @Test
    void unsupportedAndBadFieldsAreRefusedByTheirNames() {
        String video = ", \"VideoParams\": {\"VideoEncode\": {\"Width\": %s, \"Height\": 360}%s}";
        refused(CDN, "MissingParameter", "AudioParams.AudioEncode");
        refused(AUDIO, "MissingParameter", "PublishCdnParams or FeedBackRoomParams");
        refused(AUDIO + ", " + CDN + video.formatted("641", ""), "InvalidParameter.VideoParams",
                "VideoParams.VideoEncode.Width and Height");
        refused(AUDIO.replace("44100", "12345") + ", " + CDN, "InvalidParameter.AudioParams",
                "AudioParams.AudioEncode.SampleRate");
        refused(AUDIO.replace("96", "9000") + ", " + CDN, "InvalidParameter.AudioParams",
                "AudioParams.AudioEncode.BitRate");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"BackGroundColor\": \"green\""),
                "InvalidParameter.VideoParams", "VideoParams.BackGroundColor");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"BackgroundImageUrl\": \"http://169.254.169.254/\""),
                "InvalidParameter.VideoParams", "BackgroundImageUrl");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"WaterMarkList\": [{}]"), "UnsupportedOperation",
                "WaterMarkList");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"LayoutParams\": {\"MixLayoutMode\": 7}"),
                "InvalidParameter.VideoParams", "MixLayoutMode");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"LayoutParams\": {\"MixLayoutMode\": 4}"),
                "MissingParameter", "MixLayoutList");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"LayoutParams\": {\"MixLayoutMode\": 3, "
                + "\"MixLayoutList\": [{}]}"), "InvalidParameter.VideoParams", "only for MixLayoutMode 4");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"LayoutParams\": {\"MixLayoutMode\": 4, "
                + "\"MixLayoutList\": [{\"UserMediaStream\": {\"UserInfo\": {\"UserId\": \"a\"}}, "
                + "\"CustomCrop\": {\"LocationX\": 1}}]}"), "UnsupportedOperation", "CustomCrop");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"LayoutParams\": {\"MixLayoutMode\": 4, "
                + "\"MixLayoutList\": [{\"UserMediaStream\": {\"UserInfo\": {\"UserId\": \"a b\"}}}]}"),
                "InvalidParameter.VideoParams", "VideoParams.LayoutParams.MixLayoutList[0].UserMediaStream.UserInfo.UserId");
        refused(AUDIO + ", " + CDN + video.formatted("640", ", \"LayoutParams\": {\"MaxVideoUser\": "
                + "{\"UserMediaStream\": {}}}"), "UnsupportedOperation", "MaxVideoUser");
        refused(AUDIO.replace("}}", "}, \"SubscribeAudioList\": [{\"UserInfo\": {\"UserId\": \"a\"}}]}") + ", " + CDN,
                "UnsupportedOperation", "SubscribeAudioList");
        refused(AUDIO + ", " + CDN + ", \"SeiParams\": {\"LayoutVolume\": {}}", "UnsupportedOperation", "SeiParams");
        refused(AUDIO + ", \"FeedBackRoomParams\": [{\"RoomId\": \"1\", \"UserId\": \"m\", \"UserSig\": \"s\"}, "
                + "{\"RoomId\": \"2\", \"UserId\": \"n\", \"UserSig\": \"s\"}]", "InvalidParameter.FeedBackRoomParams",
                "one room");
        refused(AUDIO + ", \"FeedBackRoomParams\": [{\"RoomId\": \"1\", \"UserId\": \"m\"}]", "MissingParameter",
                "UserSig");
        refused(AUDIO + ", \"FeedBackRoomParams\": [{\"RoomId\": \"x\", \"UserId\": \"m\", \"UserSig\": \"s\"}]",
                "InvalidParameter.FeedBackRoomParams", "FeedBackRoomParams[0]");
        refused(AUDIO + ", \"FeedBackRoomParams\": [{\"RoomId\": \"1\", \"RoomIdType\": 5, \"UserId\": \"m\", "
                + "\"UserSig\": \"s\"}]", "InvalidParameter.FeedBackRoomParams", "RoomIdType");
    }
}
