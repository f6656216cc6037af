package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.store.RoomHistory;
import io.lianmai.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What TRTC's four call-quality actions ({@code DescribeRoomInfo}, {@code DescribeUserInfo}, {@code
 * DescribeCallDetailInfo}, {@code DescribeUserEvent}) check and share: the time window (Unix seconds, at most {@link
 * #MAX_AGE} back, at most a width per action), the page, the CommId, and TRTC's {@code UserInformation}.
 */
final class HistoryQueries {
    /** How far back TRTC answers: 14 days (what is older may be purged anyway, {@code history.retentionDays}). */
    static final Duration MAX_AGE = Duration.ofDays(14);

    static final String INVALID_START = "InvalidParameter.StartTs";
    static final String INVALID_END = "InvalidParameter.EndTs";
    static final String START_TOO_OLD = "InvalidParameter.StartTsOversize";
    static final String WINDOW_TOO_WIDE = "InvalidParameter.QueryScaleOversize";
    static final String PAGE_SIZE_TOO_LARGE = "InvalidParameter.PageSizeOversize";
    static final String INVALID_PAGE_NUMBER = "InvalidParameter.PageNumber";
    static final String INVALID_COMM_ID = "InvalidParameter.CommId";

    private final RoomHistory history;
    private final Clock clock;

    HistoryQueries(RoomHistory history, Clock clock) {
        this.history = history;
        this.clock = clock;
    }

    RoomHistory history() {
        return history;
    }

    /** Now, epoch milliseconds: where an open stay ends for {@code LeaveTs}. */
    long nowMs() {
        return clock.millis();
    }

    /** A checked window, in epoch milliseconds, both ends included. */
    record Window(long fromMs, long toMs) {
    }

    /** A checked page: rows {@code offset} to {@code offset + size - 1}. */
    record Page(int offset, int size) {
    }

    /**
     * Checks a window of Unix seconds: both present, start before end, start at most {@link #MAX_AGE} ago, end at
     * most {@code maxWidth} after start.
     */
    Window window(Long startTime, Long endTime, Duration maxWidth) {
        if (startTime == null) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER, "StartTime is required");
        }
        if (endTime == null) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER, "EndTime is required");
        }
        long now = clock.instant().getEpochSecond();
        if (startTime < 0 || startTime > now + 60) {
            throw new RestApiException(INVALID_START, "StartTime must be a Unix time in seconds, not in the future");
        }
        if (endTime <= startTime || endTime > Long.MAX_VALUE / 1000) {
            throw new RestApiException(INVALID_END, "EndTime must be a Unix time in seconds after StartTime");
        }
        if (startTime < now - MAX_AGE.toSeconds()) {
            throw new RestApiException(START_TOO_OLD, "StartTime must be within the last " + MAX_AGE.toDays()
                    + " days");
        }
        if (endTime - startTime > maxWidth.toSeconds()) {
            throw new RestApiException(WINDOW_TOO_WIDE, "EndTime may be at most " + maxWidth.toMinutes()
                    + " minutes after StartTime");
        }
        return new Window(startTime * 1000, endTime * 1000 + 999);
    }

    /** Checks TRTC's paging: PageNumber from 0, PageSize 1..{@code maxSize} (default {@code defaultSize}). */
    static Page page(Long pageNumber, Long pageSize, int defaultSize, int maxSize) {
        long size = pageSize == null ? defaultSize : pageSize;
        if (size < 1 || size > maxSize) {
            throw new RestApiException(PAGE_SIZE_TOO_LARGE, "PageSize must be 1.." + maxSize);
        }
        long number = pageNumber == null ? 0 : pageNumber;
        if (number < 0 || number > 100_000) {
            throw new RestApiException(INVALID_PAGE_NUMBER, "PageNumber must be 0..100000");
        }
        return new Page((int) (number * size), (int) size);
    }

    /** The room of {@code commId} in the caller's app; a CommId of another app is unknown here. */
    RoomHistory.Room room(SdkAppId sdkAppId, String commId) {
        if (commId == null || commId.isEmpty()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER, "CommId is required");
        }
        if (commId.length() > 120 || !commId.startsWith(sdkAppId.value() + "_")) {
            throw new RestApiException(INVALID_COMM_ID, "CommId must be {SdkAppId}_{RoomId}_{CreateTime} of "
                    + "this SdkAppId, as DescribeRoomInfo gives it");
        }
        return read(() -> history.room(sdkAppId, commId)).orElseThrow(() -> new RestApiException(
                RestApiException.ROOM_NOT_EXIST, "no room with this CommId in the last "
                        + MAX_AGE.toDays() + " days"));
    }

    /** Runs a history read, answering a database failure as InternalError without its details. */
    static <T> T read(Supplier<T> query) {
        try {
            return query.get();
        } catch (StoreException e) {
            throw new RestApiException(RestApiException.INTERNAL_ERROR, "cannot read the room history");
        }
    }

    /** The room's id as its clients know it: the number, or the string. */
    static String roomString(String roomKey) {
        RoomRef ref = RoomRef.parseKey(roomKey);
        return ref.strRoomId().orElse(Long.toString(ref.roomId()));
    }

    /**
     * TRTC's {@code UserInformation}: one stay of one user. Times are Unix seconds; {@code DeviceType} is how the
     * member came ({@code webrtc}, {@code whip}, {@code rtmp}); {@code SdkVersion} is not known (empty), nor, for
     * now, {@code ClientIp} (empty).
     */
    record UserInformation(@JsonProperty("RoomStr") String roomStr,
                           @JsonProperty("UserId") String userId,
                           @JsonProperty("JoinTs") long joinTs,
                           @JsonProperty("LeaveTs") long leaveTs,
                           @JsonProperty("DeviceType") String deviceType,
                           @JsonProperty("SdkVersion") String sdkVersion,
                           @JsonProperty("ClientIp") String clientIp,
                           @JsonProperty("Finished") boolean finished) {
        /** A stay as TRTC shows it; an open stay's LeaveTs is now. */
        static UserInformation of(RoomHistory.Room room, RoomHistory.Stay stay, long nowMs) {
            return new UserInformation(roomString(room.roomKey()), stay.userId(), stay.joinedMs() / 1000,
                    stay.leftMs().orElse(nowMs) / 1000, stay.kind(), "", stay.clientIp().orElse(""),
                    stay.leftMs().isPresent());
        }
    }
}
