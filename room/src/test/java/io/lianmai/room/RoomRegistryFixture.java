package io.lianmai.room;

import io.lianmai.auth.Privileges;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.UserId;
import io.lianmai.testkit.FakeClock;
import java.time.Duration;
import java.util.Random;

/**
 * What every room test starts from: a registry of rooms on a fake clock with the limits TRTC documents, one room key, and
 * helpers to enter it as an rtc or a live member.
 */
abstract class RoomRegistryFixture {
    static final RoomKey ROOM = new RoomKey(new SdkAppId(1400000001L), "r1234");

    final FakeClock clock = new FakeClock();
    final RoomRegistry registry = new LocalRoomRegistry(
            new RoomConfig(300, 50, 50, 0, Duration.ofSeconds(20), 1024, 30, Duration.ofSeconds(1)), clock, new Random(1));

    Entered enter(String userId, RecordingListener listener) {
        return registry.enter(new EnterRequest(ROOM, Scene.RTC, user(userId), Role.ANCHOR, Privileges.all(), listener));
    }

    Entered enterLive(String userId, Role role, RecordingListener listener) {
        return registry.enter(new EnterRequest(ROOM, Scene.LIVE, user(userId), role, Privileges.all(), listener));
    }

    static UserId user(String userId) {
        return UserId.parse(userId);
    }

    static StreamId stream(String streamId) {
        return StreamId.parse(streamId);
    }
}
