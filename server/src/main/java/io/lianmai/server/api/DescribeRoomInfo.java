package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.store.RoomHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TRTC's {@code DescribeRoomInfo}: the app's rooms that existed at some time of a window (at most 24 hours, within
 * the last 14 days), oldest first, paged ({@code PageNumber} from 0, {@code PageSize} 1..100, default 10), optionally
 * only one {@code RoomId} (a number or a string room). Each room's {@code CommId} names it in the other three actions.
 */
final class DescribeRoomInfo implements RestAction<DescribeRoomInfo.Request> {
    static final Duration MAX_WINDOW = Duration.ofHours(24);
    static final int DEFAULT_PAGE_SIZE = 10;
    static final int MAX_PAGE_SIZE = 100;

    /** The request, as TRTC's {@code DescribeRoomInfoRequest}. */
    record Request(@JsonProperty("SdkAppId") Long sdkAppId,
                   @JsonProperty("StartTime") Long startTime,
                   @JsonProperty("EndTime") Long endTime,
                   @JsonProperty("RoomId") String roomId,
                   @JsonProperty("PageNumber") Long pageNumber,
                   @JsonProperty("PageSize") Long pageSize) {
    }

    /**
     * TRTC's {@code RoomState}: times in Unix seconds; {@code DestroyTime} 0 while the room exists; {@code UserId}
     * the creator (its first member).
     */
    record RoomState(@JsonProperty("CommId") String commId,
                     @JsonProperty("RoomString") String roomString,
                     @JsonProperty("CreateTime") long createTime,
                     @JsonProperty("DestroyTime") long destroyTime,
                     @JsonProperty("IsFinished") boolean isFinished,
                     @JsonProperty("UserId") String userId) {
    }

    /** The answer: how many rooms match, and this page of them. */
    record Response(@JsonProperty("Total") long total, @JsonProperty("RoomList") List<RoomState> roomList) {
    }

    private final HistoryQueries queries;

    DescribeRoomInfo(HistoryQueries queries) {
        this.queries = queries;
    }

    @Override
    public String name() {
        return "DescribeRoomInfo";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        HistoryQueries.Window window = queries.window(request.startTime(), request.endTime(), MAX_WINDOW);
        HistoryQueries.Page page = HistoryQueries.page(request.pageNumber(), request.pageSize(), DEFAULT_PAGE_SIZE,
                MAX_PAGE_SIZE);
        List<String> roomKeys = roomKeys(request.roomId());
        RoomHistory.Page<RoomHistory.Room> rooms = HistoryQueries.read(() -> queries.history().rooms(sdkAppId,
                window.fromMs(), window.toMs(), roomKeys, page.offset(), page.size()));
        List<RoomState> list = new ArrayList<>(rooms.rows().size());
        for (RoomHistory.Room room : rooms.rows()) {
            list.add(new RoomState(room.commId(), HistoryQueries.roomString(room.roomKey()), room.createdMs() / 1000,
                    room.dismissedMs().map(ms -> ms / 1000).orElse(0L), room.dismissedMs().isPresent(),
                    room.creator()));
        }
        return new Response(rooms.total(), list);
    }

    /** The room keys a RoomId names: a number is both a numeric room and a string room of those digits. */
    private static List<String> roomKeys(String roomId) {
        if (roomId == null || roomId.isEmpty()) {
            return List.of();
        }
        List<String> keys = new ArrayList<>(2);
        try {
            keys.add(RoomRef.parse(null, roomId).key());
        } catch (IllegalArgumentException e) {
            // Not a string room id: perhaps a number.
        }
        try {
            keys.add(RoomRef.parse(roomId, null).key());
        } catch (IllegalArgumentException e) {
            // Not a numeric room id.
        }
        if (keys.isEmpty()) {
            throw new RestApiException(RestApiException.INVALID_ROOM_ID, "RoomId must be a room id or a strRoomId");
        }
        return keys;
    }
}
