package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.server.recording.CloudRecordings;

/**
 * {@code CreateCloudRecording}: starts recording a room into the node's recording directory, each subscribed
 * member's streams to their own files (RecordMode 1) or the members mixed into one file (RecordMode 2, composed as
 * MixTranscodeParams and MixLayoutParams say). The room need not exist yet: the task waits for streams up to
 * MaxIdleTime. See docs/recording.md.
 */
final class CreateCloudRecording implements RestAction<CreateCloudRecording.Request> {
    /**
     * The request as TRTC names it. StorageParams (COS, VOD), ResourceExpiredHour and PrivateMapKey are accepted and
     * ignored: files stay in {@code recording.dir}. MixTranscodeParams and MixLayoutParams count in mixed mode only.
     */
    record Request(@JsonProperty("SdkAppId") long sdkAppId,
                   @JsonProperty("RoomId") JsonNode roomId,
                   @JsonProperty("RoomIdType") Integer roomIdType,
                   @JsonProperty("UserId") String userId,
                   @JsonProperty("UserSig") String userSig,
                   @JsonProperty("RecordParams") CloudRecordingParams.Wire recordParams,
                   @JsonProperty("StorageParams") JsonNode storageParams,
                   @JsonProperty("MixTranscodeParams") CloudRecordingParams.MixTranscodeParams mixTranscodeParams,
                   @JsonProperty("MixLayoutParams") CloudRecordingParams.MixLayoutParams mixLayoutParams) {
    }

    /** The answer: the task to describe, modify or delete later. */
    record Response(@JsonProperty("TaskId") String taskId) {
    }

    private final CloudRecordings recordings;

    CreateCloudRecording(CloudRecordings recordings) {
        this.recordings = recordings;
    }

    @Override
    public String name() {
        return "CreateCloudRecording";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        // TRTC's RoomIdType here: 1 (the default) a numeric RoomId, 0 a string one.
        int type = request.roomIdType() == null ? 1 : request.roomIdType();
        if (type != 0 && type != 1) {
            throw new RestApiException(CloudRecordingParams.OUT_OF_RANGE,
                    "RoomIdType must be 1 (numeric RoomId, the default) or 0 (string RoomId)");
        }
        RoomRef room = RoomIds.parse(request.roomId(), type == 0);
        if (request.userId() == null || request.userId().isEmpty()) {
            throw new RestApiException(CloudRecordingParams.MISSING_USER_ID,
                    "UserId (the recorder's userID in the room) is required");
        }
        if (!UserId.isValid(request.userId())) {
            throw new RestApiException(CloudRecordingParams.INVALID_USER_ID, "UserId is not a valid userID");
        }
        if (request.userSig() == null || request.userSig().isEmpty()) {
            throw new RestApiException(CloudRecordingParams.MISSING_USER_SIG, "UserSig is required");
        }
        var params = CloudRecordingParams.read(request.recordParams(), request.mixTranscodeParams(),
                request.mixLayoutParams(), recordings.mixLimits());
        try {
            return new Response(recordings.create(sdkAppId, room, request.userId(), params));
        } catch (CloudRecordings.RefusedException e) {
            throw new RestApiException(switch (e.reason()) {
                case TASK_LIMIT -> CloudRecordingParams.RESTRICTED_CONCURRENCY;
                case DISK_FULL -> CloudRecordingParams.RESOURCE_INSUFFICIENT;
                case DUPLICATE -> RestApiException.LIMIT_EXCEEDED;
                case MIX_LIMIT -> CloudRecordingParams.RESTRICTED_CONCURRENCY;
            }, e.getMessage());
        }
    }
}
