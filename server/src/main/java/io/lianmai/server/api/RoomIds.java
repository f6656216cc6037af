package io.lianmai.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.RoomRef;

/**
 * Reads the {@code RoomId} of TRTC's room actions: a number 1..4294967295 ({@code DismissRoom}, {@code RemoveUser})
 * or a strRoomID string (their {@code …ByStrRoomId} twins), with TRTC's error codes.
 */
final class RoomIds {
    private RoomIds() {
    }

    /**
     * The room {@code node} names.
     *
     * @param strRoomId whether the action takes a string RoomId
     */
    static RoomRef parse(JsonNode node, boolean strRoomId) {
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty())) {
            throw new RestApiException(RestApiException.MISSING_ROOM_ID, "RoomId is required");
        }
        if (strRoomId) {
            if (!node.isTextual()) {
                throw new RestApiException(RestApiException.INVALID_STR_ROOM_ID, "RoomId must be a string");
            }
            try {
                return RoomRef.parse(null, node.asText());
            } catch (IllegalArgumentException e) {
                throw new RestApiException(RestApiException.INVALID_STR_ROOM_ID, "RoomId: " + e.getMessage());
            }
        }
        String digits = node.isIntegralNumber() ? node.asText() : node.isTextual() ? node.asText() : "";
        if (!digits.matches("[0-9]{1,10}")) {
            throw new RestApiException(RestApiException.INVALID_ROOM_ID,
                    "RoomId must be a whole number 1..4294967295 (string RoomIds: the …ByStrRoomId action)");
        }
        try {
            return RoomRef.parse(digits, null);
        } catch (IllegalArgumentException e) {
            throw new RestApiException(RestApiException.INVALID_ROOM_ID, "RoomId: " + e.getMessage());
        }
    }

    /** The refusal of a room that does not exist now. */
    static RestApiException notFound(RoomRef room) {
        return new RestApiException(RestApiException.ROOM_NOT_EXIST, "room "
                + room.strRoomId().orElseGet(() -> Long.toString(room.roomId())) + " does not exist (no member in it)");
    }
}
