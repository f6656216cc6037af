package io.lianmai.room;

import io.lianmai.common.StreamType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Resuming a member on a new connection with its session token, and the grace period after which it is removed. */
class ResumeTest extends RoomRegistryFixture {
    @Test
    void resumeWithinGraceKeepsMembershipAndTellsOthersNothing() {
        RecordingListener alice = new RecordingListener();
        enter("alice", alice);
        RecordingListener oldBob = new RecordingListener();
        Member bob = enter("bob", oldBob).member();
        bob.room().publish(bob, StreamType.MAIN, "bob-main", true, true);
        alice.events.clear();

        bob.room().disconnect(bob, oldBob);
        clock.advance(Duration.ofSeconds(19));
        registry.tick(clock.instant());
        RecordingListener newBob = new RecordingListener();
        Entered resumed = registry.resume(bob.sessionToken(), newBob);
        clock.advance(Duration.ofSeconds(60));
        registry.tick(clock.instant());

        assertThat(resumed.member()).isSameAs(bob);
        assertThat(bob.isPresent()).isTrue();
        assertThat(bob.disconnectedSince()).isEmpty();
        assertThat(resumed.others()).extracting(MemberInfo::userId).containsExactly(user("alice"));
        assertThat(oldBob.replaced).isEqualTo(1);
        assertThat(alice.events).isEmpty();
        assertThat(bob.info().main()).contains(new StreamState(true, true));

        bob.room().message(bob, 1, "hello");
        assertThat(alice.events).containsExactly(new RoomEvent.CustomMessage(user("bob"), 1, "hello"));
    }

    @Test
    void resumeRotatesTheTokenAndTheOldOneStopsWorking() {
        RecordingListener oldBob = new RecordingListener();
        Member bob = enter("bob", oldBob).member();
        String first = bob.sessionToken();
        bob.room().disconnect(bob, oldBob);

        Entered resumed = registry.resume(first, new RecordingListener());

        assertThat(resumed.member().sessionToken()).hasSize(32).isNotEqualTo(first);
        assertThatThrownBy(() -> registry.resume(first, new RecordingListener()))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
        assertThat(registry.resume(resumed.member().sessionToken(), new RecordingListener()).member()).isSameAs(bob);
    }

    @Test
    void resumeIsRefusedWhileTheMembersConnectionIsAliveAndTakesOverOnceItIsNot() {
        RecordingListener oldBob = new RecordingListener();
        oldBob.alive = true;
        Member bob = enter("bob", oldBob).member();
        String token = bob.sessionToken();

        assertThatThrownBy(() -> registry.resume(token, new RecordingListener()))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1202));
        assertThat(oldBob.replaced).isZero();
        assertThat(bob.sessionToken()).isEqualTo(token);

        oldBob.alive = false; // its client stopped heartbeating, though the server has not closed the socket yet
        registry.resume(token, new RecordingListener());
        assertThat(oldBob.replaced).isEqualTo(1);
    }

    @Test
    void afterTheGracePeriodTheMemberIsRemovedWithTimeoutAndCannotResume() {
        RecordingListener alice = new RecordingListener();
        enter("alice", alice);
        RecordingListener bobListener = new RecordingListener();
        Member bob = enter("bob", bobListener).member();
        bob.room().publish(bob, StreamType.MAIN, "bob-main", true, true);
        alice.events.clear();

        bob.room().disconnect(bob, bobListener);
        clock.advance(Duration.ofSeconds(20));
        registry.tick(clock.instant());

        assertThat(bob.isPresent()).isFalse();
        assertThat(bobListener.removed).containsExactly(LeaveReason.TIMEOUT);
        assertThat(bob.publicationSessions()).containsEntry(StreamType.MAIN, "bob-main");
        assertThat(alice.events).containsExactly(
                new RoomEvent.StreamRemove(user("bob"), StreamType.MAIN),
                new RoomEvent.UserLeave(user("bob"), LeaveReason.TIMEOUT));
        assertThatThrownBy(() -> registry.resume(bob.sessionToken(), new RecordingListener()))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
    }

    @Test
    void aRoomWhoseLastMemberTimesOutIsDestroyed() {
        RecordingListener listener = new RecordingListener();
        Member alone = enter("alone", listener).member();
        alone.room().disconnect(alone, new RecordingListener()); // a stale connection: ignored
        clock.advance(Duration.ofSeconds(21));
        registry.tick(clock.instant());
        assertThat(registry.roomCount()).isEqualTo(1);
        alone.room().disconnect(alone, listener);
        clock.advance(Duration.ofSeconds(21));
        registry.tick(clock.instant());

        assertThat(registry.roomCount()).isZero();
    }
}
