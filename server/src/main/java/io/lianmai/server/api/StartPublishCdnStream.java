package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.live.CdnPublishTasks;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code StartPublishCdnStream} (TRTC's 旁路推流 without transcoding): relays one user's stream,
 * {@code {SdkAppId}_{RoomId}_{UserId}_main} (or {@code _aux}), to up to ten RTMP URLs until
 * {@code StopPublishCdnStream}. The stream need not be live yet: the relay waits for it.
 */
final class StartPublishCdnStream implements RestAction<StartPublishCdnStream.Request> {
    /**
     * The request as TRTC names it; AudioParams, VideoParams, FeedBackRoomParams and SeiParams are for
     * WithTranscoding 1 ({@link PublishCdnMix}).
     */
    record Request(@JsonProperty("SdkAppId") long sdkAppId,
                   @JsonProperty("RoomId") String roomId,
                   @JsonProperty("RoomIdType") Integer roomIdType,
                   @JsonProperty("AgentParams") JsonNode agentParams,
                   @JsonProperty("WithTranscoding") Integer withTranscoding,
                   @JsonProperty("SingleSubscribeParams") SingleSubscribeParams singleSubscribeParams,
                   @JsonProperty("PublishCdnParams") List<PublishCdnParam> publishCdnParams,
                   @JsonProperty("AudioParams") PublishCdnMix.AudioParams audioParams,
                   @JsonProperty("VideoParams") PublishCdnMix.VideoParams videoParams,
                   @JsonProperty("FeedBackRoomParams") List<PublishCdnMix.FeedBackRoomParams> feedBackRoomParams,
                   @JsonProperty("SeiParams") JsonNode seiParams) {
    }

    /** Whose stream to relay. */
    record SingleSubscribeParams(@JsonProperty("UserMediaStream") UserMediaStream userMediaStream) {
    }

    /** A user's stream: 0 main (camera), 1 aux (screen share). */
    record UserMediaStream(@JsonProperty("UserInfo") UserInfo userInfo, @JsonProperty("StreamType") Integer streamType) {
    }

    /** The user; TRTC's RoomId/RoomIdType here are for cross-room streams, which this server does not relay. */
    record UserInfo(@JsonProperty("UserId") String userId) {
    }

    /** One destination; IsTencentCdn is accepted and ignored. */
    record PublishCdnParam(@JsonProperty("PublishCdnUrl") String publishCdnUrl,
                           @JsonProperty("IsTencentCdn") Integer isTencentCdn) {
    }

    /** The answer: the task to stop later. */
    record Response(@JsonProperty("TaskId") String taskId) {
    }

    private final CdnPublishTasks tasks;
    private final PublishCdnMix mix;

    StartPublishCdnStream(CdnPublishTasks tasks, PublishCdnMix mix) {
        this.tasks = tasks;
        this.mix = mix;
    }

    @Override
    public String name() {
        return "StartPublishCdnStream";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomRef room = room(request);
        if (request.withTranscoding() != null && request.withTranscoding() != 0) {
            if (request.withTranscoding() == 1) {
                return new Response(mix.start(sdkAppId, room, request));
            }
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "WithTranscoding must be 0 or 1");
        }
        if (request.feedBackRoomParams() != null && !request.feedBackRoomParams().isEmpty()) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, "FeedBackRoomParams needs "
                    + "WithTranscoding 1 (the mix is pushed back into the room; one user's stream is there already)");
        }
        UserMediaStream stream = request.singleSubscribeParams() == null ? null
                : request.singleSubscribeParams().userMediaStream();
        String userId = stream == null || stream.userInfo() == null ? null : stream.userInfo().userId();
        if (userId == null) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "SingleSubscribeParams.UserMediaStream.UserInfo.UserId is required with WithTranscoding 0");
        }
        UserId user;
        try {
            user = UserId.parse(userId);
        } catch (IllegalArgumentException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "SingleSubscribeParams.UserMediaStream.UserInfo.UserId: " + e.getMessage());
        }
        int streamType = stream.streamType() == null ? 0 : stream.streamType();
        if (streamType != 0 && streamType != 1) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "SingleSubscribeParams.UserMediaStream.StreamType must be 0 (main) or 1 (aux)");
        }
        List<RtmpUrl> urls = urls(request.publishCdnParams());
        String streamName = new LiveStreamName(sdkAppId, room,
                StreamId.of(user, streamType == 0 ? StreamType.MAIN : StreamType.AUX)).toString();
        try {
            return new Response(tasks.start(sdkAppId, streamName, urls).taskId());
        } catch (CdnPublishTasks.LimitExceededException e) {
            throw new RestApiException(RestApiException.LIMIT_EXCEEDED, e.getMessage());
        } catch (CdnPublishTasks.TargetDeniedException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "PublishCdnParams[" + e.index() + "].PublishCdnUrl: " + e.getMessage());
        }
    }

    /** The room: a numeric RoomId, or a string one for RoomIdType 1. */
    private static RoomRef room(Request request) {
        if (request.roomId() == null || request.roomId().isEmpty()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER, "RoomId is required");
        }
        int type = request.roomIdType() == null ? 0 : request.roomIdType();
        try {
            return switch (type) {
                case 0 -> RoomRef.parse(request.roomId(), null);
                case 1 -> RoomRef.parse(null, request.roomId());
                default -> throw new RestApiException(RestApiException.INVALID_PARAMETER,
                        "RoomIdType must be 0 (numeric RoomId) or 1 (string RoomId)");
            };
        } catch (IllegalArgumentException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "RoomId: " + e.getMessage()
                    .replace("roomID", "RoomId").replace("strRoomID", "RoomId with RoomIdType 1"));
        }
    }

    static List<RtmpUrl> urls(List<PublishCdnParam> params) {
        if (params == null || params.isEmpty()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "PublishCdnParams needs at least one PublishCdnUrl");
        }
        if (params.size() > CdnPublishTasks.MAX_URLS_PER_TASK) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "PublishCdnParams takes at most " + CdnPublishTasks.MAX_URLS_PER_TASK + " URLs");
        }
        List<RtmpUrl> urls = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            String field = "PublishCdnParams[" + i + "].PublishCdnUrl";
            PublishCdnParam param = params.get(i);
            if (param == null || param.publishCdnUrl() == null || param.publishCdnUrl().isEmpty()) {
                throw new RestApiException(RestApiException.MISSING_PARAMETER, field + " is required");
            }
            try {
                urls.add(RtmpUrl.parse(param.publishCdnUrl()));
            } catch (IllegalArgumentException e) {
                throw new RestApiException(RestApiException.INVALID_PARAMETER, field + ": " + e.getMessage());
            }
        }
        return urls;
    }
}
