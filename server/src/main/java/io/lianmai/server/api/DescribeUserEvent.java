package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.store.RoomHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TRTC's {@code DescribeUserEvent}: what one user did in one room ({@code CommId}, {@code RoomId}) within a window
 * (at most 24 hours): entering, leaving, switching role, starting and stopping audio and video, with TRTC's event
 * ids (docs/rest-api.md has the table). {@code Data} holds one {@code EventList} for the user, empty when it did
 * nothing then.
 */
final class DescribeUserEvent implements RestAction<DescribeUserEvent.Request> {
    static final Duration MAX_WINDOW = Duration.ofHours(24);

    /** The request, as TRTC's {@code DescribeUserEventRequest}. */
    record Request(@JsonProperty("CommId") String commId,
                   @JsonProperty("StartTime") Long startTime,
                   @JsonProperty("EndTime") Long endTime,
                   @JsonProperty("UserId") String userId,
                   @JsonProperty("RoomId") String roomId,
                   @JsonProperty("SdkAppId") Long sdkAppId) {
    }

    /** TRTC's {@code EventMessage}: {@code Time} in Unix milliseconds, -1 for a parameter that does not apply. */
    record EventMessage(@JsonProperty("Type") long type,
                        @JsonProperty("Time") long time,
                        @JsonProperty("EventId") long eventId,
                        @JsonProperty("ParamOne") long paramOne,
                        @JsonProperty("ParamTwo") long paramTwo) {
    }

    /** TRTC's {@code EventList}: the events of {@code PeerId}, the user they are about. */
    record EventList(@JsonProperty("Content") List<EventMessage> content, @JsonProperty("PeerId") String peerId) {
    }

    /** The answer. */
    record Response(@JsonProperty("Data") List<EventList> data) {
    }

    private final HistoryQueries queries;

    DescribeUserEvent(HistoryQueries queries) {
        this.queries = queries;
    }

    @Override
    public String name() {
        return "DescribeUserEvent";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomHistory.Room room = queries.room(sdkAppId, request.commId());
        HistoryQueries.Window window = queries.window(request.startTime(), request.endTime(), MAX_WINDOW);
        if (request.userId() == null || request.userId().isEmpty()) {
            throw new RestApiException("MissingParameter.UserId", "UserId is required");
        }
        List<String> userIds = DescribeUserInfo.userIds(List.of(request.userId()), 1);
        if (request.roomId() != null && !request.roomId().isEmpty()
                && !request.roomId().equals(HistoryQueries.roomString(room.roomKey()))) {
            throw new RestApiException(RestApiException.INVALID_ROOM_ID, "RoomId is not the room of this CommId");
        }
        List<RoomHistory.MemberEvent> events = HistoryQueries.read(() -> queries.history().events(room.commId(),
                userIds.get(0), window.fromMs(), window.toMs()));
        if (events.isEmpty()) {
            return new Response(List.of());
        }
        List<EventMessage> content = new ArrayList<>(events.size());
        for (RoomHistory.MemberEvent event : events) {
            content.add(new EventMessage(event.streamType(), event.atMs(), event.eventId(), event.paramOne(),
                    event.paramTwo()));
        }
        return new Response(List.of(new EventList(content, userIds.get(0))));
    }
}
