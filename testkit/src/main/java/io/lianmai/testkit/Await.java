package io.lianmai.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition instead of sleeping a fixed time: a test on a busy machine waits as long as it must, up to
 * a deadline, and no longer than it needs on a quiet one. Polls every 20 ms.
 */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /** Waits until {@code condition} holds; fails with {@code what} once {@code timeout} has passed. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /**
     * Waits until {@code condition} holds; once {@code timeout} has passed, fails with {@code what} and what
     * {@code state} says then (what the test saw instead).
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                String seen = String.valueOf(state.get());
                throw new AssertionError("not within " + timeout + ": " + what + (seen.isEmpty() ? "" : "; " + seen));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
