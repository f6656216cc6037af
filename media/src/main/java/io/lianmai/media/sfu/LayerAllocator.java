package io.lianmai.media.sfu;

import io.lianmai.media.bwe.DownlinkEstimate;
import io.lianmai.media.bwe.RembEstimate;
import java.util.List;

/**
 * Fits what one subscriber receives to its downlink: every {@link #INTERVAL_MILLIS} it reads the estimate of its
 * downlink ({@link DownlinkEstimate}: the server's own from transport-cc feedback, or the subscriber's REMB), takes
 * the audio off it, and gives each video down-track, in order (camera
 * before screen share), the biggest layer that fits and that its big/small preference allows. The rules, after
 * what libwebrtc's encoder does with its own estimate and what SFUs such as LiveKit do with simulcast:
 *
 * <ul>
 *   <li><b>Down fast:</b> a layer that no longer fits is left at the next evaluation (the switch happens at the
 *       smaller layer's next keyframe, asked for at once; {@link DownTrack#allocate}).</li>
 *   <li><b>Up slowly:</b> one layer at a time, after the bigger layer has fitted for {@link #UP_HOLD_MILLIS}.</li>
 *   <li><b>Video pauses before audio suffers:</b> when what is left for video has been under {@link #PAUSE_SHARE} of
 *       the smallest layer for {@link #PAUSE_HOLD_MILLIS}, the video stops; it resumes (up slowly) when the smallest
 *       layer fits again. Not at the first low estimate: on a lossy path the estimate dips under the smallest layer for
 *       a moment now and then (an overuse sets it to 0.85 × what was acknowledged), and a pause costs seconds of
 *       frozen video (a probe, the up hold, a keyframe) where a moment of the smallest layer over the estimate costs
 *       a little queueing.</li>
 *   <li><b>Probe before going up:</b> an estimate grows to at most 1.5 × what is sent, so a subscriber on the small
 *       layer would never be estimated able to take the big one. When a bigger layer is wanted and does not fit, the
 *       allocator pads what it sends (RTX padding, {@link DownTrack#sendPadding}) up to
 *       {@link #PROBE_HEADROOM} × the rate the bigger layer needs, for {@link DownlinkEstimate#probeMillis}, and the
 *       estimator's probe result raises the estimate when the path carried it. After a subscriber's first probe, a
 *       probe goes no higher than {@link #PROBE_STEP} × the estimate: one straight at the big layer's rate under a
 *       300 kbit/s cap is 9 × the path, overflows the bottleneck's queue, and loses the media behind it. A stepped
 *       probe that failed is followed by one straight at the need (a small probe on a lossy path can fail on an open
 *       path), so under a cap every other probe is stepped. A REMB subscriber's probe is a ramp of seconds, padded
 *       up to what {@link DownlinkEstimate#probeRate} allows as its own estimate climbs, and ended as soon as the
 *       upgrade fits or the subscriber reports congestion ({@link RembEstimate}). Probes are spaced
 *       {@link #MIN_PROBE_INTERVAL_MILLIS} apart, doubling up to {@link #MAX_PROBE_INTERVAL_MILLIS} while they fail, never while the path is
 *       congested; one that raised the estimate by {@link #RAISED} × or more without reaching the need is followed
 *       by the next at once (a loaded or lossy path measures a probe short: 0.6 × its rate was seen, and five more
 *       seconds per try made the way back to the big layer take 19 s). A new subscriber is probed as soon as its
 *       video flows (not earlier: the padding would reach a client still finishing its handshake) and allocated
 *       after the probe (at most
 *       {@link #INITIAL_WAIT_MILLIS}), so that it settles on the layer its downlink carries.</li>
 * </ul>
 *
 * Only subscribers the server can probe (RTX, and transport-cc or REMB with abs-send-time) are allocated: without
 * probing, an estimate could only ever move a subscriber down. Nothing is allocated before the first estimate. Layer
 * rates are the publisher's layers' {@link IncomingLayer#averageBitrate}.
 *
 * <p>On the media thread, from its subscription's tick; allocates nothing.
 */
public final class LayerAllocator {
    static final long INTERVAL_MILLIS = 200;
    static final long UP_HOLD_MILLIS = 2000;
    static final double PAUSE_SHARE = 0.5;
    static final long PAUSE_HOLD_MILLIS = 1000;
    static final long INITIAL_WAIT_MILLIS = 1000;
    static final long MIN_PROBE_INTERVAL_MILLIS = 2000;
    static final long MAX_PROBE_INTERVAL_MILLIS = 5000;
    static final double PROBE_HEADROOM = 1.25;
    /**
     * After the first, a probe pads up to at most this × the estimate (or what is forwarded, if more): libwebrtc's
     * further probing steps by 2 ×.
     */
    static final double PROBE_STEP = 2.0;
    /**
     * A probe sends at least this much, padding and media (over up to {@link #MAX_SMALL_PROBE_MILLIS}): a 40 ms probe
     * at 400 kbit/s is six packets, the first burst's left out, too few for a result.
     */
    static final int MIN_PROBE_BYTES = 6000;
    static final long MAX_SMALL_PROBE_MILLIS = 200;
    /** A probe that raised the estimate by this factor or more is followed by the next at once. */
    static final double RAISED = 1.2;
    /** The padding the first burst of a probe covers: one media tick. */
    private static final long FIRST_BURST_MILLIS = 20;
    /** At most this much padding per burst (a tick that came late must not flood the path). */
    private static final int MAX_BURST_BYTES = 64 * 1024;
    private static final long NONE = Long.MIN_VALUE;

    private final List<DownTrack> downTracks;
    private final DownlinkEstimate estimator;
    /** Per down-track: since when a bigger layer has fitted, or {@link #NONE}. */
    private final long[] upSince;
    /** Per down-track: since when not even {@link #PAUSE_SHARE} of the smallest layer has fitted, or {@link #NONE}. */
    private final long[] lowSince;

    private long lastRun = NONE;
    private long startedAt = NONE;
    private boolean allocating;
    private long probeUntil = NONE;
    private long probeRateBps;
    private long lastPadMillis;
    private long nextProbeAt = NONE;
    private long probeInterval = MIN_PROBE_INTERVAL_MILLIS;
    /** The estimate when the last probe started, until the next evaluation after its result; else {@link #NONE}. */
    private long estimateAtProbe = NONE;
    private long probesStarted;
    /** Whether the last probe was held to {@link #PROBE_STEP} × the estimate; whether the next goes straight. */
    private boolean lastProbeStepped;
    private boolean straightNext;

    public LayerAllocator(List<DownTrack> downTracks, DownlinkEstimate estimator) {
        this.downTracks = downTracks;
        this.estimator = estimator;
        this.upSince = new long[downTracks.size()];
        this.lowSince = new long[downTracks.size()];
        java.util.Arrays.fill(upSince, NONE);
        java.util.Arrays.fill(lowSince, NONE);
    }

    /** The subscription's tick: pads a running probe, and allocates every {@link #INTERVAL_MILLIS}. */
    public void tick(long nowMillis) {
        if (probeUntil != NONE) {
            pad(nowMillis);
        }
        if (lastRun != NONE && nowMillis - lastRun < INTERVAL_MILLIS) {
            return;
        }
        lastRun = nowMillis;
        DownTrack padder = padder();
        if (padder == null || !ratesKnown() || !estimator.known()) {
            return; // nothing to probe with, no layer measured yet, or no estimate yet: the preferences rule
        }
        if (startedAt == NONE) {
            if (!forwardingVideo()) {
                return; // probe once the player gets video: its handshake is over by then
            }
            startedAt = nowMillis;
            long need = neededForPreferences(nowMillis);
            if (estimator.targetBitrate() < need) {
                // Straight to what the preferences need: nothing queues yet, and the player should start on the
                // layer its downlink carries.
                startProbe(need, Long.MAX_VALUE, nowMillis);
            }
        }
        if (!allocating) {
            if (nowMillis - startedAt < INITIAL_WAIT_MILLIS && estimator.probing()) {
                return;
            }
            allocating = true;
            allocate(nowMillis, true);
            return;
        }
        allocate(nowMillis, false);
    }

    private void allocate(long nowMillis, boolean initial) {
        long estimate = estimator.targetBitrate();
        long audio = audioRate(nowMillis);
        long budget = estimate - audio;
        long deliveredForVideo = estimator.deliveredBitrate() - audio;
        long total = audio;
        long upgradeNeed = 0;
        boolean resuming = false;
        for (int i = 0; i < downTracks.size(); i++) {
            DownTrack down = downTracks.get(i);
            PublishedTrack track = down.source();
            if (!track.isVideo()) {
                continue;
            }
            int top = track.rankedLayer(down.prefersLowLayer());
            long topRate = rate(track, top);
            if (topRate <= 0) {
                continue;
            }
            int current = down.allocatedLayer();
            if (current == DownTrack.UNALLOCATED) {
                current = top;
            }
            long currentRate = rate(track, current);
            int candidate = biggestWithin(track, Math.min(budget, topRate));
            if (candidate < 0) {
                int smallest = track.rankedLayer(true);
                double pauseBelow = PAUSE_SHARE * rate(track, smallest);
                boolean low = budget < pauseBelow && deliveredForVideo < pauseBelow;
                if (!low) {
                    lowSince[i] = NONE;
                } else if (lowSince[i] == NONE) {
                    lowSince[i] = nowMillis;
                }
                boolean keep = current != DownTrack.PAUSED
                        && (!low || nowMillis - lowSince[i] < PAUSE_HOLD_MILLIS);
                candidate = keep ? smallest : DownTrack.PAUSED;
            } else {
                lowSince[i] = NONE;
            }
            long candidateRate = rate(track, candidate);
            int choice = current;
            if (initial || candidateRate < currentRate) {
                choice = candidate;
                upSince[i] = NONE;
                if (candidateRate < currentRate) {
                    nextProbeAt = Math.max(nextProbeAt, nowMillis + MIN_PROBE_INTERVAL_MILLIS); // congestion: wait
                }
                if (choice == DownTrack.PAUSED && current != DownTrack.PAUSED) {
                    // A paused video is probed back 2 s on, not after the failed probes' spacing (up to 5 s).
                    probeInterval = MIN_PROBE_INTERVAL_MILLIS;
                    nextProbeAt = nowMillis + MIN_PROBE_INTERVAL_MILLIS;
                }
            } else if (candidateRate > currentRate) {
                if (upSince[i] == NONE) {
                    upSince[i] = nowMillis;
                }
                if (nowMillis - upSince[i] >= UP_HOLD_MILLIS) {
                    choice = smallestAbove(track, currentRate, candidateRate);
                    upSince[i] = NONE;
                }
            } else {
                upSince[i] = NONE;
            }
            down.allocate(choice);
            long chosenRate = rate(track, choice);
            budget -= chosenRate;
            deliveredForVideo -= chosenRate;
            total += chosenRate;
            if (upgradeNeed == 0 && chosenRate < topRate) {
                upgradeNeed = total + rate(track, smallestAbove(track, chosenRate, topRate)) - chosenRate;
                resuming = choice == DownTrack.PAUSED;
            }
        }
        boolean fits = upgradeNeed == 0 || estimate >= upgradeNeed;
        if (probeUntil != NONE && (fits || estimator.congested())) {
            closeProbe(nowMillis); // a long probe (a REMB ramp) has done its work, or met congestion
        }
        if (fits) {
            probeInterval = MIN_PROBE_INTERVAL_MILLIS; // all fits, or will after the up hold
        } else {
            maybeProbe(upgradeNeed, resuming, nowMillis);
        }
    }

    /** @param resuming whether the upgrade is a paused video's smallest layer: probed straight at it, no step */
    private void maybeProbe(long need, boolean resuming, long nowMillis) {
        if (probeUntil != NONE || estimator.probing() || estimator.congested()) {
            return;
        }
        if (estimateAtProbe != NONE) {
            if (estimator.targetBitrate() >= RAISED * estimateAtProbe) {
                // The last probe raised the estimate, not yet to what the upgrade needs: the next goes at once
                // (libwebrtc's "further probing"), not after the failed-probe spacing.
                probeInterval = MIN_PROBE_INTERVAL_MILLIS;
                nextProbeAt = NONE;
            } else if (lastProbeStepped) {
                // A stepped probe that failed: the next goes straight at the need. A small probe on a lossy path
                // can fail where the path is open (seen in CI: the big layer not back within 20 s of a lift).
                straightNext = true;
            }
            estimateAtProbe = NONE;
        }
        if (nextProbeAt != NONE && nowMillis < nextProbeAt) {
            return;
        }
        long step = (long) (PROBE_STEP * Math.max(estimator.targetBitrate(), forwardedRate(nowMillis)));
        boolean straight = resuming || straightNext;
        straightNext = false;
        lastProbeStepped = !straight && step < need * PROBE_HEADROOM;
        startProbe(need, straight ? Long.MAX_VALUE : step, nowMillis);
        nextProbeAt = nowMillis + probeInterval;
        probeInterval = Math.min(MAX_PROBE_INTERVAL_MILLIS, probeInterval * 2);
    }

    /** Pads up to {@link #PROBE_HEADROOM} × {@code needBps}, at most {@code maxBps}. */
    private void startProbe(long needBps, long maxBps, long nowMillis) {
        if (needBps <= 0) {
            return;
        }
        estimator.startProbe();
        estimateAtProbe = estimator.targetBitrate();
        probesStarted++;
        probeRateBps = Math.min(maxBps, (long) (needBps * PROBE_HEADROOM));
        // A small probe lasts long enough to send MIN_PROBE_BYTES: its result needs packets after the first burst.
        long minimum = Math.min(MAX_SMALL_PROBE_MILLIS, MIN_PROBE_BYTES * 8000L / Math.max(1, probeRateBps));
        probeUntil = nowMillis + Math.max(estimator.probeMillis(), minimum);
        lastPadMillis = nowMillis - FIRST_BURST_MILLIS;
        pad(nowMillis);
    }

    /** One burst of padding: what lifts this tick's sending to the probe rate; the last burst closes the probe. */
    private void pad(long nowMillis) {
        DownTrack padder = padder();
        long elapsed = Math.max(0, nowMillis - lastPadMillis);
        lastPadMillis = nowMillis;
        long bytes = Math.max(0, estimator.probeRate(probeRateBps) - forwardedRate(nowMillis)) * elapsed / 8000;
        if (padder != null && bytes > 0) {
            padder.sendPadding((int) Math.min(bytes, MAX_BURST_BYTES));
        }
        if (nowMillis >= probeUntil || padder == null) {
            closeProbe(nowMillis);
        }
    }

    private void closeProbe(long nowMillis) {
        estimator.endProbe(nowMillis);
        probeUntil = NONE;
    }

    /** What all preferences together need: audio and each video down-track's preferred layer. */
    private long neededForPreferences(long nowMillis) {
        long need = audioRate(nowMillis);
        for (DownTrack down : downTracks) {
            if (down.source().isVideo()) {
                need += rate(down.source(), down.source().rankedLayer(down.prefersLowLayer()));
            }
        }
        return need;
    }

    private DownTrack padder() {
        for (int i = 0; i < downTracks.size(); i++) {
            if (downTracks.get(i).canPad()) {
                return downTracks.get(i);
            }
        }
        return null;
    }

    private boolean forwardingVideo() {
        for (int i = 0; i < downTracks.size(); i++) {
            if (downTracks.get(i).source().isVideo() && downTracks.get(i).currentLayer() >= 0) {
                return true;
            }
        }
        return false;
    }

    private boolean ratesKnown() {
        for (int i = 0; i < downTracks.size(); i++) {
            PublishedTrack track = downTracks.get(i).source();
            if (track.isVideo()) {
                for (IncomingLayer layer : track.layers()) {
                    if (layer.averageBitrate() > 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private long audioRate(long nowMillis) {
        long rate = 0;
        for (int i = 0; i < downTracks.size(); i++) {
            PublishedTrack track = downTracks.get(i).source();
            if (!track.isVideo() && track.layers()[0].isActive(nowMillis)) {
                rate += track.layers()[0].averageBitrate();
            }
        }
        return rate;
    }

    /** What is being sent now: active audio and the layers the video down-tracks forward. */
    private long forwardedRate(long nowMillis) {
        long rate = audioRate(nowMillis);
        for (int i = 0; i < downTracks.size(); i++) {
            DownTrack down = downTracks.get(i);
            if (down.source().isVideo() && down.currentLayer() >= 0) {
                rate += down.source().layers()[down.currentLayer()].averageBitrate();
            }
        }
        return rate;
    }

    private static long rate(PublishedTrack track, int layer) {
        return layer < 0 ? 0 : track.layers()[layer].averageBitrate();
    }

    /** The layer with the biggest known rate within {@code limit}, or -1. */
    private static int biggestWithin(PublishedTrack track, long limit) {
        int best = -1;
        for (IncomingLayer layer : track.layers()) {
            long rate = layer.averageBitrate();
            if (rate > 0 && rate <= limit && (best < 0 || rate > track.layers()[best].averageBitrate())) {
                best = layer.index();
            }
        }
        return best;
    }

    /** The layer with the smallest known rate above {@code above} and within {@code limit}, or -1. */
    private static int smallestAbove(PublishedTrack track, long above, long limit) {
        int best = -1;
        for (IncomingLayer layer : track.layers()) {
            long rate = layer.averageBitrate();
            if (rate > above && rate <= limit && (best < 0 || rate < track.layers()[best].averageBitrate())) {
                best = layer.index();
            }
        }
        return best;
    }

    /** Probes started for this subscriber. */
    public long probesStarted() {
        return probesStarted;
    }
}
