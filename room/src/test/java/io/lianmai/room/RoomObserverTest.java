package io.lianmai.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a registry's observers hear: the changes event callbacks report, in the order the room made them. */
class RoomObserverTest extends RoomRegistryFixture {
    private final List<String> seen = new ArrayList<>();

    @BeforeEach
    void observe() {
        registry.addObserver(new RoomObserver() {
            @Override
            public void onRoomCreated(RoomKey room, UserId creator, Instant at) {
                seen.add("created " + room.roomKey() + " by " + creator);
            }

            @Override
            public void onRoomDismissed(RoomKey room, Instant at) {
                seen.add("dismissed " + room.roomKey());
            }

            @Override
            public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
                seen.add("entered " + userId + " " + role.wireName() + " " + kind);
            }

            @Override
            public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
                    Instant at) {
                seen.add("left " + userId + " " + role.wireName() + " " + reason.wireName());
            }

            @Override
            public void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
                seen.add("role " + userId + " " + role.wireName());
            }

            @Override
            public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
                    Instant at) {
                seen.add("tracks " + userId + " " + type.wireName() + " " + before.audio() + "/" + before.video()
                        + " -> " + after.audio() + "/" + after.video());
            }

            @Override
            public void onPublishingChanged(RoomKey room, UserId userId, ClientKind kind, boolean publishing,
                    Instant at) {
                seen.add((publishing ? "publishing " : "not publishing ") + userId + " " + kind);
            }
        });
    }

    @Test
    void aRoomsLifeIsToldInOrder() {
        Member alice = enter("alice", new RecordingListener()).member();
        Member bob = enter("bob", new RecordingListener()).member();
        alice.room().publish(alice, StreamType.MAIN, "s1", true, true);
        alice.room().mute(alice, StreamType.MAIN, null, false);
        alice.room().publish(alice, StreamType.AUX, "s2", false, true);
        alice.room().unpublish(alice, StreamType.AUX);
        // Published again (a new media session): alice never stops publishing.
        alice.room().publish(alice, StreamType.MAIN, "s3", false, false);
        bob.room().publish(bob, StreamType.MAIN, "s4", true, true);
        bob.room().unpublish(bob, StreamType.MAIN);
        bob.room().leave(bob);
        // Leaving stands for stopping what it published: no track or publishing events with it.
        alice.room().leave(alice);

        assertThat(seen).containsExactly(
                "created r1234 by alice",
                "entered alice anchor WEBRTC",
                "entered bob anchor WEBRTC",
                "tracks alice main false/false -> true/true",
                "publishing alice WEBRTC",
                "tracks alice main true/true -> true/false",
                "tracks alice aux false/false -> false/true",
                "tracks alice aux false/true -> false/false",
                "tracks alice main true/false -> false/false",
                "tracks bob main false/false -> true/true",
                "publishing bob WEBRTC",
                "tracks bob main true/true -> false/false",
                "not publishing bob WEBRTC",
                "left bob anchor leave",
                "left alice anchor leave",
                "dismissed r1234");
    }

    @Test
    void switchingToAudienceStopsWhatWasPublishedThenSwitches() {
        Member anchor = enterLive("anchor", Role.ANCHOR, new RecordingListener()).member();
        anchor.room().publish(anchor, StreamType.MAIN, "s1", true, false);
        anchor.room().switchRole(anchor, Role.AUDIENCE);
        anchor.room().switchRole(anchor, Role.ANCHOR);

        assertThat(seen).containsExactly(
                "created r1234 by anchor",
                "entered anchor anchor WEBRTC",
                "tracks anchor main false/false -> true/false",
                "publishing anchor WEBRTC",
                "tracks anchor main true/false -> false/false",
                "not publishing anchor WEBRTC",
                "role anchor audience",
                "role anchor anchor");
    }

    @Test
    void aDuplicateLoginOfTheOnlyMemberKeepsTheRoom() {
        enter("alice", new RecordingListener());
        enter("alice", new RecordingListener());

        assertThat(seen).containsExactly(
                "created r1234 by alice",
                "entered alice anchor WEBRTC",
                "left alice anchor duplicate-login",
                "entered alice anchor WEBRTC");
    }

    @Test
    void aRefusedFirstEntryNeitherCreatesNorDismisses() {
        RecordingListener listener = new RecordingListener();
        try {
            registry.enter(new EnterRequest(ROOM, Scene.RTC, user("alice"), Role.ANCHOR,
                    io.lianmai.auth.Privileges.none(), listener));
        } catch (RoomException expected) {
            // no create_room privilege
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void removingEveryoneDismissesTheRoom() {
        enter("alice", new RecordingListener());
        registry.removeEveryone(LeaveReason.SERVER_SHUTDOWN);

        assertThat(seen).containsExactly(
                "created r1234 by alice",
                "entered alice anchor WEBRTC",
                "left alice anchor server-shutdown",
                "dismissed r1234");
    }
}
