package io.lianmai.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.common.StreamType;
import io.lianmai.common.TrtcErrorCode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server API's room actions: dismissing a room, removing users, and keeping a removed user out for a while. */
class RoomRemovalTest extends RoomRegistryFixture {
    @Test
    void dismissRemovesEveryMemberAndTheRoomMayBeEnteredAgainAtOnce() {
        RecordingListener alice = new RecordingListener();
        RecordingListener bob = new RecordingListener();
        Member publisher = enter("alice", alice).member();
        publisher.room().publish(publisher, StreamType.MAIN, "alice-session", true, true);
        enter("bob", bob);

        assertThat(registry.dismiss(ROOM, LeaveReason.ROOM_DISMISSED)).hasValue(2);

        assertThat(alice.removed).containsExactly(LeaveReason.ROOM_DISMISSED);
        assertThat(bob.removed).containsExactly(LeaveReason.ROOM_DISMISSED);
        assertThat(publisher.publicationSessions()).containsEntry(StreamType.MAIN, "alice-session");
        assertThat(registry.find(ROOM)).isEmpty();
        assertThat(registry.dismiss(ROOM, LeaveReason.ROOM_DISMISSED)).isEmpty();
        assertThat(enter("alice", new RecordingListener()).member().isPresent()).isTrue();
    }

    @Test
    void removeKicksTheListedUsersAndRefusesThemThatRoomUntilTheBlockEnds() {
        RecordingListener alice = new RecordingListener();
        RecordingListener bob = new RecordingListener();
        enter("alice", alice);
        enter("bob", bob);

        assertThat(registry.remove(ROOM, List.of(user("alice"), user("carol")), LeaveReason.REMOVED,
                clock.instant().plusSeconds(60))).hasValue(List.of(user("alice")));

        assertThat(alice.removed).containsExactly(LeaveReason.REMOVED);
        assertThat(bob.events).contains(new RoomEvent.UserLeave(user("alice"), LeaveReason.REMOVED));
        for (String refused : new String[] {"alice", "carol"}) {
            assertThatThrownBy(() -> enter(refused, new RecordingListener()))
                    .isInstanceOfSatisfying(RoomException.class, e -> {
                        assertThat(e.code()).isEqualTo(TrtcErrorCode.ROOM_ENTER_FAILED);
                        assertThat(e.getMessage()).contains("removed from room");
                    });
        }
        // Another room of the same app is not refused.
        RoomKey other = new RoomKey(ROOM.sdkAppId(), "r1235");
        registry.enter(new EnterRequest(other, Scene.RTC, user("alice"), Role.ANCHOR,
                io.lianmai.auth.Privileges.all(), new RecordingListener()));

        clock.advance(Duration.ofSeconds(59));
        registry.tick(clock.instant());
        assertThatThrownBy(() -> enter("alice", new RecordingListener())).isInstanceOf(RoomException.class);
        clock.advance(Duration.ofSeconds(1));
        registry.tick(clock.instant());
        assertThat(enter("alice", new RecordingListener()).member().isPresent()).isTrue();
    }

    @Test
    void removeFromARoomThatDoesNotExistRefusesNobody() {
        assertThat(registry.remove(ROOM, List.of(user("alice")), LeaveReason.REMOVED,
                clock.instant().plusSeconds(60))).isEmpty();

        assertThat(enter("alice", new RecordingListener()).member().isPresent()).isTrue();
    }

    @Test
    void aZeroBlockRemovesWithoutRefusing() {
        enter("alice", new RecordingListener());
        enter("bob", new RecordingListener());

        registry.remove(ROOM, List.of(user("alice")), LeaveReason.REMOVED, clock.instant());

        assertThat(enter("alice", new RecordingListener()).member().isPresent()).isTrue();
    }
}
