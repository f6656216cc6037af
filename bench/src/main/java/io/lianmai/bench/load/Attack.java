package io.lianmai.bench.load;

/**
 * One attack of {@code lianmai bench attack}: what a hostile client on the network does to the server, bounded in
 * count and in time, against loopback only. It records what it sent and what came back in an {@link AttackOutcome}
 * and judges its own expectation; the suite around it measures the call in progress and the server's resources.
 *
 * <p>An attack runs on the suite's thread and may block; it must return within about {@link #maxSeconds} seconds.
 * One instance runs once: {@link #prepare} (not measured), then {@link #run}.
 */
interface Attack {
    /** The short name used on the command line and in the report. */
    String name();

    /** One line: what is sent, with its counts. */
    String description(AttackScale scale);

    /** One line: what the server should do. */
    String expectation(AttackScale scale);

    /** An upper bound of how long {@link #run} takes, for the report and for timeouts. */
    int maxSeconds(AttackScale scale);

    /**
     * What the attack needs that is not part of it (an operator's command-line calls, which start a JVM each), done
     * before the measurement starts so that it does not count against the call.
     */
    default void prepare(AttackContext context) throws Exception {
    }

    /** Runs the attack; returns whether the server did what {@link #expectation} says. */
    Verdict run(AttackContext context, AttackOutcome outcome) throws Exception;

    /** The verdict on an attack's own expectation. */
    record Verdict(Status status, String detail) {
        static Verdict pass(String detail) {
            return new Verdict(Status.PASS, detail);
        }

        static Verdict fail(String detail) {
            return new Verdict(Status.FAIL, detail);
        }

        static Verdict notAvailable(String detail) {
            return new Verdict(Status.NOT_AVAILABLE, detail);
        }
    }

    /** PASS, FAIL, or NOT_AVAILABLE when a command the check needs does not exist (never counted as a pass). */
    enum Status {
        PASS, FAIL, NOT_AVAILABLE;

        /** The worse of two: FAIL over NOT_AVAILABLE over PASS. */
        Status and(Status other) {
            return ordinal() >= other.ordinal() ? this : other;
        }

        String label() {
            return this == NOT_AVAILABLE ? "n/a" : name();
        }
    }
}
