package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.media.MediaServer;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.LocalRoomRegistry;
import io.lianmai.room.Role;
import io.lianmai.room.RoomConfig;
import io.lianmai.room.RoomKey;
import io.lianmai.testkit.FakeClock;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link DescribeNodeStats}: bitrates from the media plane's byte counters over the time between calls (a call
 * sooner than half a second repeats the last figures), members by kind from {@link RoomMemberKinds}, and only for a
 * credential of every app.
 */
class DescribeNodeStatsTest {
    private final FakeClock clock = new FakeClock();
    private final AtomicReference<MediaServer.Stats> media = new AtomicReference<>(stats(0, 0));
    private final RoomMemberKinds kinds = new RoomMemberKinds();
    private final DescribeNodeStats action = new DescribeNodeStats(new LocalRoomRegistry(RoomConfig.defaults(),
            clock), kinds, media::get, clock);
    private final ApiScope everyApp = new ApiScope(true, Set.of());

    @Test
    void bitratesAreTheCountersOverTheTimeBetweenCalls() {
        assertThat(call().bitrateInBps()).as("nothing to compare the first call with").isZero();
        clock.advance(Duration.ofSeconds(2));
        media.set(stats(250_000, 500_000));
        DescribeNodeStats.Response second = call();
        assertThat(second.bitrateInBps()).isEqualTo(1_000_000);
        assertThat(second.bitrateOutBps()).isEqualTo(2_000_000);

        clock.advance(Duration.ofMillis(100));
        media.set(stats(900_000, 900_000));
        assertThat(call().bitrateInBps()).as("too soon: the last figure").isEqualTo(1_000_000);
        clock.advance(Duration.ofMillis(900));
        assertThat(call().bitrateInBps()).isEqualTo((900_000 - 250_000) * 8);
        assertThat(call().timestampMs()).isEqualTo(clock.millis());
    }

    @Test
    void membersAreCountedByKind() {
        RoomKey room = new RoomKey(new SdkAppId(1400000000L), "r1");
        Instant now = clock.instant();
        kinds.onMemberEntered(room, UserId.parse("a"), Role.ANCHOR, ClientKind.WEBRTC, now);
        kinds.onMemberEntered(room, UserId.parse("b"), Role.ANCHOR, ClientKind.RTMP, now);
        kinds.onMemberEntered(room, UserId.parse("c"), Role.ANCHOR, ClientKind.WHIP, now);
        kinds.onMemberLeft(room, UserId.parse("c"), Role.ANCHOR, ClientKind.WHIP, LeaveReason.LEAVE, now);
        DescribeNodeStats.Response stats = call();
        assertThat(stats.webRtcMembers()).isEqualTo(1);
        assertThat(stats.rtmpMembers()).isEqualTo(1);
        assertThat(stats.whipMembers()).isZero();
        assertThat(kinds.kind(room, UserId.parse("b"))).isEqualTo(ClientKind.RTMP);
        kinds.onRoomDismissed(room, now);
        assertThat(kinds.rooms()).isEmpty();
    }

    @Test
    void aScopedCredentialIsRefused() {
        assertThatThrownBy(() -> action.handle(ApiScope.of(new SdkAppId(1400000000L)), new DescribeNodeStats.Request()))
                .isInstanceOfSatisfying(RestApiException.class, e -> assertThat(e.code())
                        .isEqualTo(RestApiException.AUTH_UNAUTHORIZED_OPERATION));
    }

    private DescribeNodeStats.Response call() {
        return (DescribeNodeStats.Response) action.handle(everyApp, new DescribeNodeStats.Request());
    }

    /** Media plane figures, all zero but the bytes in and out. */
    private static MediaServer.Stats stats(long bytesIn, long bytesOut) {
        Map<String, Long> given = Map.of("bytesIn", bytesIn, "bytesOut", bytesOut);
        RecordComponent[] components = MediaServer.Stats.class.getRecordComponents();
        Object[] values = Arrays.stream(components).map(c -> {
            long value = given.getOrDefault(c.getName(), 0L);
            return c.getType() == int.class ? (Object) (int) value : (Object) value;
        }).toArray();
        try {
            Constructor<MediaServer.Stats> constructor = MediaServer.Stats.class.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
