package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.recording.CloudRecordings;

/** {@code DeleteCloudRecording}: ends a running task; its files are finished and stay listed by Describe. */
final class DeleteCloudRecording implements RestAction<DeleteCloudRecording.Request> {
    /** The request as TRTC names it. */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("TaskId") String taskId) {
    }

    /** The answer: the task. */
    record Response(@JsonProperty("TaskId") String taskId) {
    }

    private final CloudRecordings recordings;

    DeleteCloudRecording(CloudRecordings recordings) {
        this.recordings = recordings;
    }

    @Override
    public String name() {
        return "DeleteCloudRecording";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        String taskId = CloudRecordingParams.taskId(request.taskId());
        if (!recordings.delete(sdkAppId, taskId)) {
            throw CloudRecordingParams.notFound(recordings, sdkAppId, taskId);
        }
        return new Response(taskId);
    }
}
