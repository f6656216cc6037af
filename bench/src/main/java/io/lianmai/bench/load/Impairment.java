package io.lianmai.bench.load;

/**
 * Network impairment the simulated clients apply to media (SRTP and SRTCP) on their side: random loss, extra delay
 * (jitter, order kept) and reordering (a packet held back behind later ones). STUN and DTLS are never impaired, so
 * joins stay reliable and the numbers show what NACK/RTX does to media.
 *
 * @param loss share of packets dropped, 0..0.5
 * @param jitterNanos each packet is delayed by a uniform 0..jitter more than the previous allows, order kept
 * @param reorder share of packets held back by {@link #REORDER_HOLD_NANOS} plus the jitter, overtaken by later ones
 * @param up impair what clients send to the server
 * @param down impair what clients receive from the server
 */
record Impairment(double loss, long jitterNanos, double reorder, boolean up, boolean down) {
    /** A reordered packet arrives this much later than it would have: a few packets overtake it at video rates. */
    static final long REORDER_HOLD_NANOS = 10_000_000L;

    static final Impairment NONE = new Impairment(0, 0, 0, true, true);

    /** Whether anything is impaired at all. */
    boolean active() {
        return loss > 0 || jitterNanos > 0 || reorder > 0;
    }

    /** Whether packets must be queued (not only dropped). */
    boolean delays() {
        return jitterNanos > 0 || reorder > 0;
    }

    String describe() {
        if (!active()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        if (loss > 0) {
            out.append(String.format("loss %.1f%%", loss * 100));
        }
        if (jitterNanos > 0) {
            out.append(out.length() > 0 ? ", " : "").append("jitter ").append(jitterNanos / 1_000_000).append(" ms");
        }
        if (reorder > 0) {
            out.append(out.length() > 0 ? ", " : "").append(String.format("reorder %.1f%%", reorder * 100));
        }
        out.append(up && down ? " on both paths" : up ? " on the up path" : " on the down path");
        return out.toString();
    }
}
