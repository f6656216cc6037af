package io.lianmai.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Members shown from another node (kind REMOTE) and the rooms they create are not reported on; the rest is. */
class LocalMembersOnlyTest {
    private static final RoomKey ROOM = new RoomKey(new SdkAppId(1400000001L), "r1");
    private static final Instant AT = Instant.parse("2026-12-07T00:00:00Z");
    private static final RoomObserver.Tracks OFF = new RoomObserver.Tracks(false, false);
    private static final RoomObserver.Tracks ON = new RoomObserver.Tracks(true, true);

    private final List<String> told = new ArrayList<>();
    private final RoomObserver observer = LocalMembersOnly.of(new RoomObserver() {
        @Override
        public void onRoomCreated(RoomKey room, UserId creator, Instant at) {
            told.add("created by " + creator.value());
        }

        @Override
        public void onRoomDismissed(RoomKey room, Instant at) {
            told.add("dismissed");
        }

        @Override
        public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
            told.add("entered " + userId.value());
        }

        @Override
        public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
                Instant at) {
            told.add("left " + userId.value());
        }

        @Override
        public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
                Instant at) {
            told.add("tracks " + userId.value());
        }
    });

    @Test
    void anEdgesCopyOfARoomReportsOnlyItsOwnAudience() {
        observer.onRoomCreated(ROOM, UserId.parse("anchor"), AT);
        observer.onMemberEntered(ROOM, UserId.parse("anchor"), Role.ANCHOR, ClientKind.REMOTE, AT);
        observer.onTracksChanged(ROOM, UserId.parse("anchor"), StreamType.MAIN, OFF, ON, AT);
        observer.onMemberEntered(ROOM, UserId.parse("fan"), Role.AUDIENCE, ClientKind.WEBRTC, AT);
        observer.onMemberLeft(ROOM, UserId.parse("anchor"), Role.ANCHOR, ClientKind.REMOTE, LeaveReason.LEAVE, AT);
        observer.onMemberLeft(ROOM, UserId.parse("fan"), Role.AUDIENCE, ClientKind.WEBRTC, LeaveReason.LEAVE, AT);
        observer.onRoomDismissed(ROOM, AT);

        assertThat(told).containsExactly("entered fan", "left fan");
    }

    @Test
    void aRoomItsOwnMemberCreatedIsReportedWhole() {
        observer.onRoomCreated(ROOM, UserId.parse("fan"), AT);
        observer.onMemberEntered(ROOM, UserId.parse("fan"), Role.AUDIENCE, ClientKind.WEBRTC, AT);
        observer.onMemberEntered(ROOM, UserId.parse("anchor"), Role.ANCHOR, ClientKind.REMOTE, AT);
        observer.onTracksChanged(ROOM, UserId.parse("fan"), StreamType.MAIN, OFF, ON, AT);
        observer.onMemberLeft(ROOM, UserId.parse("fan"), Role.AUDIENCE, ClientKind.WEBRTC, LeaveReason.LEAVE, AT);
        observer.onRoomDismissed(ROOM, AT);

        assertThat(told).containsExactly("created by fan", "entered fan", "tracks fan", "left fan", "dismissed");
    }
}
