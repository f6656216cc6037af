package io.lianmai.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Custom messages between members: their rate and size limits. */
class CustomMessageTest extends RoomRegistryFixture {
    @Test
    void messagesAreLimitedTo30PerSecondAnd1KiB() {
        RecordingListener alice = new RecordingListener();
        enter("alice", alice);
        Member bob = enter("bob", new RecordingListener()).member();
        Room room = bob.room();
        alice.events.clear();

        for (int i = 0; i < 30; i++) {
            room.message(bob, 1, "m" + i);
        }
        assertThatThrownBy(() -> room.message(bob, 1, "too fast"))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-2);
                    assertThat(e.getMessage()).contains("30 per second");
                });
        clock.advance(Duration.ofMillis(100)); // refills 3 tokens
        for (int i = 0; i < 3; i++) {
            room.message(bob, 2, "again" + i);
        }
        assertThatThrownBy(() -> room.message(bob, 2, "over")).isInstanceOf(RoomException.class);
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> room.message(bob, 3, "x".repeat(1025)))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.getMessage()).contains("1025"));
        room.message(bob, 3, "x".repeat(1024));

        assertThat(alice.events).hasSize(34);
        assertThat(alice.events.get(0)).isEqualTo(new RoomEvent.CustomMessage(user("bob"), 1, "m0"));
    }
}
