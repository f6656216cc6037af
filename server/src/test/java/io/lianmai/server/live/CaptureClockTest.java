package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lianmai.wire.rtcp.NtpTimestamp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A track's capture clock from its sender reports: exact ones, late ones (stamped at send), and RTP wrap-around. */
class CaptureClockTest {
    private static final double START_MILLIS = 1_800_000_000_000.0;

    @Test
    void exactReportsMapBothWays() {
        CaptureClock clock = new CaptureClock(90_000);
        assertThat(clock.known()).isFalse();
        clock.onReport(ntp(START_MILLIS), 1_000_000);
        assertThat(clock.known()).isTrue();
        assertThat(clock.captureMillis(1_000_000 + 90_000)).isCloseTo(START_MILLIS + 1_000, within(0.01));
        assertThat(clock.rtpAt(START_MILLIS - 500)).isEqualTo(1_000_000 - 45_000);
    }

    @Test
    void reportsStampedLateGiveTheLeastDelayedMapping() {
        CaptureClock clock = new CaptureClock(48_000);
        SplittableRandom random = new SplittableRandom(7);
        long rtp = 4_294_000_000L; // wraps past 2^32 within the first seconds
        for (int i = 0; i < 25; i++) {
            double captured = START_MILLIS + i * 1_000.0;
            // Sent (and stamped) 0–250 ms after capture; every fifth one at once, as an idle sender would.
            double late = i % 5 == 0 ? 0 : random.nextDouble(250);
            long sentRtp = (rtp + i * 48_000L) & 0xFFFF_FFFFL;
            clock.onReport(ntp(captured + late), sentRtp);
            assertThat(clock.captureMillis(sentRtp)).as("report %d", i).isCloseTo(captured, within(1.0));
            assertThat(clock.rtpAt(captured + 20)).isEqualTo((sentRtp + 960) & 0xFFFF_FFFFL);
        }
    }

    @Test
    void theWindowLetsAnOldEarlyReportGo() {
        CaptureClock clock = new CaptureClock(90_000);
        clock.onReport(ntp(START_MILLIS - 300), 0); // a report 300 ms early: the sender's clock stepped since
        for (int i = 1; i <= CaptureClock.WINDOW; i++) {
            clock.onReport(ntp(START_MILLIS + i * 1_000.0), i * 90_000L);
        }
        assertThat(clock.captureMillis(0)).isCloseTo(START_MILLIS, within(0.01));
    }

    private static long ntp(double wallMillis) {
        return NtpTimestamp.fromUnixNanos(Math.round(wallMillis * 1e6));
    }
}
