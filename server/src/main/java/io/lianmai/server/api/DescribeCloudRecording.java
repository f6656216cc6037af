package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.recording.CloudRecordings;
import java.util.List;

/**
 * {@code DescribeCloudRecording}: a task's status and its files, named relative to the recording directory. Unlike
 * TRTC, an ended task is still described ({@code Exited}), so its files can be listed after it stopped.
 */
final class DescribeCloudRecording implements RestAction<DescribeCloudRecording.Request> {
    /** The request as TRTC names it. */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("TaskId") String taskId) {
    }

    /** TRTC's StorageFile: BeginTimeStamp in epoch milliseconds. */
    record StorageFile(@JsonProperty("UserId") String userId, @JsonProperty("FileName") String fileName,
                       @JsonProperty("TrackType") String trackType,
                       @JsonProperty("BeginTimeStamp") long beginTimeStamp) {
    }

    /** The answer. */
    record Response(@JsonProperty("TaskId") String taskId, @JsonProperty("Status") String status,
                    @JsonProperty("StorageFileList") List<StorageFile> storageFileList) {
    }

    private final CloudRecordings recordings;

    DescribeCloudRecording(CloudRecordings recordings) {
        this.recordings = recordings;
    }

    @Override
    public String name() {
        return "DescribeCloudRecording";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        String taskId = CloudRecordingParams.taskId(request.taskId());
        CloudRecordings.Description description = recordings.describe(sdkAppId, taskId)
                .orElseThrow(() -> CloudRecordingParams.notFound(recordings, sdkAppId, taskId));
        return new Response(description.taskId(), description.status(), description.files().stream()
                .map(file -> new StorageFile(file.userId(), file.fileName(), file.trackType(), file.beginTimeStamp()))
                .toList());
    }
}
