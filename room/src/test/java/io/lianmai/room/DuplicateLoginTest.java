package io.lianmai.room;

import io.lianmai.common.StreamType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The same userID entering again replaces the older session (reason duplicate-login). */
class DuplicateLoginTest extends RoomRegistryFixture {
    @Test
    void aDuplicateLoginKicksTheOlderSession() {
        RecordingListener alice = new RecordingListener();
        RecordingListener oldBob = new RecordingListener();
        enter("alice", alice);
        Member bob = enter("bob", oldBob).member();
        bob.room().publish(bob, StreamType.MAIN, "bob-session", true, true);
        alice.events.clear();

        RecordingListener newBob = new RecordingListener();
        Entered again = enter("bob", newBob);

        assertThat(oldBob.removed).containsExactly(LeaveReason.DUPLICATE_LOGIN);
        assertThat(bob.isPresent()).isFalse();
        assertThat(bob.publicationSessions()).containsEntry(StreamType.MAIN, "bob-session");
        assertThat(again.member().isPresent()).isTrue();
        assertThat(again.member().sessionToken()).isNotEqualTo(bob.sessionToken());
        assertThat(alice.events).containsExactly(
                new RoomEvent.StreamRemove(user("bob"), StreamType.MAIN),
                new RoomEvent.UserLeave(user("bob"), LeaveReason.DUPLICATE_LOGIN),
                new RoomEvent.UserJoin(user("bob"), Role.ANCHOR));
        assertThatThrownBy(() -> registry.resume(bob.sessionToken(), new RecordingListener()))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
    }
}
