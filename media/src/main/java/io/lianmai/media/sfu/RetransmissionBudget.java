package io.lianmai.media.sfu;

/**
 * One subscriber's allowance for retransmissions, shared by its down-tracks: at most
 * {@link RetransmissionLimits#maxPerSecond()} packets a second (a token bucket holding one second's worth) and, in
 * bytes, at most {@link RetransmissionLimits#maxSharePercent()} of what was forwarded to it over the current and the
 * previous one-second slot. What it refuses is counted, never logged. The per-packet "not again so soon" check lives
 * in {@link DownTrack}, which owns the sequence number space; it reports its refusals here.
 *
 * <p>Owned by the media thread; times are the caller's clock in milliseconds. Allocates nothing after construction.
 */
public final class RetransmissionBudget {
    private static final long SLOT_MILLIS = 1000;
    /**
     * The round trip that stretches the repeat interval is taken up to this: past it the packet cache has dropped
     * what a repair would need anyway ({@code PacketCache}'s one second), and a player waits no longer than this for a
     * second repair of a packet lost twice.
     */
    static final long MAX_REPEAT_INTERVAL_MILLIS = 500;

    private final RetransmissionLimits limits;
    private final long maxMilliTokens;
    private long milliTokens;
    private long refilledAt;
    private long slotStart;
    private long forwardedNow;
    private long forwardedBefore;
    private long resentNow;
    private long resentBefore;

    private long roundTripMillis = -1;

    private long allowed;
    private long refusedRepeat;
    private long refusedRate;
    private long refusedShare;

    public RetransmissionBudget(RetransmissionLimits limits, long nowMillis) {
        this.limits = limits;
        this.maxMilliTokens = limits.maxPerSecond() * 1000L;
        this.milliTokens = maxMilliTokens;
        this.refilledAt = nowMillis;
        this.slotStart = nowMillis;
    }

    public RetransmissionLimits limits() {
        return limits;
    }

    /**
     * The subscriber's round trip as last measured (its transport-wide feedback: from sending a packet to hearing it
     * arrived), which stretches {@link #repeatIntervalMillis}.
     */
    public void setRoundTripMillis(long millis) {
        roundTripMillis = millis;
    }

    /**
     * How long after resending a packet a NACK for it again is refused: the configured interval, or the subscriber's
     * round trip when that is longer (at most {@link #MAX_REPEAT_INTERVAL_MILLIS}); 0 (the check off) stays 0. A
     * player repeats its NACK after what it takes for the round trip — libwebrtc's receiver assumes 100 ms until it
     * measures one, and a receive-only player never does — so behind a queue (a 300 kbit/s bottleneck with 100 ms of
     * delay: 200–400 ms) it asked again before the first repair could arrive, and each lost packet was resent two or
     * three times into the very queue that delayed it. libwebrtc's sender likewise resends a packet at most once per
     * RTT ({@code RtpPacketHistory}).
     */
    public long repeatIntervalMillis() {
        long configured = limits.repeatIntervalMillis();
        if (configured == 0 || roundTripMillis <= configured) {
            return configured;
        }
        return Math.min(roundTripMillis, Math.max(configured, MAX_REPEAT_INTERVAL_MILLIS));
    }

    /** {@code bytes} of media were forwarded to the subscriber (not retransmissions). */
    public void onForwarded(int bytes, long nowMillis) {
        roll(nowMillis);
        forwardedNow += bytes;
    }

    /**
     * Asks to resend one packet of {@code bytes}; on true the packet must be sent (and is counted as sent), on false
     * it must not (and the refusal is counted).
     */
    public boolean tryRetransmit(int bytes, long nowMillis) {
        roll(nowMillis);
        refill(nowMillis);
        if (milliTokens < 1000) {
            refusedRate++;
            return false;
        }
        if ((resentNow + resentBefore + bytes) * 100 > (forwardedNow + forwardedBefore) * limits.maxSharePercent()) {
            refusedShare++;
            return false;
        }
        milliTokens -= 1000;
        resentNow += bytes;
        allowed++;
        return true;
    }

    /**
     * Forgets the bytes resent so far (not the rate's tokens): a down-track moved to a smaller layer, and the share of
     * what it forwards now must not be taken by repairs of the layer it left (a burst of them while the path was
     * congested refused the new layer's repairs for a second or two, and the player waited 3 s for a keyframe).
     */
    void forgetResent() {
        resentNow = 0;
        resentBefore = 0;
    }

    /** A down-track refused a packet it had resent less than the repeat interval ago. */
    void onRepeatRefused() {
        refusedRepeat++;
    }

    private void refill(long nowMillis) {
        long elapsed = nowMillis - refilledAt;
        if (elapsed <= 0) {
            return;
        }
        refilledAt = nowMillis;
        milliTokens = Math.min(maxMilliTokens, milliTokens + Math.min(elapsed, SLOT_MILLIS) * limits.maxPerSecond());
    }

    private void roll(long nowMillis) {
        long elapsed = nowMillis - slotStart;
        if (elapsed < SLOT_MILLIS) {
            return;
        }
        boolean adjacent = elapsed < 2 * SLOT_MILLIS;
        forwardedBefore = adjacent ? forwardedNow : 0;
        resentBefore = adjacent ? resentNow : 0;
        forwardedNow = 0;
        resentNow = 0;
        slotStart = adjacent ? slotStart + SLOT_MILLIS : nowMillis;
    }

    /** Retransmissions allowed so far. */
    public long allowed() {
        return allowed;
    }

    /** Refused: the same packet was resent less than {@link #repeatIntervalMillis()} ago. */
    public long refusedRepeat() {
        return refusedRepeat;
    }

    /** Refused: over {@link RetransmissionLimits#maxPerSecond()}. */
    public long refusedRate() {
        return refusedRate;
    }

    /** Refused: over {@link RetransmissionLimits#maxSharePercent()} of the forwarded bytes. */
    public long refusedShare() {
        return refusedShare;
    }

    /** All refusals. */
    public long refused() {
        return refusedRepeat + refusedRate + refusedShare;
    }
}
