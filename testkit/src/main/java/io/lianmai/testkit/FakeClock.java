package io.lianmai.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when the test says so, for code that takes an injected {@link Clock}. Safe to read from
 * other threads (the instant is volatile); advance it from the test thread.
 */
public final class FakeClock extends Clock {
    /** Where {@link #FakeClock()} starts: an arbitrary fixed instant. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private volatile Instant now;

    /** A clock standing at {@link #DEFAULT_START}. */
    public FakeClock() {
        this(DEFAULT_START);
    }

    /** A clock standing at {@code start}. */
    public FakeClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock forward by {@code step}. */
    public void advance(Duration step) {
        now = now.plus(step);
    }

    @Override
    public Instant instant() {
        return now;
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
