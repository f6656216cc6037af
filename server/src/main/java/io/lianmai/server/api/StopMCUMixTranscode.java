package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.live.MixTasks;

/**
 * {@code StopMCUMixTranscode} (RoomId) and {@code StopMCUMixTranscodeByStrRoomId} (StrRoomId): ends the room's mix;
 * its live stream ends (players are disconnected) and its CDN relays stop. {@code ResourceNotFound} when none runs.
 */
final class StopMCUMixTranscode implements RestAction<StopMCUMixTranscode.Request> {
    /** The request as TRTC names it. */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("RoomId") JsonNode roomId,
                   @JsonProperty("StrRoomId") JsonNode strRoomId) {
    }

    private final boolean strRoomId;
    private final MixTasks mixes;

    StopMCUMixTranscode(boolean strRoomId, MixTasks mixes) {
        this.strRoomId = strRoomId;
        this.mixes = mixes;
    }

    @Override
    public String name() {
        return strRoomId ? "StopMCUMixTranscodeByStrRoomId" : "StopMCUMixTranscode";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomRef room = RoomIds.parse(strRoomId ? request.strRoomId() : request.roomId(), strRoomId);
        if (!mixes.stop(sdkAppId, room)) {
            throw new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "no MCU mix runs in room "
                    + room.strRoomId().orElseGet(() -> Long.toString(room.roomId())));
        }
        return RoomAction.DONE;
    }
}
