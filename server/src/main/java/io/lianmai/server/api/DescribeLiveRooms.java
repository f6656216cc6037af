package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.SessionStats;
import io.lianmai.room.Member;
import io.lianmai.room.MemberInfo;
import io.lianmai.room.Room;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DescribeLiveRooms} (Lianmai's own): the rooms on this node now, of the apps the caller may act on, with
 * their members — userID, role, how each reached the room (WebRTC, WHIP, RTMP) — and each member's published streams
 * with the bitrate and loss the media plane measures, its round trip, and a network quality on TRTC's scale
 * estimated from them. The operator console's live rooms; TRTC's {@code DescribeUserInfo} answers history instead.
 *
 * <p>One pass over the rooms and one over the media loop's sessions per call.
 */
final class DescribeLiveRooms implements ScopedAction<DescribeLiveRooms.Request> {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    /** Sessions read from the media plane at most per call (about 150 bytes each in memory). */
    static final int MAX_SESSIONS = 20_000;

    /** TRTC's network quality scale (its {@code onNetworkQuality}): 0 unknown … 6 down. */
    static final int QUALITY_UNKNOWN = 0;
    static final int QUALITY_DOWN = 6;

    /**
     * The request.
     *
     * @param sdkAppId only this app's rooms (it must be in the caller's scope); all of the scope's when absent
     * @param limit    at most this many rooms, the most populated first (default 100, at most 500)
     */
    record Request(@JsonProperty("SdkAppId") Long sdkAppId, @JsonProperty("Limit") Integer limit) {
    }

    /** One published stream of a member. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Stream(@JsonProperty("StreamType") String streamType,
                  @JsonProperty("Audio") boolean audio,
                  @JsonProperty("Video") boolean video,
                  @JsonProperty("BitrateBps") long bitrateBps,
                  @JsonProperty("PacketsReceived") long packetsReceived,
                  @JsonProperty("PacketsLost") long packetsLost,
                  @JsonProperty("LossPercent") double lossPercent) {
    }

    /** One member. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LiveMember(@JsonProperty("UserId") String userId,
                      @JsonProperty("Role") String role,
                      @JsonProperty("Kind") String kind,
                      @JsonProperty("Connected") boolean connected,
                      @JsonProperty("Streams") List<Stream> streams,
                      @JsonProperty("Subscriptions") int subscriptions,
                      @JsonProperty("RttMs") Long rttMs,
                      @JsonProperty("NetworkQuality") int networkQuality) {
    }

    /** One room; {@code RoomId} is the numeric roomID or the strRoomID, as {@code RoomIdType} says. */
    record LiveRoom(@JsonProperty("SdkAppId") long sdkAppId,
                    @JsonProperty("RoomId") String roomId,
                    @JsonProperty("RoomIdType") int roomIdType,
                    @JsonProperty("Scene") String scene,
                    @JsonProperty("MemberCount") int memberCount,
                    @JsonProperty("Members") List<LiveMember> members) {
    }

    /** The answer: {@code RoomCount} counts every room in scope, {@code Rooms} at most {@code Limit}. */
    record Response(@JsonProperty("RoomCount") int roomCount, @JsonProperty("Rooms") List<LiveRoom> rooms) {
    }

    private final RoomRegistry registry;
    private final RoomMemberKinds kinds;
    private final MediaPlane media;

    DescribeLiveRooms(RoomRegistry registry, RoomMemberKinds kinds, MediaPlane media) {
        this.registry = registry;
        this.kinds = kinds;
        this.media = media;
    }

    @Override
    public String name() {
        return "DescribeLiveRooms";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        // On /api/v1 the administrator's app is the scope and the only app listed.
        return handle(ApiScope.of(sdkAppId), new Request(sdkAppId.value(), request.limit()));
    }

    @Override
    public Record handle(ApiScope scope, Request request) {
        int limit = request.limit() == null ? DEFAULT_LIMIT : request.limit();
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "Limit must be 0.." + MAX_LIMIT);
        }
        Optional<SdkAppId> only = Optional.empty();
        if (request.sdkAppId() != null) {
            if (request.sdkAppId() < 1 || request.sdkAppId() > SdkAppId.MAX) {
                throw new RestApiException(RestApiException.INVALID_PARAMETER, "SdkAppId must be 1..4294967295");
            }
            SdkAppId app = new SdkAppId(request.sdkAppId());
            if (!scope.allows(app)) {
                throw new RestApiException(RestApiException.AUTH_UNAUTHORIZED_OPERATION,
                        "the credential is not scoped to SdkAppId " + app);
            }
            only = Optional.of(app);
        }
        List<Room> rooms = new ArrayList<>();
        for (RoomKey key : kinds.rooms()) {
            if (only.map(app -> app.equals(key.sdkAppId())).orElse(scope.allows(key.sdkAppId()))) {
                registry.find(key).filter(room -> room.size() > 0).ifPresent(rooms::add);
            }
        }
        rooms.sort(Comparator.comparingInt(Room::size).reversed()
                .thenComparing(room -> room.key().toString()));
        Map<String, SessionStats> byStream = new HashMap<>();
        Map<String, SessionStats> bySession = new HashMap<>();
        if (!rooms.isEmpty() && limit > 0) {
            SessionStats.Page page;
            try {
                page = media.sessionStats(only.map(app -> app + "/").orElse(""), MAX_SESSIONS);
            } catch (MediaException e) {
                throw new RestApiException(RestApiException.INTERNAL_ERROR, "the media plane did not answer in time");
            }
            for (SessionStats stats : page.listed()) {
                if (stats.publisher()) {
                    byStream.put(stats.streamKey(), stats);
                } else {
                    bySession.put(stats.sessionId(), stats);
                }
            }
        }
        List<LiveRoom> listed = new ArrayList<>();
        for (Room room : rooms.subList(0, Math.min(limit, rooms.size()))) {
            listed.add(room(room, byStream, bySession));
        }
        return new Response(rooms.size(), listed);
    }

    private LiveRoom room(Room room, Map<String, SessionStats> byStream, Map<String, SessionStats> bySession) {
        RoomKey key = room.key();
        List<LiveMember> members = new ArrayList<>();
        for (MemberInfo info : room.members()) {
            Optional<Member> member = room.member(info.userId());
            List<Stream> streams = new ArrayList<>();
            double worstLoss = -1;
            for (StreamType type : StreamType.values()) {
                if ((type == StreamType.MAIN ? info.main() : info.aux()).isEmpty()) {
                    continue;
                }
                SessionStats stats = byStream.get(key.streamKey(StreamId.of(info.userId(), type)).toString());
                Stream stream = stats == null ? new Stream(type.wireName(), false, false, 0, 0, 0, 0)
                        : new Stream(type.wireName(), stats.audio(), stats.video(), stats.bitrateBps(),
                                stats.packets(), stats.packetsLost(), stats.lossPermille() / 10.0);
                worstLoss = stats == null ? worstLoss : Math.max(worstLoss, stream.lossPercent());
                streams.add(stream);
            }
            Map<StreamId, String> subscriptions = member.map(Member::subscriptionSessions).orElse(Map.of());
            long rtt = -1;
            for (String sessionId : subscriptions.values()) {
                SessionStats stats = bySession.get(sessionId);
                rtt = stats == null ? rtt : Math.max(rtt, stats.rttMillis());
            }
            boolean connected = member.map(Member::isPresent).orElse(false)
                    && member.flatMap(Member::disconnectedSince).isEmpty();
            members.add(new LiveMember(info.userId().toString(), info.role().wireName(),
                    kinds.kind(key, info.userId()).name().toLowerCase(Locale.ROOT), connected, streams,
                    subscriptions.size(), rtt < 0 ? null : rtt, connected ? quality(worstLoss, rtt) : QUALITY_DOWN));
        }
        RoomRef ref = RoomRef.parseKey(key.roomKey());
        return new LiveRoom(key.sdkAppId().value(), ref.strRoomId().orElse(Long.toString(ref.roomId())),
                ref.strRoomId().isPresent() ? 1 : 0, room.scene().wireName(), room.size(),
                members);
    }

    /**
     * TRTC's network quality (1 excellent … 5 very bad) as the server sees a member: from the worst loss of its
     * published streams and the round trip of its players, whichever is worse; 0 with neither measured. The SDK's own
     * report (its {@code netQuality}) also counts what the server cannot see, so the two may differ by a step.
     */
    static int quality(double lossPercent, long rttMillis) {
        if (lossPercent < 0 && rttMillis < 0) {
            return QUALITY_UNKNOWN;
        }
        double loss = Math.max(0, lossPercent);
        long rtt = Math.max(0, rttMillis);
        if (loss < 2 && rtt < 100) {
            return 1;
        }
        if (loss < 5 && rtt < 200) {
            return 2;
        }
        if (loss < 10 && rtt < 400) {
            return 3;
        }
        if (loss < 20 && rtt < 800) {
            return 4;
        }
        return 5;
    }
}
