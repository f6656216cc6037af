package io.lianmai.room;

import io.lianmai.common.StreamType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Switching between anchor and audience: both ways in a live room, never in an rtc room. */
class RoleSwitchTest extends RoomRegistryFixture {
    @Test
    void switchRoleBothWaysInALiveRoom() {
        RecordingListener anchor = new RecordingListener();
        Member host = enterLive("host", Role.ANCHOR, anchor).member();
        RecordingListener viewerListener = new RecordingListener();
        Member viewer = enterLive("viewer", Role.AUDIENCE, viewerListener).member();
        Room room = host.room();

        assertThatThrownBy(() -> room.checkMayPublish(viewer, StreamType.MAIN, true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-1);
                    assertThat(e.getMessage()).contains("switchRole");
                });

        assertThat(room.switchRole(viewer, Role.ANCHOR)).isEmpty();
        assertThat(viewer.role()).isEqualTo(Role.ANCHOR);
        room.publish(viewer, StreamType.MAIN, "v-main", true, true);
        room.publish(viewer, StreamType.AUX, "v-aux", false, true);
        room.subscribe(host, stream("viewer_main"), "host-sub");
        anchor.events.clear();

        List<String> ended = room.switchRole(viewer, Role.AUDIENCE);

        assertThat(ended).containsExactlyInAnyOrder("v-main", "v-aux");
        assertThat(viewer.publicationSessions()).isEmpty();
        assertThat(host.subscriptionSessions()).isEmpty();
        assertThat(anchor.events).containsExactly(
                new RoomEvent.StreamRemove(user("viewer"), StreamType.MAIN),
                new RoomEvent.StreamRemove(user("viewer"), StreamType.AUX),
                new RoomEvent.UserRole(user("viewer"), Role.AUDIENCE));
        assertThat(viewerListener.events).isEmpty();
    }

    @Test
    void switchRoleIsRefusedInRtc() {
        Member alice = enter("alice", new RecordingListener()).member();
        assertThatThrownBy(() -> alice.room().switchRole(alice, Role.AUDIENCE))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
    }
}
