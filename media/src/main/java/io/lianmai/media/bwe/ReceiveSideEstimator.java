package io.lianmai.media.bwe;

/**
 * Estimates a publisher's uplink at the server, for publishers that negotiated {@code goog-remb} and abs-send-time but
 * not transport-cc (aiortc is one): they get no transport-cc feedback for a send-side estimator of their own, so the
 * server runs the receive-side estimator of Google Congestion Control (draft-ietf-rmcat-gcc-02 §5; libwebrtc's
 * {@code RemoteBitrateEstimatorAbsSendTime}, aiortc's {@code rate.RemoteBitrateEstimator}) and tells the publisher the
 * result in REMB (draft-alvestrand-rmcat-remb-03). It is the delay-based part of {@link SendSideBandwidthEstimator}
 * fed differently: each arriving packet's absolute send time (the publisher's clock, 24-bit 6.18 fixed-point seconds
 * that wrap every 64 s, unwrapped here) and arrival time go into the same burst grouping ({@link InterArrivalDelta}),
 * trendline over-use detector ({@link TrendlineEstimator}) and AIMD controller ({@link AimdRateControl}), which is
 * bounded by the incoming bitrate (the packets' bytes over their last 500 ms of arrival, {@link AcknowledgedBitrate}):
 * an increase never goes above 1.5 × that + 10 kbit/s, an over-use sets it to 0.85 × that.
 *
 * <p>As libwebrtc's {@code AimdRateControl} the estimate is not valid (and no REMB is sent, {@link #pollRemb}) until
 * {@link #INITIALIZATION_MICROS} of incoming bitrate has been measured, when it starts at that rate, or until the
 * first over-use, when it starts at 0.85 × that rate: a publisher is never told a made-up start value. The controller
 * is updated on the first packet {@link #UPDATE_INTERVAL_MICROS} or more after its last update, with the detector's
 * latest verdict, so an over-use is acted on within 200 ms and a cut is repeated at most every 200 ms (libwebrtc
 * reduces again after min(RTT, 200 ms); the server knows no RTT to the publisher here and takes 200 ms). A send time
 * that moved more than {@link #MAX_OFFSET_MICROS} away from the arrival clock since the packet before (a sender's
 * clock reset, or garbage) restarts the grouping (libwebrtc's {@code kArrivalTimeOffsetThresholdMs}), so one bad
 * value never reaches the detector.
 *
 * <p>On the media thread, per packet of the publication: allocates nothing after construction and logs nothing.
 */
public final class ReceiveSideEstimator {
    /** libwebrtc {@code AimdRateControl}'s {@code kInitializationTime}: incoming rate measured before the start. */
    static final long INITIALIZATION_MICROS = 5_000_000;
    /** Controller updates (and REMB decreases) at most this often: libwebrtc's 200 ms REMB interval floor. */
    static final long UPDATE_INTERVAL_MICROS = 200_000;
    /** A send time this far off the arrival clock since the packet before restarts the grouping. */
    static final long MAX_OFFSET_MICROS = 3_000_000;
    /** A REMB at least this often while the estimate is valid: about once a second, as libwebrtc's RTCP reports. */
    public static final long REMB_INTERVAL_MILLIS = 1000;
    /**
     * A REMB at once when the estimate falls below this fraction of the last one sent (libwebrtc
     * {@code PacketRouter::OnReceiveBitrateChanged}, {@code kSendThresholdPercent} = 97; today's
     * {@code RembThrottler} uses the same 3 %).
     */
    static final double DROP_FRACTION = 0.97;
    /** What the server assumes for the round trip (the additive increase's response time). */
    private static final long ASSUMED_RTT_MICROS = 200_000;
    private static final int FRACTION_BITS = 18;
    private static final int MAX_ABS_SEND_TIME = 0xFF_FFFF;

    private final InterArrivalDelta interArrival = new InterArrivalDelta();
    private final TrendlineEstimator trendline = new TrendlineEstimator();
    private final AcknowledgedBitrate incoming = new AcknowledgedBitrate();
    private final AimdRateControl aimd = new AimdRateControl(SendSideBandwidthEstimator.START_BPS,
            SendSideBandwidthEstimator.MIN_BPS, SendSideBandwidthEstimator.MAX_BPS);

    private boolean started;
    private int lastAbsSendTime;
    /** The send time unwrapped: 2^-18 s units since the first packet's. */
    private long sendTicks;
    private long lastArrivalMicros;
    private BandwidthUsage usage = BandwidthUsage.NORMAL;

    private boolean valid;
    private long firstRateMicros = Long.MIN_VALUE;
    private long lastUpdateMicros;
    private long lastRembMillis;
    private long lastRembBps = -1;

    private long packets;
    private long resets;
    private long rembs;

    /**
     * One packet of the publication that arrived at {@code nowMillis}, {@code bytes} long (its RTP header and payload),
     * whose abs-send-time element held {@code absSendTime} (24 bits; -1 when the packet had none, which is ignored).
     */
    public void onPacket(int absSendTime, int bytes, long nowMillis) {
        if (absSendTime < 0 || absSendTime > MAX_ABS_SEND_TIME) {
            return;
        }
        long arrival = nowMillis * 1000;
        if (!started) {
            started = true;
        } else {
            int step = (absSendTime - lastAbsSendTime) << 8 >> 8; // signed 24-bit difference: the field wraps at 64 s
            sendTicks += step;
            long sendStepMicros = ((long) step * 1_000_000) >> FRACTION_BITS;
            if (Math.abs(arrival - lastArrivalMicros - sendStepMicros) > MAX_OFFSET_MICROS) {
                interArrival.reset();
                resets++;
            }
        }
        lastAbsSendTime = absSendTime;
        lastArrivalMicros = arrival;
        packets++;
        incoming.add(arrival, bytes);
        if (interArrival.add((sendTicks * 1_000_000) >> FRACTION_BITS, arrival)) {
            usage = trendline.update(interArrival.arrivalDeltaMicros(), interArrival.sendDeltaMicros(),
                    interArrival.lastArrivalMicros());
        }
        update(arrival);
    }

    private void update(long now) {
        long rate = incoming.bitrate();
        if (rate < 0) {
            return;
        }
        if (!valid) {
            if (firstRateMicros == Long.MIN_VALUE) {
                firstRateMicros = now;
            }
            if (usage != BandwidthUsage.OVERUSING && now - firstRateMicros < INITIALIZATION_MICROS) {
                return;
            }
            valid = true;
            aimd.setEstimate(rate, now);
            lastUpdateMicros = now - UPDATE_INTERVAL_MICROS;
        }
        if (now - lastUpdateMicros >= UPDATE_INTERVAL_MICROS) {
            aimd.update(usage, rate, ASSUMED_RTT_MICROS, now);
            lastUpdateMicros = now;
        }
    }

    /**
     * The bitrate to send the publisher in a REMB now, or -1 when none is due: the first once the estimate is valid,
     * then every {@link #REMB_INTERVAL_MILLIS}, and at once when the estimate fell more than 3 % below the last sent
     * ({@link #DROP_FRACTION}). A returned value counts as sent.
     */
    public long pollRemb(long nowMillis) {
        if (!valid) {
            return -1;
        }
        long bitrate = aimd.bitrate();
        if (lastRembBps >= 0 && nowMillis - lastRembMillis < REMB_INTERVAL_MILLIS
                && bitrate >= lastRembBps * DROP_FRACTION) {
            return -1;
        }
        lastRembMillis = nowMillis;
        lastRembBps = bitrate;
        rembs++;
        return bitrate;
    }

    /** The estimate of the publisher's uplink, bit/s, or -1 while it is not valid yet. */
    public long bitrate() {
        return valid ? aimd.bitrate() : -1;
    }

    /** The incoming bitrate of the packets with abs-send-time over the last 500 ms, bit/s, or -1 before known. */
    public long incomingBitrate() {
        return incoming.bitrate();
    }

    /** What the delay detector concluded last. */
    public BandwidthUsage usage() {
        return usage;
    }

    /** Packets with abs-send-time used. */
    public long packets() {
        return packets;
    }

    /** Times the send times jumped away from the arrival clock and the grouping restarted. */
    public long resets() {
        return resets;
    }

    /** REMB values handed out by {@link #pollRemb}. */
    public long rembs() {
        return rembs;
    }
}
