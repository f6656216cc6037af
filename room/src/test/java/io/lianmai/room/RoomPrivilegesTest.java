package io.lianmai.room;

import io.lianmai.common.StreamType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import org.junit.jupiter.api.Test;

/** A member's privileges (from its privateMapKey) as the room exposes and enforces them. */
class RoomPrivilegesTest extends RoomRegistryFixture {
    @Test
    void privilegesAreExposedAndCreateRoomIsEnforced() {
        Privileges enterOnly = Privileges.of(Privilege.ENTER_ROOM, Privilege.RECV_VIDEO);
        assertThatThrownBy(() -> registry.enter(new EnterRequest(ROOM, Scene.RTC, user("guest"), Role.ANCHOR, enterOnly,
                new RecordingListener())))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-100006);
                    assertThat(e.getMessage()).contains("create_room");
                });
        assertThat(registry.roomCount()).isZero();

        Member host = enter("host", new RecordingListener()).member();
        host.room().publish(host, StreamType.MAIN, "h", true, true);
        Member guest = registry.enter(new EnterRequest(ROOM, Scene.RTC, user("guest"), Role.ANCHOR, enterOnly,
                new RecordingListener())).member();

        assertThat(guest.may(Privilege.RECV_VIDEO)).isTrue();
        assertThat(guest.may(Privilege.SEND_AUDIO)).isFalse();
        assertThatThrownBy(() -> guest.room().checkMayPublish(guest, StreamType.MAIN, true, false))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-100006));
        assertThatThrownBy(() -> guest.room().checkMaySubscribe(guest, stream("host_main"), true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-100006);
                    assertThat(e.getMessage()).contains("recv_audio");
                });
        guest.room().checkMaySubscribe(guest, stream("host_main"), false, true);
    }
}
