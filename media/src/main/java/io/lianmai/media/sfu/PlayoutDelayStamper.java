package io.lianmai.media.sfu;

import io.lianmai.media.bwe.PathQuality;
import io.lianmai.wire.rtp.PlayoutDelayExtension;
import io.lianmai.wire.rtp.RtpPacket;
import java.time.Clock;

/**
 * Sits between a video down-track and its player's session and, while the player's path loses packets, asks its
 * receiver to hold frames long enough for their repairs: the playout delay extension
 * ({@code http://www.webrtc.org/experiments/rtp-hdrext/playout-delay}) with a minimum of two round trips and a frame's
 * time ({@link #delayFor}), at most {@code maxDelayMillis}.
 *
 * <p>Why: a receiver renders a frame when its playout time comes, and a later frame that does not depend on a missing
 * one (VP8's temporal layers) is decoded then and the missing one dropped. Its jitter buffer allows for the jitter it
 * sees and, once it has asked for repairs, for one round trip; a repair takes the gap's detection (up to a frame
 * later), one round trip through the bottleneck's queue, and on a lossy path sometimes a second when the repair is
 * lost too. Measured in {@code BandwidthAdaptationChromiumIT} (5 % loss each way, 100 ms round trip, 300 kbit/s cap):
 * Chromium dropped 21–55 frames in 20 s as late. The price is latency, for that player only and only while it loses.
 *
 * <p>On when the estimator's loss fraction (its last window of reported packets) reaches {@link #ON_LOSS}; off once
 * it has stayed under {@link #OFF_LOSS} for {@link #OFF_HOLD_MILLIS}. The delay follows the feedback round trip
 * (which counts the bottleneck's queue), re-read every {@link #EVALUATE_MILLIS}. While on, every packet carries the
 * bounds (rewritten in place, or added within {@link Buffers#MAX_GROWTH}); after going off, packets carry a minimum of
 * 0 for {@link #RESET_MILLIS} so that the receiver returns to its own delay, then nothing. The maximum written is
 * libwebrtc's default, {@link #MAX_BOUND_MILLIS}. Only for players whose downlink the server estimates (transport-cc):
 * the loss and the round trip come from their feedback. On the media thread; allocates nothing.
 */
public final class PlayoutDelayStamper implements RtpSink {
    static final double ON_LOSS = 0.02;
    static final double OFF_LOSS = 0.01;
    static final long OFF_HOLD_MILLIS = 10_000;
    static final long EVALUATE_MILLIS = 1000;
    static final long RESET_MILLIS = 2000;
    /** libwebrtc's default maximum playout delay ({@code VCMTiming}), written as the maximum. */
    static final int MAX_BOUND_MILLIS = 10_000;
    /** A frame's time at the small layers' lowest frame rates: the gap is seen only when the next packet comes. */
    static final int FRAME_MILLIS = 50;
    /** Never less than this while on: loopback round trips are a few ms, the jitter buffer's own floor is more. */
    static final int MIN_DELAY_MILLIS = 100;
    private static final long NONE = Long.MIN_VALUE;

    private final RtpSink session;
    private final int extensionId;
    private final PathQuality estimator;
    private final Clock clock;
    private final int maxDelayMillis;
    private final RtpPacket packet = new RtpPacket();
    private long evaluatedAt = NONE;
    private long lowSince = NONE;
    private long offAt = NONE;
    private int delayMillis;
    private long stamped;
    private long unstamped;
    private long turnedOn;

    /**
     * @param session where the packets go
     * @param extensionId the player's playout delay extension id in this down-track's m-line
     * @param estimator the player's downlink estimator ({@code SendSideBandwidthEstimator}): its loss fraction and
     *     feedback round trip
     * @param clock the media plane's clock
     * @param maxDelayMillis the largest minimum delay asked for ({@code media.bwe.playoutDelayMaxMs})
     */
    public PlayoutDelayStamper(RtpSink session, int extensionId, PathQuality estimator, Clock clock,
            int maxDelayMillis) {
        this.session = session;
        this.extensionId = extensionId;
        this.estimator = estimator;
        this.clock = clock;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** The minimum delay asked for: two round trips and a frame, within {@link #MIN_DELAY_MILLIS} and {@code max}. */
    static int delayFor(long rttMillis, int maxDelayMillis) {
        long delay = 2 * Math.max(0, rttMillis) + FRAME_MILLIS;
        return (int) Math.min(maxDelayMillis, Math.max(MIN_DELAY_MILLIS, delay));
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        if (stamping() && packet.wrap(buf, off, len)) {
            stamp(packet);
            session.sendRtp(packet);
        } else {
            session.sendRtp(buf, off, len);
        }
    }

    /** Stamps the packet through its view while on (one search of its extensions), and passes the view on. */
    @Override
    public void sendRtp(RtpPacket view) {
        if (stamping()) {
            stamp(view);
        }
        session.sendRtp(view);
    }

    /** Whether packets carry the bounds now: on, or resetting after going off. */
    private boolean stamping() {
        long now = clock.millis();
        if (evaluatedAt == NONE || now - evaluatedAt >= EVALUATE_MILLIS) {
            evaluate(now);
        }
        return delayMillis > 0 || offAt != NONE && now - offAt < RESET_MILLIS;
    }

    private void stamp(RtpPacket view) {
        long element = view.findExtension(extensionId);
        int valueOffset = -1;
        if (element == RtpPacket.NOT_FOUND) {
            valueOffset = view.addExtension(extensionId, PlayoutDelayExtension.LENGTH,
                    Buffers.growthLimit(view.buffer(), view.offset(), view.length()));
        } else if (RtpPacket.extensionValueLength(element) == PlayoutDelayExtension.LENGTH) {
            valueOffset = RtpPacket.extensionValueOffset(element);
        }
        if (valueOffset >= 0) {
            PlayoutDelayExtension.writeValue(view.buffer(), valueOffset, delayMillis, MAX_BOUND_MILLIS);
            stamped++;
        } else {
            unstamped++;
        }
    }

    private void evaluate(long now) {
        evaluatedAt = now;
        double loss = estimator.lossFraction();
        if (loss >= ON_LOSS) {
            if (delayMillis == 0) {
                turnedOn++;
            }
            lowSince = NONE;
        } else if (delayMillis == 0) {
            return; // off, and nothing to turn it on
        } else if (loss >= OFF_LOSS) {
            lowSince = NONE;
        } else if (lowSince == NONE) {
            lowSince = now;
        } else if (now - lowSince >= OFF_HOLD_MILLIS) {
            delayMillis = 0;
            offAt = now;
            lowSince = NONE;
            return;
        }
        delayMillis = delayFor(estimator.feedbackRttMicros() / 1000, maxDelayMillis);
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        session.sendRtcp(buf, off, len);
    }

    /** The minimum playout delay asked for now, ms; 0 when none. */
    public int delayMillis() {
        return delayMillis;
    }

    /** Times the delay was turned on. */
    public long turnedOn() {
        return turnedOn;
    }

    /** Packets sent with the bounds. */
    public long stamped() {
        return stamped;
    }

    /** Packets that should have carried them but could not grow. */
    public long unstamped() {
        return unstamped;
    }
}
