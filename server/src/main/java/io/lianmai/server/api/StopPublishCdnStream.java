package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.live.CdnPublishTasks;

/** {@code StopPublishCdnStream}: ends a task of {@code StartPublishCdnStream}; its pushes end politely. */
final class StopPublishCdnStream implements RestAction<StopPublishCdnStream.Request> {
    /** The request as TRTC names it. */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("TaskId") String taskId) {
    }

    /** The answer carries nothing but the RequestId. */
    record Response() {
    }

    private final CdnPublishTasks tasks;
    private final PublishCdnMix mix;

    StopPublishCdnStream(CdnPublishTasks tasks, PublishCdnMix mix) {
        this.tasks = tasks;
        this.mix = mix;
    }

    @Override
    public String name() {
        return "StopPublishCdnStream";
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
        if (PublishCdnMix.isMixTask(request.taskId())) {
            if (!mix.stop(sdkAppId, request.taskId())) {
                throw notRunning(tasks, sdkAppId, request.taskId());
            }
            return new Response();
        }
        if (tasks.stop(sdkAppId, request.taskId()).isEmpty()) {
            throw notRunning(tasks, sdkAppId, request.taskId());
        }
        return new Response();
    }

    /** Why no task {@code taskId} of the app runs: it ended on its own (every relay gave up), or there is none. */
    static RestApiException notRunning(CdnPublishTasks tasks, SdkAppId sdkAppId, String taskId) {
        String shown = taskId.length() > 64 ? taskId.substring(0, 64) + "…" : taskId;
        if (tasks.ended(sdkAppId, taskId).isPresent()) {
            return new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "CDN publish task " + shown
                    + " already ended: every relay gave up (refused target, or cdn.maxRetries failed attempts "
                    + "in a row); the server log says why");
        }
        return new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "no CDN publish task " + shown
                + " runs for SdkAppId " + sdkAppId);
    }
}
