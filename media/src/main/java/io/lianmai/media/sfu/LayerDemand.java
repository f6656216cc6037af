package io.lianmai.media.sfu;

import java.util.Arrays;

/**
 * Decides which simulcast layers of one track the publisher should send: those its subscribers want, so that an
 * encoder nobody watches stops spending the publisher's CPU and uplink (the web SDK sets the encoding inactive,
 * docs/media.md "Paused layers").
 *
 * <ul>
 *   <li>a layer some down-track wants is active, and one asked for again is resumed at once;</li>
 *   <li>a layer nobody has wanted for {@link #HOLD_MILLIS} is paused: the hold covers a subscriber's switch
 *       between layers (the old layer keeps flowing until the new one's keyframe) and one that flips back and
 *       forth;</li>
 *   <li>never every layer: with nobody wanting any (no subscribers), the fallback layer stays active — the
 *       lowest-ranked one, cheap, and a new subscriber's first frame comes from it while the layer it wants
 *       resumes (so it is held as if wanted, for the switch).</li>
 * </ul>
 * The decision starts with every layer active (what a publisher sends before it is told anything), and the hold
 * starts at the first {@link #update}.
 *
 * <p>Owned by the media thread; allocates nothing after construction.
 */
public final class LayerDemand {
    /** How long a layer nobody wants keeps being sent before it is paused. */
    public static final long HOLD_MILLIS = 3000;

    private final long[] lastWantedMillis;
    private final int allLayers;
    private int active;
    private boolean started;

    /** @param layers how many layers the track has, 1..31 */
    public LayerDemand(int layers) {
        if (layers < 1 || layers > 31) {
            throw new IllegalArgumentException("layers must be 1..31: " + layers);
        }
        this.lastWantedMillis = new long[layers];
        this.allLayers = (1 << layers) - 1;
        this.active = allLayers;
    }

    /**
     * Takes what the subscribers want now and decides again.
     *
     * @param wanted a bit per layer (bit {@code i}: layer {@code i}) that some down-track wants now
     * @param fallback the layer kept when nobody wants any, or -1 when the layers are not ranked yet (then all
     *     stay active)
     * @return whether the decision ({@link #activeLayers}) changed
     */
    public boolean update(int wanted, int fallback, long nowMillis) {
        if (!started) {
            started = true;
            Arrays.fill(lastWantedMillis, nowMillis);
        }
        int next = 0;
        for (int i = 0; i < lastWantedMillis.length; i++) {
            if ((wanted & (1 << i)) != 0) {
                lastWantedMillis[i] = nowMillis;
            }
            if (nowMillis - lastWantedMillis[i] < HOLD_MILLIS) {
                next |= 1 << i;
            }
        }
        if (next == 0) {
            next = fallback >= 0 && fallback < lastWantedMillis.length ? 1 << fallback : allLayers;
            // Kept as if wanted: a new subscriber starts on it, and it must outlast the switch to what it wants.
            for (int i = 0; i < lastWantedMillis.length; i++) {
                if ((next & (1 << i)) != 0) {
                    lastWantedMillis[i] = nowMillis;
                }
            }
        }
        boolean changed = next != active;
        active = next;
        return changed;
    }

    /** The layers the publisher should send: a bit per layer, never 0. */
    public int activeLayers() {
        return active;
    }

    /** Whether layer {@code index} should be sent. */
    public boolean isActive(int index) {
        return (active & (1 << index)) != 0;
    }
}
