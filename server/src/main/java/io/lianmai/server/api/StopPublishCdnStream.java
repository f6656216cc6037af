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

    StopPublishCdnStream(CdnPublishTasks tasks) {
        this.tasks = tasks;
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
        if (tasks.stop(sdkAppId, request.taskId()).isEmpty()) {
            String shown = request.taskId().length() > 64 ? request.taskId().substring(0, 64) + "…"
                    : request.taskId();
            if (tasks.ended(sdkAppId, request.taskId()).isPresent()) {
                throw new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "CDN publish task " + shown
                        + " already ended: every relay gave up (refused target, or cdn.maxRetries failed attempts "
                        + "in a row); the server log says why");
            }
            throw new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "no CDN publish task " + shown
                    + " runs for SdkAppId " + sdkAppId);
        }
        return new Response();
    }
}
