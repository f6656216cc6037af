package io.lianmai.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A member's uplink quality report reaches the other members, at most one a second. */
class NetQualityReportTest extends RoomRegistryFixture {
    @Test
    void reportsAreRelayedToTheOthersAndLimitedToOneASecond() {
        RecordingListener alice = new RecordingListener();
        enter("alice", alice);
        RecordingListener bobHears = new RecordingListener();
        Member bob = enter("bob", bobHears).member();
        Room room = bob.room();
        alice.events.clear();

        room.reportUplinkQuality(bob, 2);
        assertThatThrownBy(() -> room.reportUplinkQuality(bob, 3))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-2);
                    assertThat(e.getMessage()).contains("1 per second");
                });
        clock.advance(Duration.ofSeconds(1));
        room.reportUplinkQuality(bob, Room.QUALITY_DOWN);

        assertThat(alice.events).containsExactly(new RoomEvent.NetQuality(user("bob"), 2),
                new RoomEvent.NetQuality(user("bob"), Room.QUALITY_DOWN));
        assertThat(bobHears.events).as("no echo to the reporter").isEmpty();
    }
}
