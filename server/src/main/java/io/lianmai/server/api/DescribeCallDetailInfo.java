package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.store.RoomHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * TRTC's {@code DescribeCallDetailInfo}: the users of one room ({@code CommId}) as {@code DescribeUserInfo} gives
 * them, and, when {@code DataType} names metrics, their quality over time (at most 6 users and 1 hour; without
 * {@code DataType}, 4 hours). Lianmai measures at its server: a downlink series per stream a member plays ({@code
 * PeerId} the publisher) and an uplink series per stream it publishes ({@code PeerId} empty, as TRTC marks upstream
 * data): {@code bigvBit} (kbit/s, audio and video together), {@code bigvLoss} and {@code aLoss} (% lost on the way:
 * from the player's transport-cc feedback, or from the publisher's sequence numbers), and Lianmai's own {@code rtt}
 * (a player's feedback round trip, ms). TRTC's other DataType names are accepted and have no data here.
 */
final class DescribeCallDetailInfo implements RestAction<DescribeCallDetailInfo.Request> {
    static final Duration MAX_WINDOW_WITH_DATA = Duration.ofHours(1);
    static final Duration MAX_WINDOW = Duration.ofHours(4);
    static final int DEFAULT_PAGE_SIZE = 6;
    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_USERS_WITH_DATA = 6;

    /** What a sample gives each DataType this server fills; null where the sample has no value. */
    private static final Map<String, Function<RoomHistory.Sample, Float>> MEASURED = Map.of(
            "bigvBit", sample -> (float) sample.kbps(),
            "bigvLoss", RoomHistory.Sample::lossPercent,
            "aLoss", RoomHistory.Sample::lossPercent,
            "rtt", sample -> sample.rttMillis() == null ? null : (float) sample.rttMillis());
    /** TRTC's DataType names of client-side metrics, which a server cannot see. */
    private static final Set<String> NOT_MEASURED = Set.of("appCpu", "sysCpu", "aBit", "aBlock", "bigvCapFps",
            "bigvEncFps", "bigvDecFps", "bigvBlock", "bigvWidth", "bigvHeight");

    /** The request, as TRTC's {@code DescribeCallDetailInfoRequest}. */
    record Request(@JsonProperty("CommId") String commId,
                   @JsonProperty("StartTime") Long startTime,
                   @JsonProperty("EndTime") Long endTime,
                   @JsonProperty("SdkAppId") Long sdkAppId,
                   @JsonProperty("UserIds") List<String> userIds,
                   @JsonProperty("DataType") List<String> dataType,
                   @JsonProperty("PageNumber") Long pageNumber,
                   @JsonProperty("PageSize") Long pageSize) {
    }

    /** TRTC's {@code TimeValue}: {@code Time} in Unix seconds. */
    record TimeValue(@JsonProperty("Time") long time, @JsonProperty("Value") float value) {
    }

    /** TRTC's {@code QualityData}: one series of one user, of the stream of {@code PeerId}. */
    record QualityData(@JsonProperty("Content") List<TimeValue> content,
                       @JsonProperty("UserId") String userId,
                       @JsonProperty("PeerId") String peerId,
                       @JsonProperty("DataType") String dataType) {
    }

    /** The answer. */
    record Response(@JsonProperty("Total") long total,
                    @JsonProperty("UserList") List<HistoryQueries.UserInformation> userList,
                    @JsonProperty("Data") List<QualityData> data) {
    }

    private final HistoryQueries queries;

    DescribeCallDetailInfo(HistoryQueries queries) {
        this.queries = queries;
    }

    @Override
    public String name() {
        return "DescribeCallDetailInfo";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomHistory.Room room = queries.room(sdkAppId, request.commId());
        List<String> dataTypes = dataTypes(request.dataType());
        HistoryQueries.Window window = queries.window(request.startTime(), request.endTime(),
                dataTypes.isEmpty() ? MAX_WINDOW : MAX_WINDOW_WITH_DATA);
        HistoryQueries.Page page = HistoryQueries.page(request.pageNumber(), request.pageSize(), DEFAULT_PAGE_SIZE,
                dataTypes.isEmpty() ? MAX_PAGE_SIZE : MAX_USERS_WITH_DATA);
        List<String> userIds = DescribeUserInfo.userIds(request.userIds(),
                dataTypes.isEmpty() ? MAX_PAGE_SIZE : MAX_USERS_WITH_DATA);
        RoomHistory.Page<RoomHistory.Stay> stays = HistoryQueries.read(() -> queries.history().stays(room.commId(),
                window.fromMs(), window.toMs(), userIds, page.offset(), page.size()));
        List<QualityData> data = new ArrayList<>();
        if (!dataTypes.isEmpty()) {
            Set<String> users = new LinkedHashSet<>();
            stays.rows().forEach(stay -> users.add(stay.userId()));
            List<RoomHistory.Sample> samples = HistoryQueries.read(() -> queries.history().samples(room.commId(),
                    users, window.fromMs(), window.toMs()));
            for (String dataType : dataTypes) {
                data.addAll(series(samples, dataType));
            }
        }
        return new Response(stays.total(), DescribeUserInfo.users(room, stays.rows(), queries.nowMs()), data);
    }

    /** Checks DataType: TRTC's names and {@code rtt}; none means no series. */
    private static List<String> dataTypes(List<String> requested) {
        if (requested == null) {
            return List.of();
        }
        for (String dataType : requested) {
            if (dataType == null || !(MEASURED.containsKey(dataType) || NOT_MEASURED.contains(dataType))) {
                throw new RestApiException("InvalidParameter.DataType", "DataType must be among "
                        + new TreeSet<>(MEASURED.keySet()) + " (measured here) and TRTC's other names");
            }
        }
        return List.copyOf(new LinkedHashSet<>(requested));
    }

    /** One series per user and publisher it played, of {@code dataType}; none for what is not measured here. */
    private static List<QualityData> series(List<RoomHistory.Sample> samples, String dataType) {
        Function<RoomHistory.Sample, Float> value = MEASURED.get(dataType);
        if (value == null) {
            return List.of();
        }
        Map<List<String>, List<TimeValue>> byPair = new LinkedHashMap<>();
        for (RoomHistory.Sample sample : samples) {
            Float v = value.apply(sample);
            if (v != null) {
                byPair.computeIfAbsent(List.of(sample.userId(), sample.peerId()), key -> new ArrayList<>())
                        .add(new TimeValue(sample.atMs() / 1000, v));
            }
        }
        List<QualityData> series = new ArrayList<>(byPair.size());
        byPair.forEach((pair, content) -> series.add(new QualityData(content, pair.get(0), pair.get(1), dataType)));
        return series;
    }
}
