package io.lianmai.server.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Role;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomObserver.Tracks;
import io.lianmai.store.CallbackOutbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Room changes become TRTC's callback bodies, field for field as Tencent's "Room and Media Callbacks" page shows. */
class CallbackEventTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SdkAppId APP = new SdkAppId(1400000001L);
    private static final RoomKey NUMERIC = new RoomKey(APP, "r12345");
    private static final RoomKey STRING = new RoomKey(APP, "s:lobby");
    private static final Instant AT = Instant.ofEpochMilli(1687770731831L);

    private final List<CallbackEvent> events = new ArrayList<>();
    private final CallbackRecorder recorder = new CallbackRecorder(events::add);

    @Test
    void anEntryCarriesRoleTerminalUserTypeAndReasonAsTrtc() throws Exception {
        recorder.onMemberEntered(NUMERIC, UserId.parse("test"), Role.AUDIENCE, ClientKind.WEBRTC, AT);

        JsonNode body = body(events.get(0), 1687770731932L);
        assertThat(body.toString()).isEqualTo("{\"EventGroupId\":1,\"EventType\":103,\"CallbackTs\":1687770731932,"
                + "\"EventInfo\":{\"RoomId\":12345,\"EventTs\":1687770731,\"EventMsTs\":1687770731831,"
                + "\"UserId\":\"test\",\"Role\":21,\"TerminalType\":100,\"UserType\":1,\"Reason\":1},"
                + "\"EventId\":\"id-1\"}");
    }

    @Test
    void aStringRoomIsAStringRoomIdAndRtmpMembersAreMiniPrograms() throws Exception {
        recorder.onRoomCreated(STRING, UserId.parse("pusher"), AT);
        recorder.onMemberEntered(STRING, UserId.parse("pusher"), Role.ANCHOR, ClientKind.RTMP, AT);
        recorder.onRoomDismissed(STRING, AT);

        JsonNode created = body(events.get(0), 0).path("EventInfo");
        assertThat(created.path("RoomId").isTextual()).isTrue();
        assertThat(created.path("RoomId").asText()).isEqualTo("lobby");
        assertThat(created.path("UserId").asText()).isEqualTo("pusher");
        assertThat(created.has("Role")).isFalse();
        JsonNode entered = body(events.get(1), 0).path("EventInfo");
        assertThat(entered.path("UserType").asInt()).isEqualTo(2);
        assertThat(entered.path("Role").asInt()).isEqualTo(20);
        JsonNode dismissed = body(events.get(2), 0);
        assertThat(dismissed.path("EventType").asInt()).isEqualTo(102);
        assertThat(dismissed.path("EventInfo").has("UserId")).isFalse();
    }

    @Test
    void exitsCarryTrtcsReasons() throws Exception {
        for (LeaveReason reason : LeaveReason.values()) {
            recorder.onMemberLeft(NUMERIC, UserId.parse("u"), Role.ANCHOR, ClientKind.WHIP, reason, AT);
        }
        List<Integer> reasons = new ArrayList<>();
        for (CallbackEvent event : events) {
            JsonNode info = body(event, 0).path("EventInfo");
            assertThat(info.path("Role").asInt()).isEqualTo(20);
            assertThat(info.has("UserType")).as("only entries carry UserType").isFalse();
            reasons.add(info.path("Reason").asInt());
        }
        // leave, timeout, duplicate-login, removed, room-dismissed, app-disabled, server-shutdown
        assertThat(reasons).containsExactly(1, 2, 3, 3, 3, 3, 2);
    }

    @Test
    void trackChangesBecomeMediaEvents() throws Exception {
        UserId alice = UserId.parse("alice");
        recorder.onTracksChanged(NUMERIC, alice, StreamType.MAIN, Tracks.NONE, new Tracks(true, true), AT);
        recorder.onTracksChanged(NUMERIC, alice, StreamType.MAIN, new Tracks(true, true), new Tracks(false, true), AT);
        recorder.onTracksChanged(NUMERIC, alice, StreamType.AUX, Tracks.NONE, new Tracks(false, true), AT);
        recorder.onTracksChanged(NUMERIC, alice, StreamType.AUX, new Tracks(false, true), Tracks.NONE, AT);
        recorder.onTracksChanged(NUMERIC, alice, StreamType.MAIN, new Tracks(false, true), Tracks.NONE, AT);
        recorder.onMemberRoleSwitched(NUMERIC, alice, Role.AUDIENCE, AT);

        assertThat(events).extracting(CallbackEvent::type).containsExactly(201, 203, 204, 205, 206, 202, 105);
        JsonNode media = body(events.get(0), 0);
        assertThat(media.path("EventGroupId").asInt()).isEqualTo(2);
        assertThat(media.path("EventInfo").path("UserId").asText()).isEqualTo("alice");
        assertThat(body(events.get(6), 0).path("EventInfo").path("Role").asInt()).isEqualTo(21);
    }

    @Test
    void aCrashedRunsLeftoversBecomeTimeoutExitsAndDismissals() {
        CallbackEvent exit = CallbackEvent.leftover(new CallbackOutbox.Presence(APP, "r12345", "bob", "audience", ""), AT);
        CallbackEvent dismissal = CallbackEvent.leftover(new CallbackOutbox.Presence(APP, "r12345", "", null, ""), AT);

        assertThat(exit.type()).isEqualTo(104);
        assertThat(exit.eventInfo()).contains("\"UserId\":\"bob\"", "\"Role\":21", "\"Reason\":2");
        assertThat(dismissal.type()).isEqualTo(102);
        assertThat(exit.toOutbox("x").change()).isEqualTo(CallbackOutbox.PresenceChange.MEMBER_LEFT);
        assertThat(dismissal.toOutbox("y").change()).isEqualTo(CallbackOutbox.PresenceChange.ROOM_DISMISSED);
    }

    /** The body the sender posts for {@code event} at {@code callbackTs}. */
    private static JsonNode body(CallbackEvent event, long callbackTs) throws Exception {
        CallbackOutbox.NewEvent row = event.toOutbox("id-1");
        CallbackOutbox.Entry entry = new CallbackOutbox.Entry(1, row.eventId(), row.sdkAppId(), row.roomKey(),
                row.group(), row.type(), row.eventMs(), row.eventInfo(), CallbackOutbox.State.PENDING, 0, 0,
                OptionalInt.empty(), java.util.Optional.empty(), OptionalLong.empty());
        return JSON.readTree(CallbackSender.body(entry, callbackTs));
    }
}
