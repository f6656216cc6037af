package io.lianmai.room;

import io.lianmai.common.StreamType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Who may still enter a room: the member, publisher and anchor limits (TRTC's 3301) and the room's scene. */
class RoomLimitsTest extends RoomRegistryFixture {
    @Test
    void the301stMemberOfAnRtcRoomIsRefusedWith3301() {
        for (int i = 0; i < 300; i++) {
            enter("u" + i, new RecordingListener());
        }
        assertThatThrownBy(() -> enter("u300", new RecordingListener()))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-3301);
                    assertThat(e.getMessage()).contains("300 members");
                });
        assertThat(registry.find(ROOM).orElseThrow().size()).isEqualTo(300);
        // Re-entering with a userID already inside replaces it and is not over the limit.
        enter("u7", new RecordingListener());
    }

    @Test
    void the51stPublisherIsRefusedWith3301() {
        for (int i = 0; i < 50; i++) {
            Member member = enter("p" + i, new RecordingListener()).member();
            member.room().publish(member, StreamType.MAIN, "s" + i, true, true);
        }
        Member late = enter("late", new RecordingListener()).member();

        assertThatThrownBy(() -> late.room().checkMayPublish(late, StreamType.MAIN, true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-3301));
        assertThatThrownBy(() -> late.room().publish(late, StreamType.MAIN, "x", true, true))
                .isInstanceOf(RoomException.class);
        // A publisher may add its aux stream.
        Member first = registry.find(ROOM).orElseThrow().membersLocked().get(user("p0"));
        first.room().publish(first, StreamType.AUX, "aux", false, true);
    }

    @Test
    void the51stAnchorOfALiveRoomIsRefusedButAudienceIsUnbounded() {
        for (int i = 0; i < 50; i++) {
            enterLive("a" + i, Role.ANCHOR, new RecordingListener());
        }
        assertThatThrownBy(() -> enterLive("a50", Role.ANCHOR, new RecordingListener()))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-3301);
                    assertThat(e.getMessage()).contains("50 anchors");
                });
        for (int i = 0; i < 500; i++) {
            enterLive("v" + i, Role.AUDIENCE, new RecordingListener());
        }
        Member viewer = registry.find(ROOM).orElseThrow().membersLocked().get(user("v0"));
        assertThatThrownBy(() -> viewer.room().switchRole(viewer, Role.ANCHOR))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-3301));
    }

    @Test
    void aSceneMismatchIsRefused() {
        enter("alice", new RecordingListener());
        assertThatThrownBy(() -> enterLive("bob", Role.AUDIENCE, new RecordingListener()))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-3301);
                    assertThat(e.getMessage()).contains("rtc room");
                });
    }
}
