package io.lianmai.server.api;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static io.lianmai.server.signal.SignalClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCallDetailInfoRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeCallDetailInfoResponse;
import com.tencentcloudapi.trtc.v20190722.models.DescribeRoomInfoRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeRoomInfoResponse;
import com.tencentcloudapi.trtc.v20190722.models.DescribeUserEventRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeUserEventResponse;
import com.tencentcloudapi.trtc.v20190722.models.DescribeUserInfoRequest;
import com.tencentcloudapi.trtc.v20190722.models.DescribeUserInfoResponse;
import com.tencentcloudapi.trtc.v20190722.models.EventMessage;
import com.tencentcloudapi.trtc.v20190722.models.QualityData;
import com.tencentcloudapi.trtc.v20190722.models.RoomState;
import com.tencentcloudapi.trtc.v20190722.models.TimeValue;
import com.tencentcloudapi.trtc.v20190722.models.UserInformation;
import io.lianmai.server.TestServer;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.store.App;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.LibWebRtcPeer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Room and member history through TRTC's four call-quality actions, called with Tencent's own Java SDK: two /ws
 * members with libwebrtc media (one publishes, one plays) enter, the player is sampled, they leave; then
 * DescribeRoomInfo, DescribeUserInfo, DescribeCallDetailInfo and DescribeUserEvent give the room, the stays, the
 * quality series and the events with TRTC's fields; another app's credential sees none of it; bad windows, pages and
 * CommIds get TRTC's InvalidParameter codes.
 */
class RoomHistoryIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("history.sampleSeconds", "1",
            "api.requestsPerSecond", "1000"));

    @Test
    void aCallsRoomStaysQualityAndEventsAreDescribed() throws Exception {
        TrtcClient client = sdk(server, createKey(server));
        long start = Instant.now().getEpochSecond() - 5;
        try (SignalClient alice = SignalClient.connect(server); SignalClient bob = SignalClient.connect(server);
                LibWebRtcPeer publisher = LibWebRtcPeer.publisher(); LibWebRtcPeer player = LibWebRtcPeer.player()) {
            alice.enter(server, "alice", "7001", null);
            bob.enter(server, "bob", "7001", null);
            JsonNode published = alice.ok("publish", data().put("streamType", "main")
                    .put("offer", publisher.createOffer()).put("audio", true).put("video", true));
            publisher.acceptAnswer(published.path("answer").asText());
            bob.awaitEvent("streamAdd", "alice");
            JsonNode subscribed = bob.ok("subscribe", data().put("streamID", "alice_main")
                    .put("offer", player.createOffer()));
            player.acceptAnswer(subscribed.path("answer").asText());
            player.awaitMedia(30, 50, WAIT);

            String commId = room(client, start).getCommId();
            // Samples every second: wait for a few that carry what was sent.
            AtomicReference<DescribeCallDetailInfoResponse> quality = new AtomicReference<>();
            Await.until("bob's bitrate samples", WAIT, () -> {
                quality.set(callDetail(client, commId, start));
                return Arrays.stream(quality.get().getData()).anyMatch(series -> series.getDataType().equals("bigvBit")
                        && series.getUserId().equals("bob") && series.getContent().length >= 2
                        && Arrays.stream(series.getContent()).allMatch(value -> value.getValue() > 0));
            }, quality::get);
            QualityData bitrate = Arrays.stream(quality.get().getData())
                    .filter(series -> series.getDataType().equals("bigvBit") && series.getUserId().equals("bob"))
                    .findFirst().orElseThrow();
            assertThat(bitrate.getUserId()).isEqualTo("bob");
            assertThat(bitrate.getPeerId()).as("the publisher whose stream bob played").isEqualTo("alice");
            for (TimeValue value : bitrate.getContent()) {
                assertThat(value.getTime()).isBetween(start, Instant.now().getEpochSecond() + 1);
                assertThat(value.getValue()).as("kbit/s of libwebrtc's fake camera and audio").isBetween(10f, 20_000f);
            }
            assertThat(Arrays.stream(quality.get().getData()).map(QualityData::getDataType))
                    .contains("bigvLoss", "rtt");
            Await.until("alice's uplink samples", WAIT, () -> {
                quality.set(callDetail(client, commId, start));
                return Arrays.stream(quality.get().getData()).anyMatch(series -> series.getUserId().equals("alice")
                        && series.getDataType().equals("bigvBit") && series.getPeerId().isEmpty()
                        && series.getContent().length >= 2
                        && Arrays.stream(series.getContent()).allMatch(value -> value.getValue() > 10));
            }, quality::get);
            assertThat(Arrays.stream(quality.get().getData())
                    .filter(series -> series.getUserId().equals("alice") && series.getDataType().equals("bigvLoss"))
                    .flatMap(series -> Arrays.stream(series.getContent())).map(TimeValue::getValue))
                    .as("no loss on loopback").isNotEmpty().allMatch(loss -> loss >= 0f && loss < 5f);

            alice.ok("mute", data().put("streamType", "main").put("audio", false));
            bob.ok("leave", data());
            alice.ok("leave", data());
        }

        RoomState room = awaitFinished(client, start);
        assertThat(room.getRoomString()).isEqualTo("7001");
        assertThat(room.getUserId()).as("the creator").isEqualTo("alice");
        assertThat(room.getCreateTime()).isBetween(start, Instant.now().getEpochSecond());
        assertThat(room.getDestroyTime()).isBetween(room.getCreateTime(), Instant.now().getEpochSecond());
        assertThat(room.getCommId()).isEqualTo(server.sdkAppId() + "_7001_" + room.getCreateTime());
        String commId = room.getCommId();

        DescribeUserInfoRequest users = new DescribeUserInfoRequest();
        users.setSdkAppId(server.sdkAppId());
        users.setCommId(commId);
        users.setStartTime(start);
        users.setEndTime(Instant.now().getEpochSecond() + 1);
        DescribeUserInfoResponse stays = client.DescribeUserInfo(users);
        assertThat(stays.getTotal()).isEqualTo(2);
        assertThat(stays.getUserList()).extracting(UserInformation::getUserId).containsExactly("alice", "bob");
        for (UserInformation user : stays.getUserList()) {
            assertThat(user.getRoomStr()).isEqualTo("7001");
            assertThat(user.getFinished()).isTrue();
            assertThat(user.getDeviceType()).isEqualTo("webrtc");
            assertThat(user.getJoinTs()).isBetween(room.getCreateTime(), user.getLeaveTs());
            assertThat(user.getLeaveTs()).isLessThanOrEqualTo(room.getDestroyTime());
        }

        DescribeUserEventRequest events = new DescribeUserEventRequest();
        events.setSdkAppId(server.sdkAppId());
        events.setCommId(commId);
        events.setRoomId("7001");
        events.setUserId("alice");
        events.setStartTime(start);
        events.setEndTime(Instant.now().getEpochSecond() + 1);
        DescribeUserEventResponse described = client.DescribeUserEvent(events);
        assertThat(described.getData()).hasSize(1);
        assertThat(described.getData()[0].getPeerId()).isEqualTo("alice");
        List<String> got = Arrays.stream(described.getData()[0].getContent())
                .map(e -> e.getEventId() + "/" + e.getParamOne() + "/" + e.getType()).toList();
        assertThat(got).as("entered as anchor, video and mic on, mic off, left normally").containsExactly(
                "5001/20/0", "4006/0/2", "3001/0/0", "3001/2/0", "5002/1/0");
        for (EventMessage event : described.getData()[0].getContent()) {
            assertThat(event.getTime()).as("milliseconds").isBetween(start * 1000, System.currentTimeMillis());
        }

        // Another app's credential sees no room, and this app's CommIds are not its own.
        App other = server.server().apps().create("history-other");
        TrtcClient otherClient = sdk(server, createKey(server, other.sdkAppId().value()));
        DescribeRoomInfoRequest otherRooms = roomsRequest(other.sdkAppId().value(), start);
        assertThat(otherClient.DescribeRoomInfo(otherRooms).getTotal()).isZero();
        assertThat(otherClient.DescribeRoomInfo(otherRooms).getRoomList()).isEmpty();
        assertCode(() -> otherClient.DescribeRoomInfo(roomsRequest(server.sdkAppId(), start)),
                "AuthFailure.UnauthorizedOperation");
        users.setSdkAppId(other.sdkAppId().value());
        assertCode(() -> otherClient.DescribeUserInfo(users), "InvalidParameter.CommId");

        assertThat(server.server().metrics().registry().get("lianmai.history.dropped").functionCounter().count())
                .as("the database kept up: nothing dropped").isZero();
        assertThat(server.server().metrics().registry().get("lianmai.history.queue").gauge().value()).isZero();
    }

    @Test
    void badWindowsPagesAndCommIdsGetTrtcsCodes() {
        TrtcClient client = sdk(server, createKey(server));
        long now = Instant.now().getEpochSecond();
        DescribeRoomInfoRequest wide = roomsRequest(server.sdkAppId(), now - 2 * 86_400);
        wide.setEndTime(now);
        assertCode(() -> client.DescribeRoomInfo(wide), "InvalidParameter.QueryScaleOversize");
        DescribeRoomInfoRequest backwards = roomsRequest(server.sdkAppId(), now);
        backwards.setEndTime(now - 60);
        assertCode(() -> client.DescribeRoomInfo(backwards), "InvalidParameter.EndTs");
        DescribeRoomInfoRequest old = roomsRequest(server.sdkAppId(), now - 15 * 86_400);
        old.setEndTime(now - 15 * 86_400 + 60);
        assertCode(() -> client.DescribeRoomInfo(old), "InvalidParameter.StartTsOversize");
        DescribeRoomInfoRequest big = roomsRequest(server.sdkAppId(), now - 60);
        big.setPageSize(101L);
        assertCode(() -> client.DescribeRoomInfo(big), "InvalidParameter.PageSizeOversize");

        DescribeUserInfoRequest unknown = new DescribeUserInfoRequest();
        unknown.setSdkAppId(server.sdkAppId());
        unknown.setCommId(server.sdkAppId() + "_1_1");
        unknown.setStartTime(now - 60);
        unknown.setEndTime(now);
        assertCode(() -> client.DescribeUserInfo(unknown), "FailedOperation.RoomNotExist");
        unknown.setCommId("garbage");
        assertCode(() -> client.DescribeUserInfo(unknown), "InvalidParameter.CommId");

        DescribeCallDetailInfoRequest detail = new DescribeCallDetailInfoRequest();
        detail.setSdkAppId(server.sdkAppId());
        detail.setCommId(server.sdkAppId() + "_1_1");
        detail.setStartTime(now - 60);
        detail.setEndTime(now);
        assertCode(() -> client.DescribeCallDetailInfo(detail), "FailedOperation.RoomNotExist");
    }

    private static DescribeRoomInfoRequest roomsRequest(long sdkAppId, long start) {
        DescribeRoomInfoRequest request = new DescribeRoomInfoRequest();
        request.setSdkAppId(sdkAppId);
        request.setStartTime(start);
        request.setEndTime(Instant.now().getEpochSecond() + 1);
        request.setRoomId("7001");
        return request;
    }

    /** The room 7001 as DescribeRoomInfo lists it, once the writer recorded it. */
    private static RoomState room(TrtcClient client, long start) {
        AtomicReference<DescribeRoomInfoResponse> rooms = new AtomicReference<>();
        Await.until("room 7001 in DescribeRoomInfo", WAIT, () -> {
            rooms.set(call(() -> client.DescribeRoomInfo(roomsRequest(server.sdkAppId(), start))));
            return rooms.get().getTotal() == 1;
        }, () -> DescribeRoomInfoResponse.toJsonString(rooms.get()));
        return rooms.get().getRoomList()[0];
    }

    private static RoomState awaitFinished(TrtcClient client, long start) {
        AtomicReference<RoomState> room = new AtomicReference<>();
        Await.until("room 7001 dismissed", WAIT, () -> {
            room.set(room(client, start));
            return room.get().getIsFinished();
        }, () -> RoomState.toJsonString(room.get()));
        return room.get();
    }

    private static DescribeCallDetailInfoResponse callDetail(TrtcClient client, String commId, long start) {
        DescribeCallDetailInfoRequest request = new DescribeCallDetailInfoRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setCommId(commId);
        request.setStartTime(start);
        request.setEndTime(Instant.now().getEpochSecond() + 1);
        request.setUserIds(new String[] {"bob", "alice"});
        request.setDataType(new String[] {"bigvBit", "bigvLoss", "rtt", "appCpu"});
        return call(() -> client.DescribeCallDetailInfo(request));
    }

    @FunctionalInterface
    private interface SdkCall<T> {
        T run() throws TencentCloudSDKException;
    }

    private static <T> T call(SdkCall<T> call) {
        try {
            return call.run();
        } catch (TencentCloudSDKException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertCode(SdkCall<?> call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(TencentCloudSDKException.class, e -> {
            assertThat(e.getErrorCode()).as(e.toString()).isEqualTo(code);
            assertThat(e.getRequestId()).isNotBlank();
        });
    }
}
