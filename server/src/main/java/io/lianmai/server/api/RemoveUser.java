package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RemoveUser} (numeric RoomId) and {@code RemoveUserByStrRoomId} (string RoomId): the listed users leave the
 * room with reason {@code removed} and may not enter it again for {@code api.removedUserRejoinSeconds}
 * ({@link RoomModeration#remove}). Listed users who are not in the room are refused it all the same, and the call
 * succeeds, as on TRTC; {@code FailedOperation.RoomNotExist} when the room has no member.
 */
final class RemoveUser extends RoomAction<RemoveUser.Request> {
    /** TRTC's limit on UserIds per call. */
    static final int MAX_USERS = 10;

    /** The request as TRTC names it ({@code RemoveUserRequest}, {@code RemoveUserByStrRoomIdRequest}). */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("RoomId") JsonNode roomId,
                   @JsonProperty("UserIds") List<String> userIds) {
    }

    /** {@code RemoveUser} (RoomId a number), or {@code RemoveUserByStrRoomId} (a string). */
    RemoveUser(boolean strRoomId, RoomModeration moderation) {
        super("RemoveUser", strRoomId, Request.class, moderation);
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomRef room = room(request.roomId());
        List<UserId> users = users(request.userIds());
        if (moderation.remove(sdkAppId, room, users).isEmpty()) {
            throw RoomIds.notFound(room);
        }
        return DONE;
    }

    private static List<UserId> users(List<String> userIds) {
        if (userIds == null) {
            throw new RestApiException(RestApiException.MISSING_USER_IDS, "UserIds is required");
        }
        if (userIds.isEmpty() || userIds.size() > MAX_USERS) {
            throw new RestApiException(RestApiException.INVALID_USER_IDS, "UserIds must list 1.." + MAX_USERS
                    + " userIDs, got " + userIds.size());
        }
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < userIds.size(); i++) {
            try {
                UserId user = UserId.parse(userIds.get(i));
                if (!users.contains(user)) {
                    users.add(user);
                }
            } catch (IllegalArgumentException e) {
                throw new RestApiException(RestApiException.INVALID_USER_IDS, "UserIds[" + i + "]: "
                        + e.getMessage());
            }
        }
        return users;
    }
}
