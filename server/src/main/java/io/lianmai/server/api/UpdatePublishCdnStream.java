package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.live.CdnPublishTasks;
import java.util.List;

/**
 * {@code UpdatePublishCdnStream}: changes a running task of {@code StartPublishCdnStream} — the user (or stream type)
 * whose stream it relays, within the task's room, and the URLs it pushes to — without stopping it. Fields left out
 * keep their value. {@code SequenceNumber} must grow from one update to the next (TRTC's rule), so that a delayed
 * request cannot undo a newer one. Pushes whose stream and URL stay go on untouched.
 */
final class UpdatePublishCdnStream implements RestAction<UpdatePublishCdnStream.Request> {
    /** The request as TRTC names it; mixing fields (AudioParams, VideoParams, SeiParams, …) are ignored. */
    record Request(@JsonProperty("SdkAppId") long sdkAppId,
                   @JsonProperty("TaskId") String taskId,
                   @JsonProperty("SequenceNumber") Long sequenceNumber,
                   @JsonProperty("WithTranscoding") Integer withTranscoding,
                   @JsonProperty("SingleSubscribeParams") StartPublishCdnStream.SingleSubscribeParams subscribe,
                   @JsonProperty("PublishCdnParams") List<StartPublishCdnStream.PublishCdnParam> publishCdnParams,
                   @JsonProperty("AudioParams") PublishCdnMix.AudioParams audioParams,
                   @JsonProperty("VideoParams") PublishCdnMix.VideoParams videoParams,
                   @JsonProperty("FeedBackRoomParams") List<PublishCdnMix.FeedBackRoomParams> feedBackRoomParams,
                   @JsonProperty("SeiParams") JsonNode seiParams) {
    }

    /** The answer: the task, as TRTC returns it. */
    record Response(@JsonProperty("TaskId") String taskId) {
    }

    private final CdnPublishTasks tasks;
    private final PublishCdnMix mix;

    UpdatePublishCdnStream(CdnPublishTasks tasks, PublishCdnMix mix) {
        this.tasks = tasks;
        this.mix = mix;
    }

    @Override
    public String name() {
        return "UpdatePublishCdnStream";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        if (request.taskId() == null || request.taskId().isEmpty()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER, "TaskId is required");
        }
        if (request.sequenceNumber() == null) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "SequenceNumber is required: a number that grows with every update of the task");
        }
        if (request.sequenceNumber() < 1) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "SequenceNumber must be positive");
        }
        boolean mixed = PublishCdnMix.isMixTask(request.taskId());
        if (request.withTranscoding() != null && request.withTranscoding() != (mixed ? 1 : 0)) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "WithTranscoding must stay "
                    + (mixed ? 1 : 0) + " for this task (start a new task to change it)");
        }
        if (mixed) {
            // The whole mixed request again, as TRTC's update takes it; its sequence numbers are not kept.
            mix.update(sdkAppId, request.taskId(), request);
            return new Response(request.taskId());
        }
        CdnPublishTasks.Task task = tasks.find(sdkAppId, request.taskId()).orElseThrow(() ->
                StopPublishCdnStream.notRunning(tasks, sdkAppId, request.taskId()));
        String streamName = streamName(task, request.subscribe());
        List<RtmpUrl> urls = request.publishCdnParams() == null
                ? task.relays().stream().map(relay -> relay.url()).toList()
                : StartPublishCdnStream.urls(request.publishCdnParams());
        try {
            return tasks.update(sdkAppId, request.taskId(), request.sequenceNumber(), streamName, urls)
                    .map(updated -> new Response(updated.taskId()))
                    .orElseThrow(() -> StopPublishCdnStream.notRunning(tasks, sdkAppId, request.taskId()));
        } catch (CdnPublishTasks.StaleUpdateException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, e.getMessage());
        } catch (CdnPublishTasks.TargetDeniedException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "PublishCdnParams[" + e.index() + "].PublishCdnUrl: " + e.getMessage());
        }
    }

    /** The stream to relay: the task's, or the given user's in the task's room. */
    private static String streamName(CdnPublishTasks.Task task, StartPublishCdnStream.SingleSubscribeParams params) {
        StartPublishCdnStream.UserMediaStream stream = params == null ? null : params.userMediaStream();
        if (stream == null) {
            return task.streamName();
        }
        LiveStreamName current = LiveStreamName.parse(task.streamName());
        UserId user = current.stream().userId();
        if (stream.userInfo() != null && stream.userInfo().userId() != null) {
            try {
                user = UserId.parse(stream.userInfo().userId());
            } catch (IllegalArgumentException e) {
                throw new RestApiException(RestApiException.INVALID_PARAMETER,
                        "SingleSubscribeParams.UserMediaStream.UserInfo.UserId: " + e.getMessage());
            }
        }
        StreamType type = current.stream().type();
        if (stream.streamType() != null) {
            if (stream.streamType() != 0 && stream.streamType() != 1) {
                throw new RestApiException(RestApiException.INVALID_PARAMETER,
                        "SingleSubscribeParams.UserMediaStream.StreamType must be 0 (main) or 1 (aux)");
            }
            type = stream.streamType() == 0 ? StreamType.MAIN : StreamType.AUX;
        }
        return new LiveStreamName(current.app(), current.room(), StreamId.of(user, type)).toString();
    }
}
