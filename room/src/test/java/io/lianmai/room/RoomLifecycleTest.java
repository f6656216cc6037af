package io.lianmai.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.testkit.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoomRegistryTest {
    private static final RoomKey ROOM = new RoomKey(1400000001L, "r1234");

    private final FakeClock clock = new FakeClock();
    private final RoomRegistry registry = new RoomRegistry(
            new RoomConfig(300, 50, 50, 0, Duration.ofSeconds(20), 1024, 30), clock, new Random(1));

    private Entered enter(String userId, RecordingListener listener) {
        return registry.enter(new EnterRequest(ROOM, Scene.RTC, userId, Role.ANCHOR, Privileges.all(), listener));
    }

    private Entered enterLive(String userId, Role role, RecordingListener listener) {
        return registry.enter(new EnterRequest(ROOM, Scene.LIVE, userId, role, Privileges.all(), listener));
    }

    @Test
    void firstEnterCreatesTheRoomAndOthersSeeUserJoin() {
        RecordingListener alice = new RecordingListener();
        Entered first = enter("alice", alice);
        Entered second = enter("bob", new RecordingListener());

        assertThat(registry.roomCount()).isEqualTo(1);
        assertThat(first.others()).isEmpty();
        assertThat(second.others()).extracting(MemberInfo::userId).containsExactly("alice");
        assertThat(alice.events).containsExactly(new RoomEvent.UserJoin("bob", Role.ANCHOR));
        assertThat(first.member().sessionToken()).hasSize(32).isNotEqualTo(second.member().sessionToken());
    }

    @Test
    void theRoomIsDestroyedWhenTheLastMemberLeaves() {
        RecordingListener alice = new RecordingListener();
        Member a = enter("alice", alice).member();
        Member b = enter("bob", new RecordingListener()).member();

        b.room().leave(b);
        assertThat(alice.events).endsWith(new RoomEvent.UserLeave("bob", LeaveReason.LEAVE));
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
        registry.enter(new EnterRequest(new RoomKey(ROOM.sdkAppId(), "r99"), Scene.RTC, "dan", Role.ANCHOR,
                Privileges.all(), otherRoom));
        RoomKey otherApp = new RoomKey(1400000002L, ROOM.roomKey());
        registry.enter(new EnterRequest(otherApp, Scene.RTC, "carol", Role.ANCHOR, Privileges.all(), other));

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

        assertThat(registry.removeAll(-1, LeaveReason.SERVER_SHUTDOWN)).isEqualTo(1);
        assertThat(other.removed).containsExactly(LeaveReason.SERVER_SHUTDOWN);
        assertThat(registry.roomCount()).isZero();
    }

    @Test
    void aMediaSessionThatEndsOnItsOwnWithdrawsItsStreamButNotItsMember() {
        RecordingListener alice = new RecordingListener();
        enter("alice", alice);
        Member bob = enter("bob", new RecordingListener()).member();
        bob.room().publish(bob, StreamType.MAIN, "bob-session", true, true);
        Member alicesMember = bob.room().membersLocked().get("alice");
        bob.room().subscribe(alicesMember, "bob_main", "alice-sub");

        registry.onMediaSessionEnded("alice-sub");
        registry.onMediaSessionEnded("bob-session");
        registry.onMediaSessionEnded("unknown");

        assertThat(alice.events).contains(new RoomEvent.StreamRemove("bob", StreamType.MAIN));
        assertThat(bob.publicationSessions()).isEmpty();
        assertThat(alicesMember.subscriptionSessions()).isEmpty();
        assertThat(bob.room().size()).isEqualTo(2);
    }

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
        Member first = registry.find(ROOM).orElseThrow().membersLocked().get("p0");
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
        Member viewer = registry.find(ROOM).orElseThrow().membersLocked().get("v0");
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
                new RoomEvent.StreamRemove("bob", StreamType.MAIN),
                new RoomEvent.UserLeave("bob", LeaveReason.DUPLICATE_LOGIN),
                new RoomEvent.UserJoin("bob", Role.ANCHOR));
        assertThatThrownBy(() -> registry.resume(bob.sessionToken(), new RecordingListener()))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
    }

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
        room.subscribe(host, "viewer_main", "host-sub");
        anchor.events.clear();

        List<String> ended = room.switchRole(viewer, Role.AUDIENCE);

        assertThat(ended).containsExactlyInAnyOrder("v-main", "v-aux");
        assertThat(viewer.publicationSessions()).isEmpty();
        assertThat(host.subscriptionSessions()).isEmpty();
        assertThat(anchor.events).containsExactly(
                new RoomEvent.StreamRemove("viewer", StreamType.MAIN),
                new RoomEvent.StreamRemove("viewer", StreamType.AUX),
                new RoomEvent.UserRole("viewer", Role.AUDIENCE));
        assertThat(viewerListener.events).isEmpty();
    }

    @Test
    void switchRoleIsRefusedInRtc() {
        Member alice = enter("alice", new RecordingListener()).member();
        assertThatThrownBy(() -> alice.room().switchRole(alice, Role.AUDIENCE))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
    }

    @Test
    void privilegesAreExposedAndCreateRoomIsEnforced() {
        Privileges enterOnly = Privileges.of(Privilege.ENTER_ROOM, Privilege.RECV_VIDEO);
        assertThatThrownBy(() -> registry.enter(new EnterRequest(ROOM, Scene.RTC, "guest", Role.ANCHOR, enterOnly,
                new RecordingListener())))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-100006);
                    assertThat(e.getMessage()).contains("create_room");
                });
        assertThat(registry.roomCount()).isZero();

        Member host = enter("host", new RecordingListener()).member();
        host.room().publish(host, StreamType.MAIN, "h", true, true);
        Member guest = registry.enter(new EnterRequest(ROOM, Scene.RTC, "guest", Role.ANCHOR, enterOnly,
                new RecordingListener())).member();

        assertThat(guest.may(Privilege.RECV_VIDEO)).isTrue();
        assertThat(guest.may(Privilege.SEND_AUDIO)).isFalse();
        assertThatThrownBy(() -> guest.room().checkMayPublish(guest, StreamType.MAIN, true, false))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-100006));
        assertThatThrownBy(() -> guest.room().checkMaySubscribe(guest, "host_main", true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> {
                    assertThat(e.code()).isEqualTo(-100006);
                    assertThat(e.getMessage()).contains("recv_audio");
                });
        guest.room().checkMaySubscribe(guest, "host_main", false, true);
    }

    @Test
    void subscribingToAStreamNobodyPublishesIs16400() {
        Member alice = enter("alice", new RecordingListener()).member();
        assertThatThrownBy(() -> alice.room().checkMaySubscribe(alice, "bob_main", true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(16400));
        assertThatThrownBy(() -> alice.room().checkMaySubscribe(alice, "bob_camera", true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-2));
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
                new RoomEvent.StreamAdd("bob", StreamType.MAIN, true, true),
                new RoomEvent.StreamUpdate("bob", StreamType.MAIN, false, true),
                new RoomEvent.StreamRemove("bob", StreamType.MAIN),
                new RoomEvent.StreamAdd("bob", StreamType.MAIN, true, false),
                new RoomEvent.StreamRemove("bob", StreamType.MAIN));
        assertThatThrownBy(() -> room.mute(bob, StreamType.MAIN, true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
    }

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
        assertThat(resumed.others()).extracting(MemberInfo::userId).containsExactly("alice");
        assertThat(oldBob.replaced).isEqualTo(1);
        assertThat(alice.events).isEmpty();
        assertThat(bob.info().main()).contains(new StreamState(true, true));

        bob.room().message(bob, 1, "hello");
        assertThat(alice.events).containsExactly(new RoomEvent.CustomMessage("bob", 1, "hello"));
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
                new RoomEvent.StreamRemove("bob", StreamType.MAIN),
                new RoomEvent.UserLeave("bob", LeaveReason.TIMEOUT));
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
        assertThat(alice.events.get(0)).isEqualTo(new RoomEvent.CustomMessage("bob", 1, "m0"));
    }

    @Test
    void actionsOfAMemberThatLeftAreRefused() {
        Member alice = enter("alice", new RecordingListener()).member();
        enter("bob", new RecordingListener());
        alice.room().leave(alice);

        assertThatThrownBy(() -> alice.room().publish(alice, StreamType.MAIN, "s", true, true))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code()).isEqualTo(-1));
        assertThat(alice.room().unsubscribe(alice, "bob_main")).isEqualTo(Optional.empty());
    }

    @Test
    void roomsOfDifferentAppsAreSeparate() {
        enter("alice", new RecordingListener());
        Entered other = registry.enter(new EnterRequest(new RoomKey(1400000002L, "r1234"), Scene.RTC, "alice",
                Role.ANCHOR, Privileges.all(), new RecordingListener()));

        assertThat(other.others()).isEmpty();
        assertThat(registry.roomCount()).isEqualTo(2);
    }
}
