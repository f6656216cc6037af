package io.lianmai.room;

import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.auth.Privileges;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rooms come and go with their members: created by the first enter, destroyed when the last member is gone, removed app by app, separate per app. */
class RoomLifecycleTest extends RoomRegistryFixture {
    @Test
    void firstEnterCreatesTheRoomAndOthersSeeUserJoin() {
        RecordingListener alice = new RecordingListener();
        Entered first = enter("alice", alice);
        Entered second = enter("bob", new RecordingListener());

        assertThat(registry.roomCount()).isEqualTo(1);
        assertThat(first.others()).isEmpty();
        assertThat(second.others()).extracting(MemberInfo::userId).containsExactly(user("alice"));
        assertThat(alice.events).containsExactly(new RoomEvent.UserJoin(user("bob"), Role.ANCHOR));
        assertThat(first.member().sessionToken()).hasSize(32).isNotEqualTo(second.member().sessionToken());
    }

    @Test
    void theRoomIsDestroyedWhenTheLastMemberLeaves() {
        RecordingListener alice = new RecordingListener();
        Member a = enter("alice", alice).member();
        Member b = enter("bob", new RecordingListener()).member();

        b.room().leave(b);
        assertThat(alice.events).endsWith(new RoomEvent.UserLeave(user("bob"), LeaveReason.LEAVE));
        assertThat(registry.roomCount()).isEqualTo(1);
        a.room().leave(a);

        assertThat(registry.roomCount()).isZero();
        assertThat(registry.find(ROOM)).isEmpty();
        assertThat(alice.removed).containsExactly(LeaveReason.LEAVE);
        // A new enter makes a fresh room.
        assertThat(enter("carol", new RecordingListener()).member().room()).isNotSameAs(a.room());
    }

    @Test
    void removeAllOfAnAppRemovesItsMembersInEveryRoomAndNoOneElse() {
        RecordingListener alice = new RecordingListener();
        RecordingListener bob = new RecordingListener();
        RecordingListener other = new RecordingListener();
        RecordingListener otherRoom = new RecordingListener();
        enter("alice", alice);
        Member b = enter("bob", bob).member();
        b.room().publish(b, StreamType.MAIN, "bob-session", true, true);
        registry.enter(new EnterRequest(new RoomKey(ROOM.sdkAppId(), "r99"), Scene.RTC, user("dan"), Role.ANCHOR,
                Privileges.all(), otherRoom));
        RoomKey otherApp = new RoomKey(new SdkAppId(1400000002L), ROOM.roomKey());
        registry.enter(new EnterRequest(otherApp, Scene.RTC, user("carol"), Role.ANCHOR, Privileges.all(), other));

        int removed = registry.removeAll(ROOM.sdkAppId(), LeaveReason.APP_DISABLED);

        assertThat(removed).isEqualTo(3);
        assertThat(alice.removed).containsExactly(LeaveReason.APP_DISABLED);
        assertThat(bob.removed).containsExactly(LeaveReason.APP_DISABLED);
        assertThat(otherRoom.removed).containsExactly(LeaveReason.APP_DISABLED);
        assertThat(LeaveReason.APP_DISABLED.isKick()).isTrue();
        assertThat(registry.find(ROOM)).isEmpty();
        assertThat(other.removed).isEmpty();
        assertThat(registry.find(otherApp)).isPresent();
        assertThat(registry.roomCount()).isEqualTo(1);

        assertThat(registry.removeEveryone(LeaveReason.SERVER_SHUTDOWN)).isEqualTo(1);
        assertThat(other.removed).containsExactly(LeaveReason.SERVER_SHUTDOWN);
        assertThat(registry.roomCount()).isZero();
    }

    @Test
    void actionsOfAMemberThatLeftAreRefused() {
        Member alice = enter("alice", new RecordingListener()).member();
        enter("bob", new RecordingListener());
        alice.room().leave(alice);

        assertThatThrownBy(() -> alice.room().publish(alice, StreamType.MAIN, "s", true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
        assertThat(alice.room().unsubscribe(alice, stream("bob_main"))).isEqualTo(Optional.empty());
    }

    @Test
    void roomsOfDifferentAppsAreSeparate() {
        enter("alice", new RecordingListener());
        Entered other = registry.enter(new EnterRequest(new RoomKey(new SdkAppId(1400000002L), "r1234"), Scene.RTC,
                user("alice"), Role.ANCHOR, Privileges.all(), new RecordingListener()));

        assertThat(other.others()).isEmpty();
        assertThat(registry.roomCount()).isEqualTo(2);
    }
}
