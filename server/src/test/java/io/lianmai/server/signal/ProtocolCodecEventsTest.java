package io.lianmai.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.MemberInfo;
import io.lianmai.room.Role;
import io.lianmai.room.RoomEvent;
import io.lianmai.room.StreamState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The room speaks typed ids ({@link UserId}); the frames clients read carry the plain userID string, byte for byte
 * as documented in docs/protocol.md, with each stream's {@code play} query asked for by user and stream type.
 */
class ProtocolCodecEventsTest {
    private static final UserId ALICE = UserId.parse("alice.b@x");
    private final ProtocolCodec codec = new ProtocolCodec();
    private final ProtocolCodec.PlayQueries play = (user, type) -> Optional.of("q=" + user.value() + "/"
            + type.wireName());

    @Test
    void roomEventsCarryTheUserIdString() {
        assertThat(codec.event(new RoomEvent.UserJoin(ALICE, Role.ANCHOR), play)).isEqualTo(
                "{\"v\":1,\"type\":\"event\",\"event\":\"userJoin\",\"data\":{\"userID\":\"alice.b@x\","
                        + "\"role\":\"anchor\"}}");
        assertThat(codec.event(new RoomEvent.UserLeave(ALICE, LeaveReason.LEAVE), play)).isEqualTo(
                "{\"v\":1,\"type\":\"event\",\"event\":\"userLeave\",\"data\":{\"userID\":\"alice.b@x\","
                        + "\"reason\":\"leave\"}}");
        assertThat(codec.event(new RoomEvent.StreamAdd(ALICE, StreamType.AUX, false, true), play)).isEqualTo(
                "{\"v\":1,\"type\":\"event\",\"event\":\"streamAdd\",\"data\":{\"userID\":\"alice.b@x\","
                        + "\"streamType\":\"aux\",\"audio\":false,\"video\":true,\"play\":\"q=alice.b@x/aux\"}}");
        assertThat(codec.event(new RoomEvent.CustomMessage(ALICE, 2, "hi"), play)).isEqualTo(
                "{\"v\":1,\"type\":\"event\",\"event\":\"customMessage\",\"data\":{\"userID\":\"alice.b@x\","
                        + "\"cmdID\":2,\"data\":\"hi\"}}");
        assertThat(codec.event(new RoomEvent.NetQuality(ALICE, 3), play)).isEqualTo(
                "{\"v\":1,\"type\":\"event\",\"event\":\"netQuality\",\"data\":{\"userID\":\"alice.b@x\","
                        + "\"uplink\":3}}");
    }

    @Test
    void theLayersEventNamesTheOwnPublicationAndTheRidsToSend() {
        assertThat(codec.event(SignallingConnection.LAYERS_EVENT, codec.layers(StreamType.MAIN, "1", List.of("l"))))
                .isEqualTo("{\"v\":1,\"type\":\"event\",\"event\":\"layers\",\"data\":{\"streamType\":\"main\","
                        + "\"mid\":\"1\",\"active\":[\"l\"]}}");
    }

    @Test
    void membersCarryTheUserIdString() {
        MemberInfo alice = new MemberInfo(ALICE, Role.ANCHOR, Optional.of(new StreamState(true, false)),
                Optional.empty());
        assertThat(codec.members(List.of(alice), play).toString()).isEqualTo(
                "[{\"userID\":\"alice.b@x\",\"role\":\"anchor\",\"streams\":{\"main\":{\"audio\":true,"
                        + "\"video\":false,\"play\":\"q=alice.b@x/main\"}}}]");
    }
}
