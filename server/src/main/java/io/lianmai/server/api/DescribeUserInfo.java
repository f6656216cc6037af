package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.store.RoomHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TRTC's {@code DescribeUserInfo}: the users of one room ({@code CommId}) whose stays overlap a window (at most 4
 * hours), by entry time, paged ({@code PageNumber} from 0, {@code PageSize} 1..100, default 6), optionally only some
 * {@code UserIds} (at most 6). A user who entered twice has two entries.
 */
final class DescribeUserInfo implements RestAction<DescribeUserInfo.Request> {
    static final Duration MAX_WINDOW = Duration.ofHours(4);
    static final int DEFAULT_PAGE_SIZE = 6;
    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_USER_IDS = 6;

    /** The request, as TRTC's {@code DescribeUserInfoRequest}. */
    record Request(@JsonProperty("CommId") String commId,
                   @JsonProperty("StartTime") Long startTime,
                   @JsonProperty("EndTime") Long endTime,
                   @JsonProperty("SdkAppId") Long sdkAppId,
                   @JsonProperty("UserIds") List<String> userIds,
                   @JsonProperty("PageNumber") Long pageNumber,
                   @JsonProperty("PageSize") Long pageSize) {
    }

    /** The answer: how many stays match, and this page of them. */
    record Response(@JsonProperty("Total") long total,
                    @JsonProperty("UserList") List<HistoryQueries.UserInformation> userList) {
    }

    private final HistoryQueries queries;

    DescribeUserInfo(HistoryQueries queries) {
        this.queries = queries;
    }

    @Override
    public String name() {
        return "DescribeUserInfo";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomHistory.Room room = queries.room(sdkAppId, request.commId());
        HistoryQueries.Window window = queries.window(request.startTime(), request.endTime(), MAX_WINDOW);
        HistoryQueries.Page page = HistoryQueries.page(request.pageNumber(), request.pageSize(), DEFAULT_PAGE_SIZE,
                MAX_PAGE_SIZE);
        List<String> userIds = userIds(request.userIds(), MAX_USER_IDS);
        RoomHistory.Page<RoomHistory.Stay> stays = HistoryQueries.read(() -> queries.history().stays(room.commId(),
                window.fromMs(), window.toMs(), userIds, page.offset(), page.size()));
        return new Response(stays.total(), users(room, stays.rows(), queries.nowMs()));
    }

    static List<HistoryQueries.UserInformation> users(RoomHistory.Room room, List<RoomHistory.Stay> stays,
            long nowMs) {
        List<HistoryQueries.UserInformation> users = new ArrayList<>(stays.size());
        for (RoomHistory.Stay stay : stays) {
            users.add(HistoryQueries.UserInformation.of(room, stay, nowMs));
        }
        return users;
    }

    /** Checks UserIds: at most {@code max}, each a non-empty string of at most 32 characters (TRTC's userId). */
    static List<String> userIds(List<String> userIds, int max) {
        if (userIds == null) {
            return List.of();
        }
        if (userIds.size() > max) {
            throw new RestApiException("InvalidParameter.UserIdsMorethanSix", "UserIds may name at most " + max
                    + " users");
        }
        for (String userId : userIds) {
            if (userId == null || userId.isEmpty() || userId.length() > 32) {
                throw new RestApiException(RestApiException.INVALID_USER_IDS, "each UserId must be 1..32 "
                        + "characters");
            }
        }
        return List.copyOf(userIds);
    }
}
