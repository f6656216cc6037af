package io.lianmai.room;

import io.lianmai.common.StreamType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Streams in a room: publish, mute, unpublish and subscribe, and what others are told of them. */
class RoomStreamsTest extends RoomRegistryFixture {
    @Test
    void subscribingToAStreamNobodyPublishesIs16400() {
        Member alice = enter("alice", new RecordingListener()).member();
        assertThatThrownBy(() -> alice.room().checkMaySubscribe(alice, stream("bob_main"), true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(16400));
    }

    @Test
    void publishMuteUnpublishAreTold() {
        RecordingListener alice = new RecordingListener();
        enter("alice", alice);
        Member bob = enter("bob", new RecordingListener()).member();
        Room room = bob.room();
        alice.events.clear();

        assertThat(room.publish(bob, StreamType.MAIN, "one", true, true)).isEmpty();
        room.mute(bob, StreamType.MAIN, false, null);
        room.mute(bob, StreamType.MAIN, false, null); // no change, no event
        assertThat(room.publish(bob, StreamType.MAIN, "two", true, false)).contains("one");
        assertThat(room.unpublish(bob, StreamType.MAIN)).contains("two");
        assertThat(room.unpublish(bob, StreamType.MAIN)).isEmpty();

        assertThat(alice.events).containsExactly(
                new RoomEvent.StreamAdd(user("bob"), StreamType.MAIN, true, true),
                new RoomEvent.StreamUpdate(user("bob"), StreamType.MAIN, false, true),
                new RoomEvent.StreamRemove(user("bob"), StreamType.MAIN),
                new RoomEvent.StreamAdd(user("bob"), StreamType.MAIN, true, false),
                new RoomEvent.StreamRemove(user("bob"), StreamType.MAIN));
        assertThatThrownBy(() -> room.mute(bob, StreamType.MAIN, true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
    }

    @Test
    void aMediaSessionThatEndsOnItsOwnWithdrawsItsStreamButNotItsMember() {
        RecordingListener alice = new RecordingListener();
        enter("alice", alice);
        Member bob = enter("bob", new RecordingListener()).member();
        bob.room().publish(bob, StreamType.MAIN, "bob-session", true, true);
        Member alicesMember = bob.room().membersLocked().get(user("alice"));
        bob.room().subscribe(alicesMember, stream("bob_main"), "alice-sub");

        registry.onMediaSessionEnded("alice-sub");
        registry.onMediaSessionEnded("bob-session");
        registry.onMediaSessionEnded("unknown");

        assertThat(alice.events).contains(new RoomEvent.StreamRemove(user("bob"), StreamType.MAIN));
        assertThat(bob.publicationSessions()).isEmpty();
        assertThat(alicesMember.subscriptionSessions()).isEmpty();
        assertThat(bob.room().size()).isEqualTo(2);
    }
}
