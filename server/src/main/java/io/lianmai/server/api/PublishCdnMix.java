package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.auth.Privileges;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.config.MixConfig;
import io.lianmai.server.http.ApiException;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.live.CdnPublishTasks;
import io.lianmai.server.live.MixImages;
import io.lianmai.server.live.MixSpec;
import io.lianmai.server.live.MixTasks;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code StartPublishCdnStream} with {@code WithTranscoding} 1: TRTC's mixed relay. Its {@code AudioParams},
 * {@code VideoParams} ({@code VideoEncode}, {@code LayoutParams}) are mapped onto the fields of
 * {@code StartMCUMixTranscode} and checked by the same rules, then the room's mix runs (one per room, as
 * {@code StartMCUMixTranscode}'s: a mixed relay replaces it) with its output relayed to {@code PublishCdnParams}
 * and/or pushed back into a room as the member {@code FeedBackRoomParams} names, whose UserSig is verified. The task
 * id is the mix's live stream name. Field mapping and refusals: docs/mixing.md.
 */
final class PublishCdnMix {
    static final String INVALID_AUDIO = "InvalidParameter.AudioParams";
    static final String INVALID_VIDEO = "InvalidParameter.VideoParams";
    static final String INVALID_FEEDBACK = "InvalidParameter.FeedBackRoomParams";
    /** Task ids (and the mixes' live stream names) start so; a WithTranscoding 0 task's id never does. */
    static final String TASK_PREFIX = "mcu-";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** TRTC's MixLayoutMode → StartMCUMixTranscode's Template. */
    private static final Map<Integer, Integer> TEMPLATES = Map.of(1, 0, 2, 2, 3, 1, 4, 4);

    /** TRTC's {@code McuAudioParams}. */
    record AudioParams(@JsonProperty("AudioEncode") AudioEncode audioEncode,
                       @JsonProperty("SubscribeAudioList") JsonNode subscribeAudioList,
                       @JsonProperty("UnSubscribeAudioList") JsonNode unSubscribeAudioList) {
    }

    record AudioEncode(@JsonProperty("SampleRate") Integer sampleRate,
                       @JsonProperty("Channel") Integer channel,
                       @JsonProperty("BitRate") Integer bitRate,
                       @JsonProperty("Codec") Integer codec) {
    }

    /** TRTC's {@code McuVideoParams}. */
    record VideoParams(@JsonProperty("VideoEncode") VideoEncode videoEncode,
                       @JsonProperty("LayoutParams") LayoutParams layoutParams,
                       @JsonProperty("BackGroundColor") String backGroundColor,
                       @JsonProperty("BackgroundImageUrl") String backgroundImageUrl,
                       @JsonProperty("WaterMarkList") JsonNode waterMarkList,
                       @JsonProperty("BackgroundRenderMode") Integer backgroundRenderMode) {
    }

    record VideoEncode(@JsonProperty("Width") Integer width,
                       @JsonProperty("Height") Integer height,
                       @JsonProperty("Fps") Integer fps,
                       @JsonProperty("BitRate") Integer bitRate,
                       @JsonProperty("Gop") Integer gop) {
    }

    /** TRTC's {@code McuLayoutParams}. */
    record LayoutParams(@JsonProperty("MixLayoutMode") Integer mixLayoutMode,
                        @JsonProperty("PureAudioHoldPlaceMode") Integer pureAudioHoldPlaceMode,
                        @JsonProperty("MixLayoutList") List<McuLayout> mixLayoutList,
                        @JsonProperty("MaxVideoUser") JsonNode maxVideoUser,
                        @JsonProperty("RenderMode") Integer renderMode) {
    }

    /** TRTC's {@code McuLayout}: one region of a custom layout. */
    record McuLayout(@JsonProperty("UserMediaStream") StartPublishCdnStream.UserMediaStream userMediaStream,
                     @JsonProperty("ImageWidth") Integer imageWidth,
                     @JsonProperty("ImageHeight") Integer imageHeight,
                     @JsonProperty("LocationX") Integer locationX,
                     @JsonProperty("LocationY") Integer locationY,
                     @JsonProperty("ZOrder") Integer zOrder,
                     @JsonProperty("RenderMode") Integer renderMode,
                     @JsonProperty("BackGroundColor") String backGroundColor,
                     @JsonProperty("BackgroundImageUrl") String backgroundImageUrl,
                     @JsonProperty("CustomCrop") JsonNode customCrop,
                     @JsonProperty("BackgroundRenderMode") Integer backgroundRenderMode) {
    }

    /** TRTC's {@code McuFeedBackRoomParams}: the room and member the mix is pushed back into. */
    record FeedBackRoomParams(@JsonProperty("RoomId") String roomId,
                              @JsonProperty("RoomIdType") Integer roomIdType,
                              @JsonProperty("UserId") String userId,
                              @JsonProperty("UserSig") String userSig) {
    }

    private final MixTasks mixes;
    private final RequestAuthenticator authenticator;

    PublishCdnMix(MixTasks mixes, RequestAuthenticator authenticator) {
        this.mixes = mixes;
        this.authenticator = authenticator;
    }

    /** Starts the mixed relay of {@code room}; returns its task id. */
    String start(SdkAppId app, RoomRef room, StartPublishCdnStream.Request request) {
        String taskId = TASK_PREFIX + newId();
        run(spec(app, room, taskId, request.audioParams(), request.videoParams(), request.publishCdnParams(),
                request.feedBackRoomParams(), request.seiParams()));
        return taskId;
    }

    /** Whether {@code taskId} names a mixed relay (it may have ended). */
    static boolean isMixTask(String taskId) {
        return taskId.startsWith(TASK_PREFIX);
    }

    /** Stops the app's mixed relay {@code taskId}; false when none runs. */
    boolean stop(SdkAppId app, String taskId) {
        return mixes.stopStream(app, taskId);
    }

    /** Applies an {@code UpdatePublishCdnStream} to the running mixed relay {@code taskId}. */
    void update(SdkAppId app, String taskId, UpdatePublishCdnStream.Request request) {
        MixSpec running = mixes.find(app, taskId).orElseThrow(() -> new RestApiException(
                RestApiException.RESOURCE_NOT_FOUND, "no mixed CDN publish task " + shown(taskId)
                        + " runs for SdkAppId " + app));
        run(spec(app, running.room(), taskId, request.audioParams(), request.videoParams(),
                request.publishCdnParams(), request.feedBackRoomParams(), request.seiParams()));
    }

    private void run(MixSpec spec) {
        try {
            mixes.start(spec);
        } catch (MixTasks.RoomNotFoundException e) {
            throw RoomIds.notFound(spec.room());
        } catch (MixTasks.LimitExceededException | CdnPublishTasks.LimitExceededException e) {
            throw new RestApiException(RestApiException.LIMIT_EXCEEDED, e.getMessage());
        } catch (CdnPublishTasks.TargetDeniedException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "PublishCdnParams[" + e.index() + "].PublishCdnUrl: " + e.getMessage());
        } catch (RestApiException e) {
            throw e;
        } catch (Exception e) {
            throw new RestApiException(RestApiException.INTERNAL_ERROR, "the mixer could not start");
        }
    }

    private MixSpec spec(SdkAppId app, RoomRef room, String streamName, AudioParams audio, VideoParams video,
            List<StartPublishCdnStream.PublishCdnParam> cdn, List<FeedBackRoomParams> feedBack, JsonNode sei) {
        return spec(app, room, streamName, audio, video, cdn, feedBack, sei, mixes.config(), authenticator);
    }

    /**
     * The request checked and mapped; {@link RestApiException} with a TRTC-style code naming the field.
     *
     * @param authenticator verifies a {@code FeedBackRoomParams} UserSig
     */
    static MixSpec spec(SdkAppId app, RoomRef room, String streamName, AudioParams audio, VideoParams video,
            List<StartPublishCdnStream.PublishCdnParam> cdn, List<FeedBackRoomParams> feedBack, JsonNode sei,
            MixConfig limits, RequestAuthenticator authenticator) {
        if (sei != null && !sei.isNull()) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION,
                    "SeiParams: SEI in the mixed stream is not supported");
        }
        if (audio == null || audio.audioEncode() == null) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "AudioParams.AudioEncode is required with WithTranscoding 1");
        }
        if (present(audio.subscribeAudioList()) || present(audio.unSubscribeAudioList())) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, "AudioParams.SubscribeAudioList/"
                    + "UnSubscribeAudioList are not supported: the mix hears the members it shows (or everyone)");
        }
        AudioEncode ae = audio.audioEncode();
        VideoEncode ve = video == null ? null : video.videoEncode();
        if (video != null && ve == null) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "VideoParams.VideoEncode is required with VideoParams (leave VideoParams out for audio only)");
        }
        Integer background = null;
        if (video != null) {
            if (video.backgroundImageUrl() != null && !video.backgroundImageUrl().isEmpty()) {
                throw new RestApiException(INVALID_VIDEO, "VideoParams.BackgroundImageUrl: background images are not "
                        + "supported (this server fetches no remote images); use BackGroundColor");
            }
            if (present(video.waterMarkList())) {
                throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION,
                        "VideoParams.WaterMarkList: watermarks are not supported");
            }
            background = colour(video.backGroundColor(), "VideoParams.BackGroundColor");
        }
        StartMCUMixTranscode.EncodeParams encode = new StartMCUMixTranscode.EncodeParams(ae.sampleRate(),
                ae.bitRate(), ae.channel(), ve == null ? null : ve.width(), ve == null ? null : ve.height(),
                ve == null ? null : ve.bitRate(), ve == null ? null : ve.fps(), ve == null ? null : ve.gop(),
                background, null, ae.codec(), null);
        StartMCUMixTranscode.LayoutParams layout = layout(video == null ? null : video.layoutParams());
        StartMCUMixTranscode.Request mcu = new StartMCUMixTranscode.Request(app.value(), null, null,
                new StartMCUMixTranscode.OutputParams(streamName, video == null ? 1 : 0, null, null), encode, layout,
                null);
        MixSpec spec;
        try {
            // No image URL reaches the mapping (they are refused above): nothing is ever fetched here.
            spec = StartMCUMixTranscode.spec(app, room, mcu, limits, url -> {
                throw new IllegalStateException("no image is fetched for WithTranscoding 1");
            }, new MixImages.Builder());
        } catch (RestApiException e) {
            throw renamed(e);
        }
        List<RtmpUrl> urls = cdn == null || cdn.isEmpty() ? List.of() : StartPublishCdnStream.urls(cdn);
        Optional<MixSpec.FeedBack> back = feedBack(app, feedBack, authenticator);
        if (urls.isEmpty() && back.isEmpty()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "WithTranscoding 1 needs PublishCdnParams or FeedBackRoomParams (where the mix goes)");
        }
        return new MixSpec(spec.app(), spec.room(), spec.streamName(), spec.video(), spec.layout(), spec.images(),
                spec.members(), spec.othersAudio(), spec.auxUsers(), spec.pureAudio(), spec.audioSampleRate(),
                spec.audioChannels(), spec.audioBitrate(), urls, back);
    }

    private static StartMCUMixTranscode.LayoutParams layout(LayoutParams params) {
        if (params == null) {
            return null; // float, everyone
        }
        if (present(params.maxVideoUser())) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION,
                    "VideoParams.LayoutParams.MaxVideoUser is not supported");
        }
        int mode = params.mixLayoutMode() == null ? 3 : params.mixLayoutMode();
        Integer template = TEMPLATES.get(mode);
        if (template == null) {
            throw new RestApiException(INVALID_VIDEO, "VideoParams.LayoutParams.MixLayoutMode must be 1 (float), "
                    + "2 (screen share), 3 (grid) or 4 (custom)");
        }
        List<StartMCUMixTranscode.PresetLayoutConfig> presets = null;
        if (mode == 4) {
            List<McuLayout> list = params.mixLayoutList();
            if (list == null || list.isEmpty()) {
                throw new RestApiException(RestApiException.MISSING_PARAMETER,
                        "VideoParams.LayoutParams.MixLayoutList is required with MixLayoutMode 4 (custom)");
            }
            presets = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                McuLayout cell = list.get(i);
                String field = "VideoParams.LayoutParams.MixLayoutList[" + i + "]";
                if (cell == null || cell.userMediaStream() == null || cell.userMediaStream().userInfo() == null) {
                    throw new RestApiException(RestApiException.MISSING_PARAMETER,
                            field + ".UserMediaStream.UserInfo.UserId is required");
                }
                if ((cell.backGroundColor() != null && !cell.backGroundColor().isEmpty())
                        || (cell.backgroundImageUrl() != null && !cell.backgroundImageUrl().isEmpty())
                        || present(cell.customCrop())) {
                    throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, field
                            + ": BackGroundColor, BackgroundImageUrl and CustomCrop of a region are not supported");
                }
                presets.add(new StartMCUMixTranscode.PresetLayoutConfig(cell.userMediaStream().userInfo().userId(),
                        cell.userMediaStream().streamType(), cell.imageWidth(), cell.imageHeight(),
                        cell.locationX(), cell.locationY(), cell.zOrder(), cell.renderMode(), null, null, null));
            }
        } else if (params.mixLayoutList() != null && !params.mixLayoutList().isEmpty()) {
            throw new RestApiException(INVALID_VIDEO,
                    "VideoParams.LayoutParams.MixLayoutList is only for MixLayoutMode 4 (custom)");
        }
        return new StartMCUMixTranscode.LayoutParams(template, null, null, null, null, null, presets, null,
                params.pureAudioHoldPlaceMode(), null, params.renderMode());
    }

    /** The feed-back member, its UserSig verified against the app's keys. */
    private static Optional<MixSpec.FeedBack> feedBack(SdkAppId app, List<FeedBackRoomParams> list,
            RequestAuthenticator authenticator) {
        if (list == null || list.isEmpty()) {
            return Optional.empty();
        }
        if (list.size() > 1) {
            throw new RestApiException(INVALID_FEEDBACK, "FeedBackRoomParams: one room per task on this server");
        }
        FeedBackRoomParams params = list.get(0);
        if (params == null || params.roomId() == null || params.roomId().isEmpty() || params.userId() == null
                || params.userId().isEmpty() || params.userSig() == null || params.userSig().isEmpty()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "FeedBackRoomParams[0] needs RoomId, UserId and UserSig");
        }
        int type = params.roomIdType() == null ? 0 : params.roomIdType();
        RoomRef room;
        UserId user;
        try {
            room = switch (type) {
                case 0 -> RoomRef.parse(params.roomId(), null);
                case 1 -> RoomRef.parse(null, params.roomId());
                default -> throw new RestApiException(INVALID_FEEDBACK,
                        "FeedBackRoomParams[0].RoomIdType must be 0 (numeric) or 1 (string)");
            };
            user = UserId.parse(params.userId());
        } catch (IllegalArgumentException e) {
            throw new RestApiException(INVALID_FEEDBACK, "FeedBackRoomParams[0]: " + e.getMessage());
        }
        Privileges privileges;
        try {
            privileges = authenticator.authenticate(app, user.value(), params.userSig(), Optional.empty(), room,
                    Set.of());
        } catch (ApiException e) {
            throw new RestApiException(INVALID_FEEDBACK, "FeedBackRoomParams[0].UserSig: " + e.error().message());
        }
        return Optional.of(new MixSpec.FeedBack(room, user, privileges));
    }

    /** {@code "0xRRGGBB"}, {@code "#RRGGBB"} or {@code "RRGGBB"}; null stays null (black). */
    private static Integer colour(String text, String field) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2)
                : text.startsWith("#") ? text.substring(1) : text;
        if (!hex.matches("[0-9A-Fa-f]{6}")) {
            throw new RestApiException(INVALID_VIDEO, field + " must be a colour 0xRRGGBB");
        }
        return Integer.parseInt(hex, 16);
    }

    /** StartMCUMixTranscode's field names in its errors, renamed to this request's. */
    private static RestApiException renamed(RestApiException e) {
        String message = e.getMessage();
        String[][] names = {
            {"EncodeParams.AudioSampleRate", "AudioParams.AudioEncode.SampleRate"},
            {"EncodeParams.AudioBitrate", "AudioParams.AudioEncode.BitRate"},
            {"EncodeParams.AudioChannels", "AudioParams.AudioEncode.Channel"},
            {"EncodeParams.AudioCodec", "AudioParams.AudioEncode.Codec"},
            {"EncodeParams.VideoWidth and VideoHeight", "VideoParams.VideoEncode.Width and Height"},
            {"EncodeParams.VideoWidth × VideoHeight", "VideoParams.VideoEncode.Width × Height"},
            {"EncodeParams.VideoBitrate", "VideoParams.VideoEncode.BitRate"},
            {"EncodeParams.VideoFramerate", "VideoParams.VideoEncode.Fps"},
            {"EncodeParams.VideoGop", "VideoParams.VideoEncode.Gop"},
            {"EncodeParams.BackgroundColor", "VideoParams.BackGroundColor"},
            {"LayoutParams.PureAudioHoldPlaceMode", "VideoParams.LayoutParams.PureAudioHoldPlaceMode"},
            {"LayoutParams.RenderMode", "VideoParams.LayoutParams.RenderMode"},
            {"PresetLayoutConfig[", "VideoParams.LayoutParams.MixLayoutList["},
            {"].UserId", "].UserMediaStream.UserInfo.UserId"},
            {"].StreamType", "].UserMediaStream.StreamType"},
            {"Template 4 (custom) needs PresetLayoutConfig", "MixLayoutMode 4 (custom) needs MixLayoutList"},
        };
        for (String[] pair : names) {
            message = message.replace(pair[0], pair[1]);
        }
        String code = e.code();
        if (code.equals(StartMCUMixTranscode.INVALID_ENCODE)) {
            code = message.startsWith("AudioParams") ? INVALID_AUDIO : INVALID_VIDEO;
        } else if (code.equals(StartMCUMixTranscode.INVALID_LAYOUT)) {
            code = INVALID_VIDEO;
        }
        return new RestApiException(code, message);
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !(node.isArray() && node.isEmpty());
    }

    private static String shown(String taskId) {
        return taskId.length() > 64 ? taskId.substring(0, 64) + "…" : taskId;
    }

    private static String newId() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
