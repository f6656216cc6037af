package io.lianmai.bench.load;

/**
 * A subscriber that NACKs everything: it plays one stream of the call (an ordinary WHEP session) and then, every
 * {@link #INTERVAL_MILLIS}, sends a NACK naming the last few thousand sequence numbers whether it lost them or not.
 * Unbudgeted, the server retransmits its whole history every time. Measured: the packets the server sends to this
 * subscriber during the storm against before it.
 */
final class NackStormAttack implements Attack {
    static final long INTERVAL_MILLIS = 20;
    /** Retransmissions may add at most the stream's own packet rate (a generous budget). */
    static final double MAX_RATE_FACTOR = 2.0;

    @Override
    public String name() {
        return "nack-storm";
    }

    @Override
    public String description(AttackScale scale) {
        return "a subscriber NACKs " + scale.nackSequenceNumbers() + " sequence numbers every " + INTERVAL_MILLIS
                + " ms for " + scale.nackSeconds() + " s";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "packets sent to it ≤ " + MAX_RATE_FACTOR + " × its rate before the storm";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return scale.nackSeconds() + 35;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        PublisherPeer source = context.call.publishers().get(0);
        SubscriberPeer attacker = context.player("nacker", source.streamId());
        try {
            long before0 = context.onAttackerLoop(() -> attacker.rtpPacketsIn);
            long t0 = System.nanoTime();
            Thread.sleep(2_000);
            long before1 = context.onAttackerLoop(() -> attacker.rtpPacketsIn);
            double normal = (before1 - before0) / ((System.nanoTime() - t0) / 1e9);
            attacker.nackStorm(context.scale.nackSequenceNumbers(), INTERVAL_MILLIS * 1_000_000L);
            long t1 = System.nanoTime();
            Thread.sleep(context.scale.nackSeconds() * 1000L);
            attacker.nackStorm(0, 0);
            long after = context.onAttackerLoop(() -> attacker.rtpPacketsIn);
            double storm = (after - before1) / ((System.nanoTime() - t1) / 1e9);
            long nacks = context.onAttackerLoop(attacker::stormNacks);
            outcome.sent(nacks);
            outcome.count("packets received during the storm: " + (after - before1));
            String detail = String.format("%.0f packets/s during the storm vs %.0f before (×%.1f); %d NACKs sent",
                    storm, normal, normal > 0 ? storm / normal : 0, nacks);
            if (normal <= 0) {
                return Verdict.fail("the attacker's player received nothing before the storm");
            }
            return storm <= MAX_RATE_FACTOR * normal ? Verdict.pass(detail) : Verdict.fail(detail);
        } finally {
            attacker.nackStorm(0, 0);
            context.leave(attacker);
        }
    }
}
