package io.lianmai.common;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that never jumps: wall-clock time at creation plus {@link System#nanoTime()} elapsed since. Timeouts
 * (ICE consent, DTLS) measured with it survive NTP steps of the system clock.
 */
public final class MonotonicClock extends Clock {
    private final long baseMillis = System.currentTimeMillis();
    private final long baseNanos = System.nanoTime();

    @Override
    public long millis() {
        return baseMillis + (System.nanoTime() - baseNanos) / 1_000_000L;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
