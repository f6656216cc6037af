package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Mixer;
import io.lianmai.codec.mix.Region;
import io.lianmai.codec.mix.RenderMode;
import io.lianmai.codec.mix.StillImage;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.config.MixConfig;
import io.lianmai.server.live.CdnPublishTasks;
import io.lianmai.server.live.MixImageFetcher;
import io.lianmai.server.live.MixImages;
import io.lianmai.server.live.MixSpec;
import io.lianmai.server.live.MixTasks;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code StartMCUMixTranscode} (numeric RoomId) and {@code StartMCUMixTranscodeByStrRoomId} (StrRoomId): mixes the
 * room's members into one H.264 + AAC live stream named {@code OutputParams.StreamId}, played at
 * {@code /live/{StreamId}.flv} (HLS, RTMP) with the app's signed URLs and relayed to {@code PublishCdnParams}. One mix
 * per room: a second start updates the layout. The field mapping and what is refused: docs/mixing.md.
 */
final class StartMCUMixTranscode implements RestAction<StartMCUMixTranscode.Request> {
    static final String INVALID_OUTPUT = "InvalidParameter.OutputParams";
    static final String INVALID_ENCODE = "InvalidParameter.EncodeParams";
    static final String INVALID_LAYOUT = "InvalidParameter.LayoutParams";
    static final String MISSING_OUTPUT = "MissingParameter.OutputParams";
    static final String MISSING_ENCODE = "MissingParameter.EncodeParams";
    /** Drawn where a member has no picture when {@code PlaceHolderMode} is 1 (TRTC shows an uploaded image there). */
    static final int PLACEHOLDER_RGB = 0x333333;
    private static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<Integer> SAMPLE_RATES = Set.of(8_000, 16_000, 24_000, 32_000, 44_100, 48_000);

    /** The request as TRTC names it; RecordId and RecordAudioOnly are accepted and ignored (no mixed recording yet). */
    record Request(@JsonProperty("SdkAppId") long sdkAppId,
                   @JsonProperty("RoomId") JsonNode roomId,
                   @JsonProperty("StrRoomId") JsonNode strRoomId,
                   @JsonProperty("OutputParams") OutputParams outputParams,
                   @JsonProperty("EncodeParams") EncodeParams encodeParams,
                   @JsonProperty("LayoutParams") LayoutParams layoutParams,
                   @JsonProperty("PublishCdnParams") PublishCdnParams publishCdnParams) {
    }

    record OutputParams(@JsonProperty("StreamId") String streamId,
                        @JsonProperty("PureAudioStream") Integer pureAudioStream,
                        @JsonProperty("RecordId") String recordId,
                        @JsonProperty("RecordAudioOnly") Integer recordAudioOnly) {
    }

    record EncodeParams(@JsonProperty("AudioSampleRate") Integer audioSampleRate,
                        @JsonProperty("AudioBitrate") Integer audioBitrate,
                        @JsonProperty("AudioChannels") Integer audioChannels,
                        @JsonProperty("VideoWidth") Integer videoWidth,
                        @JsonProperty("VideoHeight") Integer videoHeight,
                        @JsonProperty("VideoBitrate") Integer videoBitrate,
                        @JsonProperty("VideoFramerate") Integer videoFramerate,
                        @JsonProperty("VideoGop") Integer videoGop,
                        @JsonProperty("BackgroundColor") Integer backgroundColor,
                        @JsonProperty("BackgroundImageId") Integer backgroundImageId,
                        @JsonProperty("AudioCodec") Integer audioCodec,
                        @JsonProperty("BackgroundImageUrl") String backgroundImageUrl) {
    }

    record LayoutParams(@JsonProperty("Template") Integer template,
                        @JsonProperty("MainVideoUserId") String mainVideoUserId,
                        @JsonProperty("MainVideoStreamType") Integer mainVideoStreamType,
                        @JsonProperty("SmallVideoLayoutParams") SmallVideoLayoutParams smallVideoLayoutParams,
                        @JsonProperty("MainVideoRightAlign") Integer mainVideoRightAlign,
                        @JsonProperty("MixVideoUids") List<String> mixVideoUids,
                        @JsonProperty("PresetLayoutConfig") List<PresetLayoutConfig> presetLayoutConfig,
                        @JsonProperty("PlaceHolderMode") Integer placeHolderMode,
                        @JsonProperty("PureAudioHoldPlaceMode") Integer pureAudioHoldPlaceMode,
                        @JsonProperty("WaterMarkParams") JsonNode waterMarkParams,
                        @JsonProperty("RenderMode") Integer renderMode) {
    }

    record SmallVideoLayoutParams(@JsonProperty("UserId") String userId,
                                  @JsonProperty("StreamType") Integer streamType,
                                  @JsonProperty("ImageWidth") Integer imageWidth,
                                  @JsonProperty("ImageHeight") Integer imageHeight,
                                  @JsonProperty("LocationX") Integer locationX,
                                  @JsonProperty("LocationY") Integer locationY) {
    }

    record PresetLayoutConfig(@JsonProperty("UserId") String userId,
                              @JsonProperty("StreamType") Integer streamType,
                              @JsonProperty("ImageWidth") Integer imageWidth,
                              @JsonProperty("ImageHeight") Integer imageHeight,
                              @JsonProperty("LocationX") Integer locationX,
                              @JsonProperty("LocationY") Integer locationY,
                              @JsonProperty("ZOrder") Integer zOrder,
                              @JsonProperty("RenderMode") Integer renderMode,
                              @JsonProperty("MixInputType") Integer mixInputType,
                              @JsonProperty("PlaceImageId") Integer placeImageId,
                              @JsonProperty("PlaceImageUrl") String placeImageUrl) {
    }

    record PublishCdnParams(@JsonProperty("BizId") Integer bizId,
                            @JsonProperty("PublishCdnUrls") List<String> publishCdnUrls) {
    }

    /** Fetches and decodes an image by URL: the server's {@link MixImageFetcher}; tests pass fakes. */
    @FunctionalInterface
    interface ImageSource {
        StillImage fetch(String url) throws MixImageFetcher.RefusedException;
    }

    /** Different image URLs one request may name: each fetch may take {@code mix.imageTimeoutMillis}. */
    static final int MAX_IMAGES = 4;

    private final boolean strRoomId;
    private final MixTasks mixes;
    private final ImageSource images;

    StartMCUMixTranscode(boolean strRoomId, MixTasks mixes, ImageSource images) {
        this.strRoomId = strRoomId;
        this.mixes = mixes;
        this.images = images;
    }

    @Override
    public String name() {
        return strRoomId ? "StartMCUMixTranscodeByStrRoomId" : "StartMCUMixTranscode";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomRef room = RoomIds.parse(strRoomId ? request.strRoomId() : request.roomId(), strRoomId);
        // Runs on a worker thread: the image fetches block (DNS, download, decoding), before MixTasks' lock.
        MixImages.Builder fetched = new MixImages.Builder();
        MixSpec spec;
        try {
            spec = spec(sdkAppId, room, request, mixes.config(), images, fetched);
        } catch (RuntimeException e) {
            fetched.close();
            throw e;
        }
        try {
            mixes.start(spec); // owns the images from here, refused or not
        } catch (MixTasks.RoomNotFoundException e) {
            throw RoomIds.notFound(room);
        } catch (MixTasks.LimitExceededException | CdnPublishTasks.LimitExceededException e) {
            throw new RestApiException(RestApiException.LIMIT_EXCEEDED, e.getMessage());
        } catch (MixTasks.StreamTakenException e) {
            throw new RestApiException(INVALID_OUTPUT, e.getMessage());
        } catch (CdnPublishTasks.TargetDeniedException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "PublishCdnParams.PublishCdnUrls[" + e.index() + "]: " + e.getMessage());
        } catch (RestApiException e) {
            throw e;
        } catch (Exception e) {
            throw new RestApiException(RestApiException.INTERNAL_ERROR, "the mixer could not start");
        }
        return RoomAction.DONE;
    }

    /**
     * The request checked and mapped onto the mix engine; {@link RestApiException} with TRTC's code when invalid. The
     * images it names are fetched from {@code images} once everything else is valid, into {@code fetched} (the
     * caller frees them if this throws).
     */
    static MixSpec spec(SdkAppId app, RoomRef room, Request request, MixConfig limits, ImageSource images,
            MixImages.Builder fetched) {
        OutputParams output = request.outputParams();
        if (output == null || output.streamId() == null || output.streamId().isEmpty()) {
            throw new RestApiException(MISSING_OUTPUT, "OutputParams.StreamId is required");
        }
        String streamId = output.streamId();
        if (!STREAM_ID.matcher(streamId).matches()) {
            throw new RestApiException(INVALID_OUTPUT,
                    "OutputParams.StreamId must be 1..64 characters of A-Z, a-z, 0-9, _ and -");
        }
        if (LiveStreamName.tryParse(streamId).isPresent()) {
            throw new RestApiException(INVALID_OUTPUT, "OutputParams.StreamId must not be a room member's stream "
                    + "name ({sdkAppId}_{roomId}_{userId}_main); e.g. mix_" + app + "_1234");
        }
        int pure = value(output.pureAudioStream(), 0);
        if (pure != 0 && pure != 1) {
            throw new RestApiException(INVALID_OUTPUT, "OutputParams.PureAudioStream must be 0 or 1");
        }
        EncodeParams encode = request.encodeParams();
        if (encode == null) {
            throw new RestApiException(MISSING_ENCODE, "EncodeParams is required");
        }
        Mixer.Config video = video(encode, limits);
        int sampleRate = value(encode.audioSampleRate(), 48_000);
        if (!SAMPLE_RATES.contains(sampleRate)) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.AudioSampleRate must be one of 48000, 44100, "
                    + "32000, 24000, 16000, 8000");
        }
        int audioKbps = value(encode.audioBitrate(), 64);
        int channels = value(encode.audioChannels(), 1);
        if (audioKbps < 8 || audioKbps > 500) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.AudioBitrate must be 8..500 (kbit/s)");
        }
        if (channels != 1 && channels != 2) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.AudioChannels must be 1 or 2");
        }
        if (value(encode.audioCodec(), 0) != 0) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.AudioCodec: only 0 (AAC-LC) is supported");
        }
        if (value(encode.backgroundImageId(), 0) != 0) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.BackgroundImageId: this server has no image "
                    + "library; give BackgroundImageUrl");
        }
        String backgroundUrl = emptyToNull(encode.backgroundImageUrl());
        LayoutParams layoutParams = request.layoutParams();
        if (layoutParams == null) {
            layoutParams = new LayoutParams(null, null, null, null, null, null, null, null, null, null, null);
        }
        List<String> mixed = new ArrayList<>();
        Set<String> aux = new LinkedHashSet<>();
        java.util.Map<Integer, String> placeUrls = new java.util.TreeMap<>();
        MixLayout layout = layout(layoutParams, video.width(), video.height(), mixed, aux, placeUrls);
        // TRTC: with MixVideoUids (templates 0-2) the output has "the audio and video of these users, and the audio
        // of the others"; the custom and picture-in-picture templates mix only the users they name.
        int template = value(layoutParams.template(), 0);
        boolean othersAudio = template <= 2 && layoutParams.mixVideoUids() != null
                && !layoutParams.mixVideoUids().isEmpty();
        List<RtmpUrl> cdn = List.of();
        if (request.publishCdnParams() != null && request.publishCdnParams().publishCdnUrls() != null
                && !request.publishCdnParams().publishCdnUrls().isEmpty()) {
            List<StartPublishCdnStream.PublishCdnParam> urls = new ArrayList<>();
            for (String url : request.publishCdnParams().publishCdnUrls()) {
                urls.add(new StartPublishCdnStream.PublishCdnParam(url, null));
            }
            try {
                cdn = StartPublishCdnStream.urls(urls);
            } catch (RestApiException e) {
                throw new RestApiException(e.code(), e.getMessage().replace("PublishCdnParams[",
                        "PublishCdnParams.PublishCdnUrls["));
            }
        }
        // Everything else is valid: now the images (slow, and a remote server's doing).
        java.util.Set<String> urls = new LinkedHashSet<>(placeUrls.values());
        if (backgroundUrl != null) {
            urls.add(backgroundUrl);
        }
        if (urls.size() > MAX_IMAGES) {
            throw new RestApiException(INVALID_LAYOUT, "at most " + MAX_IMAGES + " different image URLs "
                    + "(BackgroundImageUrl, PlaceImageUrl) per request");
        }
        if (backgroundUrl != null) {
            fetched.background(backgroundUrl, image(images, backgroundUrl, INVALID_ENCODE,
                    "EncodeParams.BackgroundImageUrl"));
        }
        if (!placeUrls.isEmpty()) {
            java.util.Map<String, StillImage> byUrl = new java.util.HashMap<>();
            List<Region> regions = new ArrayList<>(layout.regions());
            for (java.util.Map.Entry<Integer, String> entry : placeUrls.entrySet()) {
                StillImage image = byUrl.get(entry.getValue());
                if (image == null) {
                    image = image(images, entry.getValue(), INVALID_LAYOUT,
                            "PresetLayoutConfig[" + entry.getKey() + "].PlaceImageUrl");
                    byUrl.put(entry.getValue(), image);
                    fetched.placeholder(image);
                }
                regions.set(entry.getKey(), regions.get(entry.getKey()).withPlaceholderImage(image));
            }
            layout = layout.withRegions(regions);
        }
        return new MixSpec(app, room, streamId, video, layout, fetched.build(),
                mixed.isEmpty() ? Optional.empty() : Optional.of(new LinkedHashSet<>(mixed)), othersAudio, aux,
                pure == 1,
                sampleRate, channels, audioKbps * 1000, cdn);
    }

    private static Mixer.Config video(EncodeParams encode, MixConfig limits) {
        int width = value(encode.videoWidth(), 1280);
        int height = value(encode.videoHeight(), 720);
        if (width < 64 || height < 64 || (width & 1) != 0 || (height & 1) != 0) {
            throw new RestApiException(INVALID_ENCODE,
                    "EncodeParams.VideoWidth and VideoHeight must be even and at least 64");
        }
        if (width > limits.maxVideoWidth() || height > limits.maxVideoHeight()) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.VideoWidth × VideoHeight: at most "
                    + limits.maxVideoWidth() + " × " + limits.maxVideoHeight() + " on this server "
                    + "(mix.maxVideoWidth, mix.maxVideoHeight)");
        }
        int kbps = value(encode.videoBitrate(), 1500);
        if (kbps < 64 || kbps > limits.maxVideoBitrateKbps()) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.VideoBitrate must be 64.."
                    + limits.maxVideoBitrateKbps() + " (kbit/s; mix.maxVideoBitrate)");
        }
        int fps = value(encode.videoFramerate(), 15);
        if (fps < 1 || fps > 60) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.VideoFramerate must be 1..60");
        }
        int gop = value(encode.videoGop(), 2);
        if (gop < 1 || gop > 5) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.VideoGop must be 1..5 (seconds)");
        }
        int background = value(encode.backgroundColor(), 0);
        if (background < 0 || background > 0xFFFFFF) {
            throw new RestApiException(INVALID_ENCODE, "EncodeParams.BackgroundColor must be 0..16777215 (0xRRGGBB)");
        }
        return Mixer.Config.DEFAULTS.withSize(width, height).withFps(fps).withVideoBitrate(kbps * 1000)
                .withGopFrames(gop * fps).withBackground(background);
    }

    /**
     * The layout; {@code mixed} gets the users whose cameras the mix is limited to (empty: everyone), {@code aux} the
     * users whose screen shares it shows, {@code placeUrls} the placeholder image URL of each custom region (by index).
     */
    private static MixLayout layout(LayoutParams params, int width, int height, List<String> mixed,
            Set<String> aux, java.util.Map<Integer, String> placeUrls) {
        int template = value(params.template(), 0);
        int placeholder = value(params.placeHolderMode(), 0);
        if (placeholder != 0 && placeholder != 1) {
            throw new RestApiException(INVALID_LAYOUT, "LayoutParams.PlaceHolderMode must be 0 or 1");
        }
        if (value(params.pureAudioHoldPlaceMode(), 0) != 0) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, "LayoutParams.PureAudioHoldPlaceMode "
                    + "1 is not supported: audio-only members keep their place (0)");
        }
        if (value(params.mainVideoRightAlign(), 0) != 0) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION,
                    "LayoutParams.MainVideoRightAlign 1 is not supported");
        }
        if (params.waterMarkParams() != null && !params.waterMarkParams().isNull()) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION,
                    "LayoutParams.WaterMarkParams: watermarks are not supported");
        }
        int mainType = streamType(params.mainVideoStreamType(), "LayoutParams.MainVideoStreamType");
        String main = emptyToNull(params.mainVideoUserId());
        if (main != null) {
            main = user(main, "LayoutParams.MainVideoUserId");
        }
        if (mainType == 1 && template != 1 && template != 4) {
            if (main == null) {
                throw new RestApiException(INVALID_LAYOUT, "LayoutParams.MainVideoStreamType 1 (screen share) needs "
                        + "MainVideoUserId: whose screen share is the main picture");
            }
            aux.add(main);
        }
        if (params.mixVideoUids() != null) {
            if (params.mixVideoUids().size() > MixLayout.MAX_MEMBERS) {
                throw new RestApiException(INVALID_LAYOUT, "LayoutParams.MixVideoUids: at most "
                        + MixLayout.MAX_MEMBERS + " users");
            }
            for (String user : params.mixVideoUids()) {
                mixed.add(user(user, "LayoutParams.MixVideoUids"));
            }
        }
        MixLayout layout = switch (template) {
            case 0 -> MixLayout.floating(main, mainType);
            case 1 -> MixLayout.grid();
            case 2 -> MixLayout.screenShare(main, mainType);
            case 3 -> {
                SmallVideoLayoutParams small = params.smallVideoLayoutParams();
                if (main == null || small == null || emptyToNull(small.userId()) == null) {
                    throw new RestApiException(INVALID_LAYOUT, "Template 3 (picture-in-picture) needs "
                            + "MainVideoUserId and SmallVideoLayoutParams.UserId");
                }
                int smallType = streamType(small.streamType(), "SmallVideoLayoutParams.StreamType");
                Region region = Region.of(user(small.userId(), "SmallVideoLayoutParams.UserId"),
                        position(small.locationX(), "SmallVideoLayoutParams.LocationX"),
                        position(small.locationY(), "SmallVideoLayoutParams.LocationY"),
                        size(small.imageWidth(), width / 4, "SmallVideoLayoutParams.ImageWidth"),
                        size(small.imageHeight(), height / 4, "SmallVideoLayoutParams.ImageHeight"), 1)
                        .withStreamType(smallType);
                if (smallType == 1) {
                    aux.add(region.userId());
                }
                if (mixed.isEmpty()) {
                    mixed.add(main);
                    mixed.add(region.userId());
                }
                yield MixLayout.pictureInPicture(main, mainType, region);
            }
            case 4 -> MixLayout.custom(custom(params.presetLayoutConfig(), placeholder, width, height, mixed, aux,
                    placeUrls));
            default -> throw new RestApiException(INVALID_LAYOUT, "LayoutParams.Template must be 0 (float), 1 (grid), "
                    + "2 (screen share), 3 (picture-in-picture) or 4 (custom)");
        };
        if (params.renderMode() != null) {
            int mode = params.renderMode();
            if (mode < 0 || mode > 2) {
                throw new RestApiException(INVALID_LAYOUT, "LayoutParams.RenderMode must be 0, 1 or 2");
            }
            layout = layout.withRenderMode(RenderMode.ofTrtc(mode));
        }
        return placeholder == 1 ? layout.withPlaceholder(PLACEHOLDER_RGB) : layout;
    }

    private static List<Region> custom(List<PresetLayoutConfig> presets, int placeholder, int width, int height,
            List<String> mixed, Set<String> aux, java.util.Map<Integer, String> placeUrls) {
        if (presets == null || presets.isEmpty()) {
            throw new RestApiException(INVALID_LAYOUT, "Template 4 (custom) needs PresetLayoutConfig");
        }
        if (presets.size() > MixLayout.MAX_MEMBERS) {
            throw new RestApiException(INVALID_LAYOUT, "PresetLayoutConfig: at most " + MixLayout.MAX_MEMBERS
                    + " regions");
        }
        List<Region> regions = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (int i = 0; i < presets.size(); i++) {
            PresetLayoutConfig preset = presets.get(i);
            String field = "PresetLayoutConfig[" + i + "]";
            if (preset == null || emptyToNull(preset.userId()) == null) {
                throw new RestApiException(INVALID_LAYOUT, field + ".UserId is required: regions filled in join "
                        + "order are not supported");
            }
            int type = streamType(preset.streamType(), field + ".StreamType");
            if (value(preset.placeImageId(), 0) != 0) {
                throw new RestApiException(INVALID_LAYOUT, field + ".PlaceImageId: this server has no image "
                        + "library; give PlaceImageUrl");
            }
            if (placeholder == 1 && emptyToNull(preset.placeImageUrl()) != null) {
                placeUrls.put(i, preset.placeImageUrl()); // fetched once the whole request is valid
            }
            int mixInput = value(preset.mixInputType(), 0);
            if (mixInput < 0 || mixInput > 3) {
                throw new RestApiException(INVALID_LAYOUT, field + ".MixInputType must be 0..3");
            }
            int mode = value(preset.renderMode(), 0);
            if (mode < 0 || mode > 2) {
                throw new RestApiException(INVALID_LAYOUT, field + ".RenderMode must be 0, 1 or 2");
            }
            int layer = value(preset.zOrder(), 1);
            if (layer < 1 || layer > 15) {
                throw new RestApiException(INVALID_LAYOUT, field + ".ZOrder must be 1..15");
            }
            String user = user(preset.userId(), field + ".UserId");
            Region region = Region.of(user, position(preset.locationX(), field + ".LocationX"),
                    position(preset.locationY(), field + ".LocationY"),
                    size(preset.imageWidth(), 0, field + ".ImageWidth"),
                    size(preset.imageHeight(), 0, field + ".ImageHeight"), layer)
                    .withRenderMode(RenderMode.ofTrtc(mode)).withStreamType(type);
            if (type == 1) {
                aux.add(user);
            }
            if (placeholder == 1) {
                region = region.withPlaceholder(PLACEHOLDER_RGB);
            }
            regions.add(region);
            named.add(user);
        }
        if (mixed.isEmpty()) {
            mixed.addAll(named);
        }
        return regions;
    }

    /** The image at {@code url}, or {@code code} naming {@code field} and why not. */
    private static StillImage image(ImageSource images, String url, String code, String field) {
        try {
            return images.fetch(url);
        } catch (MixImageFetcher.RefusedException e) {
            throw new RestApiException(code, field + ": " + e.getMessage());
        }
    }

    /** TRTC's StreamType: 0 the camera (main stream), 1 the screen share (aux stream). */
    private static int streamType(Integer value, String field) {
        int type = value(value, 0);
        if (type != 0 && type != 1) {
            throw new RestApiException(INVALID_LAYOUT, field + " must be 0 (camera) or 1 (screen share)");
        }
        return type;
    }

    private static String user(String userId, String field) {
        if (userId == null || userId.isEmpty() || userId.length() > 32 || !userId.matches("[A-Za-z0-9_@.-]+")) {
            throw new RestApiException(INVALID_LAYOUT, field + ": not a valid UserId");
        }
        return userId;
    }

    private static int position(Integer value, String field) {
        int v = value(value, 0);
        if (v < 0 || v > 1920) {
            throw new RestApiException(INVALID_LAYOUT, field + " must be 0..1920");
        }
        return v;
    }

    private static int size(Integer value, int fallback, String field) {
        int v = value(value, fallback);
        if (v < 1 || v > 1920) {
            throw new RestApiException(INVALID_LAYOUT, field + " must be 1..1920");
        }
        return v;
    }

    private static int value(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
