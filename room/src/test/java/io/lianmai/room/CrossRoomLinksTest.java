package io.lianmai.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.Privileges;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cross-room PK in room state: the other room's anchor shown as a mirror member with the usual events, its streams
 * following the anchor's, its subscriptions played from the anchor's room, and the link ending whichever way either
 * side goes; every refusal with TRTC's code.
 */
class CrossRoomLinksTest extends RoomRegistryFixture {
    private static final RoomKey A = new RoomKey(ROOM.sdkAppId(), "r100");
    private static final RoomKey B = new RoomKey(ROOM.sdkAppId(), "r200");
    private static final RoomKey OTHER_APP = new RoomKey(new SdkAppId(1400000002L), "r200");

    /** The serial executor, run by hand: what the server's single thread would do, in order. */
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final List<String> endedSessions = new ArrayList<>();
    private final List<String> endedStreams = new ArrayList<>();
    private CrossRoomLinks links;

    private final RecordingListener alice = new RecordingListener();
    private final RecordingListener bob = new RecordingListener();
    private final RecordingListener fanA = new RecordingListener();
    private final RecordingListener fanB = new RecordingListener();
    private Member aliceMember;
    private Member bobMember;
    private Member fanAMember;
    private Member fanBMember;

    @BeforeEach
    void twoLiveRooms() {
        links = new CrossRoomLinks(registry, queue::add, clock, (room, stream, sessions) -> {
            endedStreams.add(room.roomKey() + "/" + stream);
            endedSessions.addAll(sessions);
        });
        registry.addObserver(links);
        aliceMember = enterIn(A, "alice", Role.ANCHOR, alice);
        fanAMember = enterIn(A, "fanA", Role.AUDIENCE, fanA);
        bobMember = enterIn(B, "bob", Role.ANCHOR, bob);
        fanBMember = enterIn(B, "fanB", Role.AUDIENCE, fanB);
        aliceMember.room().publish(aliceMember, StreamType.MAIN, "alice-1", true, true);
        bobMember.room().publish(bobMember, StreamType.MAIN, "bob-1", true, false);
        clearEvents();
    }

    @Test
    void eachRoomShowsTheOtherAnchorWithItsStreamsPlayedFromItsRoom() {
        connect(aliceMember, B, "bob");

        assertThat(fanA.events).containsExactly(new RoomEvent.UserJoin(user("bob"), Role.ANCHOR),
                new RoomEvent.StreamAdd(user("bob"), StreamType.MAIN, true, false));
        assertThat(alice.events).containsExactly(new RoomEvent.UserJoin(user("bob"), Role.ANCHOR),
                new RoomEvent.StreamAdd(user("bob"), StreamType.MAIN, true, false));
        assertThat(fanB.events).containsExactly(new RoomEvent.UserJoin(user("alice"), Role.ANCHOR),
                new RoomEvent.StreamAdd(user("alice"), StreamType.MAIN, true, true));
        Room roomA = aliceMember.room();
        Member mirror = roomA.member(user("bob")).orElseThrow();
        assertThat(mirror.isMirror()).isTrue();
        assertThat(mirror.otherRoom()).contains(B);
        assertThat(mirror.role()).isEqualTo(Role.ANCHOR);
        assertThat(roomA.streamSource(stream("bob_main"))).isEqualTo(B);
        assertThat(roomA.streamSource(stream("alice_main"))).isEqualTo(A);
        assertThat(roomA.streamSource(stream("nobody_main"))).isEqualTo(A);
        // Someone entering later sees the mirror with its streams, like any member.
        Entered late = enterIn(A, "late", Role.AUDIENCE, new RecordingListener()).room().member(user("late"))
                .map(m -> new Entered(m, m.room().members())).orElseThrow();
        assertThat(late.others()).anySatisfy(info -> {
            assertThat(info.userId()).isEqualTo(user("bob"));
            assertThat(info.main()).contains(new StreamState(true, false));
        });
        assertThat(links.linkOf(A, user("alice"))).isEqualTo(links.linkOf(B, user("bob"))).isPresent();
        assertThat(links.size()).isEqualTo(1);
    }

    @Test
    void observersAreToldOfMirrorsOnlyAsMirrorChanges() {
        List<String> seen = new ArrayList<>();
        registry.addObserver(new RoomObserver() {
            @Override
            public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind,
                    Instant at) {
                seen.add("entered " + room.roomKey() + "/" + userId);
            }

            @Override
            public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind,
                    LeaveReason reason, Instant at) {
                seen.add("left " + room.roomKey() + "/" + userId);
            }

            @Override
            public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before,
                    Tracks after, Instant at) {
                seen.add("tracks " + room.roomKey() + "/" + userId);
            }

            @Override
            public void onMirrorChanged(RoomKey room, UserId userId, Instant at) {
                seen.add("mirror " + room.roomKey() + "/" + userId);
            }
        });
        connect(aliceMember, B, "bob");
        assertThat(seen).as("each mirror comes, then shows its anchor's stream").containsExactlyInAnyOrder(
                "mirror r100/bob", "mirror r100/bob", "mirror r200/alice", "mirror r200/alice");
        seen.clear();
        aliceMember.room().mute(aliceMember, StreamType.MAIN, false, null);
        drain();
        join(links.disconnect(aliceMember));
        // alice's own mute in her own room as a member's; in room B only as her mirror's change, then both go. The
        // mirrors are no sessions of the rooms that show them (no callbacks, no history).
        assertThat(seen).containsExactly("tracks r100/alice", "mirror r200/alice", "mirror r100/bob",
                "mirror r200/alice");
    }

    @Test
    void theMirrorFollowsItsAnchorsMuteRepublishAndUnpublish() {
        connect(aliceMember, B, "bob");
        Room roomB = bobMember.room();
        roomB.subscribe(fanBMember, stream("alice_main"), "fanB-sub-1");
        clearEvents();

        aliceMember.room().mute(aliceMember, StreamType.MAIN, false, null);
        drain();
        assertThat(fanB.events).containsExactly(new RoomEvent.StreamUpdate(user("alice"), StreamType.MAIN, false,
                true));

        // A republish is a new media session: the mirror's stream goes and comes, its subscribers are ended.
        aliceMember.room().publish(aliceMember, StreamType.MAIN, "alice-2", true, true);
        drain();
        assertThat(fanB.events.subList(1, fanB.events.size())).containsExactly(
                new RoomEvent.StreamRemove(user("alice"), StreamType.MAIN),
                new RoomEvent.StreamAdd(user("alice"), StreamType.MAIN, true, true));
        assertThat(endedSessions).containsExactly("fanB-sub-1");
        assertThat(endedStreams).containsExactly("r200/alice_main");
        assertThat(fanBMember.subscriptionSessions()).isEmpty();

        aliceMember.room().unpublish(aliceMember, StreamType.MAIN);
        drain();
        assertThat(fanB.events).last().isEqualTo(new RoomEvent.StreamRemove(user("alice"), StreamType.MAIN));
        assertThat(roomB.member(user("alice"))).isPresent();
    }

    @Test
    void eachAnchorsUplinkQualityReachesTheOtherRoom() {
        connect(aliceMember, B, "bob");
        clearEvents();
        aliceMember.room().reportUplinkQuality(aliceMember, 3);
        fanAMember.room().reportUplinkQuality(fanAMember, 5);
        drain();
        assertThat(fanB.events).containsExactly(new RoomEvent.NetQuality(user("alice"), 3));
        assertThat(bob.events).containsExactly(new RoomEvent.NetQuality(user("alice"), 3));
        assertThat(fanA.events).containsExactly(new RoomEvent.NetQuality(user("alice"), 3));
    }

    @Test
    void disconnectTakesBothMirrorsOutAndEndsTheirSubscriptions() {
        connect(aliceMember, B, "bob");
        bobMember.room().subscribe(fanBMember, stream("alice_main"), "fanB-sub");
        aliceMember.room().subscribe(fanAMember, stream("bob_main"), "fanA-sub");
        clearEvents();

        assertRefused(links.disconnect(bobMember), -102043);
        join(links.disconnect(aliceMember));

        assertThat(fanB.events).containsExactly(new RoomEvent.StreamRemove(user("alice"), StreamType.MAIN),
                new RoomEvent.UserLeave(user("alice"), LeaveReason.LEAVE));
        assertThat(alice.events).containsExactly(new RoomEvent.StreamRemove(user("bob"), StreamType.MAIN),
                new RoomEvent.UserLeave(user("bob"), LeaveReason.LEAVE));
        assertThat(endedSessions).containsExactlyInAnyOrder("fanB-sub", "fanA-sub");
        assertThat(aliceMember.room().member(user("bob"))).isEmpty();
        assertThat(links.size()).isZero();
        assertRefused(links.disconnect(aliceMember), -102042);
        // The anchors' own streams are untouched.
        assertThat(aliceMember.publicationSessions()).containsValue("alice-1");
    }

    @Test
    void eitherAnchorLeavingOrBecomingAudienceEndsThePk() {
        connect(aliceMember, B, "bob");
        bobMember.room().leave(bobMember);
        drain();
        assertThat(aliceMember.room().member(user("bob"))).isEmpty();
        assertThat(fanA.events).last().isEqualTo(new RoomEvent.UserLeave(user("bob"), LeaveReason.LEAVE));
        assertThat(links.size()).isZero();

        Member carol = enterIn(B, "carol", Role.ANCHOR, new RecordingListener());
        clock.advance(Duration.ofSeconds(2));
        connect(aliceMember, B, "carol");
        aliceMember.room().switchRole(aliceMember, Role.AUDIENCE);
        drain();
        assertThat(carol.room().member(user("alice"))).isEmpty();
        assertThat(aliceMember.room().member(user("carol"))).isEmpty();
    }

    @Test
    void aKickedMirrorADismissedRoomOrTheSameUserIdEnteringEndThePk() {
        connect(aliceMember, B, "bob");
        registry.remove(B, List.of(user("alice")), LeaveReason.REMOVED, clock.instant().plusSeconds(60));
        drain();
        assertThat(aliceMember.room().member(user("bob"))).as("the other mirror").isEmpty();
        assertThat(links.size()).isZero();
        assertThat(aliceMember.isPresent()).as("alice herself stays in her room").isTrue();
        // Removed from room B: not shown there again by a PK until the refusal ends.
        clock.advance(Duration.ofSeconds(2));
        assertRefused(links.connect(aliceMember, B, user("bob")), -102044);
        clock.advance(Duration.ofSeconds(60));

        clock.advance(Duration.ofSeconds(2));
        connect(aliceMember, B, "bob");
        OptionalInt removed = registry.dismiss(B, LeaveReason.ROOM_DISMISSED);
        assertThat(removed).hasValue(3);
        drain();
        assertThat(aliceMember.room().member(user("bob"))).isEmpty();
        assertThat(links.size()).isZero();

        bobMember = enterIn(B, "bob", Role.ANCHOR, bob);
        clock.advance(Duration.ofSeconds(2));
        connect(aliceMember, B, "bob");
        enterIn(A, "bob", Role.AUDIENCE, new RecordingListener());
        drain();
        assertThat(bobMember.room().member(user("alice"))).isEmpty();
        assertThat(aliceMember.room().member(user("bob")).orElseThrow().isMirror()).isFalse();
    }

    @Test
    void refusalsCarryTrtcsCodes() {
        assertRefused(links.connect(fanAMember, B, user("bob")), -3330);
        assertRefused(links.connect(aliceMember, B, user("fanB")), -102048);
        assertRefused(links.connect(aliceMember, B, user("nobody")), -102048);
        assertRefused(links.connect(aliceMember, new RoomKey(ROOM.sdkAppId(), "r999"), user("bob")), -102046);
        // Another app's room of the same number is another room: it does not exist in this app.
        registry.enter(new EnterRequest(OTHER_APP, Scene.LIVE, user("bob"), Role.ANCHOR, Privileges.all(),
                new RecordingListener()));
        assertRefused(links.connect(aliceMember, new RoomKey(ROOM.sdkAppId(), "r300"), user("bob")), -102046);
        assertRefused(links.connect(aliceMember, A, user("fanA")), -102044);
        Member rtc = registry.enter(new EnterRequest(new RoomKey(ROOM.sdkAppId(), "r400"), Scene.RTC, user("dave"),
                Role.ANCHOR, Privileges.all(), new RecordingListener())).member();
        assertRefused(links.connect(rtc, B, user("bob")), -102031);
        assertRefused(links.connect(aliceMember, rtc.room().key(), user("dave")), -102031);
        // A userID clash: room B already has an "alice".
        enterIn(B, "alice", Role.AUDIENCE, new RecordingListener());
        assertRefused(links.connect(aliceMember, B, user("bob")), -102044);
        assertThat(links.size()).isZero();
        assertThat(aliceMember.room().member(user("bob"))).isEmpty();
        assertThat(fanA.events).isEmpty();
    }

    @Test
    void oneLinkPerAnchorAndOnePerSecond() {
        Member carol = enterIn(B, "carol", Role.ANCHOR, new RecordingListener());
        Member erin = enterIn(new RoomKey(ROOM.sdkAppId(), "r300"), "erin", Role.ANCHOR, new RecordingListener());
        connect(aliceMember, B, "bob");
        assertRefused(links.connect(aliceMember, B, user("carol")), -102032);
        assertRefused(links.connect(erin, B, user("bob")), -102047);
        assertRefused(links.connect(carol, A, user("alice")), -102047);
        join(links.disconnect(aliceMember));
        assertRefused(links.connect(aliceMember, B, user("bob")), -102032);
        clock.advance(RoomConfig.defaults().pkMinConnectInterval());
        connect(aliceMember, B, "bob");
    }

    // ---- helpers ----

    private Member enterIn(RoomKey room, String userId, Role role, RecordingListener listener) {
        return registry.enter(new EnterRequest(room, Scene.LIVE, user(userId), role, Privileges.all(), listener))
                .member();
    }

    private void connect(Member initiator, RoomKey room, String userId) {
        join(links.connect(initiator, room, user(userId)));
    }

    private void join(CompletionStage<Void> stage) {
        drain();
        stage.toCompletableFuture().join();
    }

    private void assertRefused(CompletionStage<Void> stage, int code) {
        drain();
        assertThat(stage.toCompletableFuture()).failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.code())
                        .as(e.getMessage()).isEqualTo(code));
    }

    private void drain() {
        for (int i = 0; i < 1000 && !queue.isEmpty(); i++) {
            queue.poll().run();
        }
        assertThat(queue).as("the serial queue settles").isEmpty();
    }

    private void clearEvents() {
        drain();
        List.of(alice, bob, fanA, fanB).forEach(listener -> listener.events.clear());
    }
}
