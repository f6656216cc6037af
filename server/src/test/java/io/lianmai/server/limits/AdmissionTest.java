package io.lianmai.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import io.lianmai.server.config.LimitsConfig;
import io.lianmai.server.limits.AdmissionRefusedException.Limit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static final SdkAppId APP = new SdkAppId(1400000001L);
    private final MutableClock clock = new MutableClock();

    @Test
    void theNodeCapRefusesWith503AndARelease() {
        Admission admission = new Admission(limits(2, 100, 100, 100), clock);
        Admission.Ticket first = admission.admit(APP, "a", "10.0.0.1");
        admission.admit(new SdkAppId(2L), "b", "10.0.0.2");

        assertRefused(() -> admission.admit(new SdkAppId(3L), "c", "10.0.0.3"), Limit.NODE_SESSIONS, 503);
        first.release();
        first.release(); // idempotent: frees one place only
        admission.admit(new SdkAppId(3L), "c", "10.0.0.3");
        assertRefused(() -> admission.admit(new SdkAppId(4L), "d", "10.0.0.4"), Limit.NODE_SESSIONS, 503);
        assertThat(admission.sessions()).isEqualTo(2);
    }

    @Test
    void perAppPerUserAndPerAddressCaps() {
        Admission admission = new Admission(limits(100, 3, 2, 2), clock);
        admission.admit(APP, "alice", "10.0.0.1");
        admission.admit(APP, "alice", "10.0.0.2");
        assertRefused(() -> admission.admit(APP, "alice", "10.0.0.3"), Limit.USER_SESSIONS, 429);
        // The same userID in another app is another user.
        admission.admit(new SdkAppId(APP.value() + 1), "alice", "10.0.0.3");

        admission.admit(APP, "bob", "10.0.0.1");
        assertRefused(() -> admission.admit(APP, "carol", "10.0.0.9"), Limit.APP_SESSIONS, 503);
        assertRefused(() -> admission.admit(new SdkAppId(APP.value() + 2), "dave", "10.0.0.1"), Limit.IP_SESSIONS, 429);
    }

    @Test
    void joinRatePerAddressRefillsWithTime() {
        Admission admission = new Admission(new LimitsConfig(100, 100, 100, 100, 2, 3, 1000, 1000, 100), clock);
        for (int i = 0; i < 3; i++) {
            admission.checkAddressRate("10.0.0.1");
        }
        AdmissionRefusedException refused = assertRefused(() -> admission.checkAddressRate("10.0.0.1"),
                Limit.IP_RATE, 429);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        admission.checkAddressRate("10.0.0.2"); // another address has its own bucket

        clock.advance(499);
        assertRefused(() -> admission.checkAddressRate("10.0.0.1"), Limit.IP_RATE, 429);
        clock.advance(1);
        admission.checkAddressRate("10.0.0.1");
    }

    @Test
    void joinRatePerAppCountsOnlyAdmittedJoins() {
        Admission admission = new Admission(new LimitsConfig(100, 100, 1, 100, 1000, 1000, 0.5, 2, 100), clock);
        admission.admit(APP, "a", "10.0.0.1");
        // Refused by a cap before the rate: no token taken.
        assertRefused(() -> admission.admit(APP, "a", "10.0.0.1"), Limit.USER_SESSIONS, 429);
        admission.admit(APP, "b", "10.0.0.1");
        AdmissionRefusedException refused = assertRefused(() -> admission.admit(APP, "c", "10.0.0.1"),
                Limit.APP_RATE, 429);
        assertThat(refused.retryAfterSeconds()).isEqualTo(2);
        clock.advance(2000);
        admission.admit(APP, "c", "10.0.0.1");
    }

    @Test
    void memoryStaysBoundedUnderManyAddressesAndReleasedSessionsLeaveNothing() {
        Admission admission = new Admission(new LimitsConfig(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1, 1, 1000,
                1_000_000, 1000), clock);
        List<Admission.Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            String address = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
            admission.checkAddressRate(address);
            tickets.add(admission.admit(APP, "u" + i, address));
        }
        assertThat(admission.trackedAddresses()).isEqualTo(1000);
        tickets.forEach(Admission.Ticket::release);
        assertThat(admission.sessions()).isZero();
        assertThat(admission.countedKeys()).isZero();
    }

    private static LimitsConfig limits(int node, int app, int user, int ip) {
        return new LimitsConfig(node, app, user, ip, 1000, 1000, 1000, 1000, 1000);
    }

    private static AdmissionRefusedException assertRefused(Runnable action, Limit limit, int status) {
        try {
            action.run();
        } catch (AdmissionRefusedException e) {
            assertThat(e.limit()).isEqualTo(limit);
            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(e.retryAfterSeconds()).isPositive();
            return e;
        }
        throw new AssertionError("not refused: expected " + limit);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private long millis = 1_000_000;

        void advance(long delta) {
            millis += delta;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
