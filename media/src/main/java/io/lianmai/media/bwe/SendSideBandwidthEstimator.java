package io.lianmai.media.bwe;

import io.lianmai.common.BigEndian;

import io.lianmai.wire.rtcp.TransportFeedback;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;

/**
 * Estimates one subscriber's downlink from its transport-cc feedback, in the manner of Google Congestion Control
 * (draft-ietf-rmcat-gcc-02; libwebrtc {@code goog_cc}): every packet the SFU sends it is numbered with a
 * transport-wide sequence number and remembered ({@link SentPacketHistory}); each feedback matches arrivals to send
 * times, and
 *
 * <ul>
 *   <li>the delay-based part groups packets into bursts ({@link InterArrivalDelta}), fits the trend of the queuing
 *       delay and detects over-use against an adaptive threshold ({@link TrendlineEstimator}), and drives an AIMD
 *       controller ({@link AimdRateControl}) bounded by the acknowledged throughput ({@link AcknowledgedBitrate});
 *   <li>the loss-based part ({@link LossBasedControl}) cuts on more than 10 % loss and grows below 2 %;
 * </ul>
 *
 * and the target is the smaller, within [{@link #MIN_BPS}, {@link #MAX_BPS}], starting at {@link #START_BPS}.
 *
 * <p>An estimate grows by itself to at most 1.5 × what the SFU forwards + 10 kbit/s, as libwebrtc's own does when
 * application-limited, so a subscriber fed the small layer is estimated near that layer's rate plus headroom. To
 * learn whether the path carries a bigger layer, the SFU probes ({@link #startProbe}): it pads what it sends up to
 * that layer's rate for a few ticks, and a probe that arrives at that rate raises the estimate at once.
 *
 * <p>On the media loop: {@link #stamp} per sent packet, {@link #onFeedback} per feedback; allocates nothing after
 * construction and logs nothing.
 */
public final class SendSideBandwidthEstimator implements DownlinkEstimate, PathQuality {
    /** Start: what libwebrtc starts a video call at (its default 300 kbit/s start bitrate). */
    public static final long START_BPS = 300_000;
    /** Floor: enough for audio and a thumbnail; the estimator never reports less. */
    public static final long MIN_BPS = 30_000;
    /** Ceiling: above any single camera layer the SFU forwards. */
    public static final long MAX_BPS = 20_000_000;
    /** Round-trip time assumed until feedback measures one. */
    private static final long DEFAULT_RTT_MICROS = 200_000;
    private static final long REFERENCE_UNITS = 1L << 24;

    private final SentPacketHistory history = new SentPacketHistory();
    private final InterArrivalDelta interArrival = new InterArrivalDelta();
    private final TrendlineEstimator trendline = new TrendlineEstimator();
    private final AcknowledgedBitrate acknowledged = new AcknowledgedBitrate();
    private final AimdRateControl aimd = new AimdRateControl(START_BPS, MIN_BPS, MAX_BPS);
    private final LossBasedControl lossBased = new LossBasedControl(START_BPS, MIN_BPS, MAX_BPS);
    private final ProbeBitrateEstimator probe = new ProbeBitrateEstimator();
    private final TransportFeedback feedback = new TransportFeedback();
    private final TransportFeedback.PacketStatusHandler onStatus = this::onPacketStatus;

    private long target = START_BPS;
    private long rttMicros = DEFAULT_RTT_MICROS;
    private boolean hasReference;
    private long lastReference;
    private long unwrappedReferenceMicros;
    /** Per feedback, set before the walk so that the handler needs no capture. */
    private long arrivalShiftMicros;
    private int feedbackReported;
    private int feedbackLost;
    private long newestSendMicros;
    private BandwidthUsage usage = BandwidthUsage.NORMAL;

    private long feedbacks;
    private long probes;
    private long probesRaised;
    private long lastProbeResult = -1;
    private long malformedFeedbacks;
    private long unmatched;
    private long unstamped;

    /**
     * Numbers {@code packet} (about to be sent, {@code bytes} long) with the next transport-wide sequence number in
     * its element {@code extensionId} and remembers its send time. A packet without that element (the caller could
     * not add it) is not numbered and counted in {@link #unstamped()}.
     */
    public void stamp(RtpPacket packet, int extensionId, int bytes, long nowMillis) {
        long element = extensionId <= 0 ? RtpPacket.NOT_FOUND : packet.findExtension(extensionId);
        boolean usable = element != RtpPacket.NOT_FOUND
                && RtpPacket.extensionValueLength(element) >= TransportSequenceNumberExtension.LENGTH;
        stamp(packet.buffer(), usable ? RtpPacket.extensionValueOffset(element) : -1, bytes, nowMillis);
    }

    /**
     * {@link #stamp(RtpPacket, int, int, long)} for a caller that has found (or added) the element itself: writes the
     * next transport-wide sequence number at {@code valueOffset} of {@code buf}, or with {@code valueOffset} -1 (no
     * element) counts the packet in {@link #unstamped()}.
     */
    public void stamp(byte[] buf, int valueOffset, int bytes, long nowMillis) {
        if (valueOffset < 0) {
            unstamped++;
            return;
        }
        int cluster = probe.openCluster();
        int seq = history.onSent(bytes, nowMillis * 1000, cluster);
        if (cluster != 0) {
            probe.onSent(bytes, nowMillis * 1000);
        }
        BigEndian.put16(buf, valueOffset, seq);
    }

    /**
     * The subscriber's transport-cc feedback (one RTCP packet at {@code off}), received at {@code nowMillis}: updates
     * the estimate. Malformed feedback is counted and ignored.
     */
    public void onFeedback(byte[] buf, int off, int len, long nowMillis) {
        if (!feedback.wrap(buf, off, len)) {
            malformedFeedbacks++;
            return;
        }
        long reference = feedback.referenceTime() & (REFERENCE_UNITS - 1);
        if (!hasReference) {
            hasReference = true;
            unwrappedReferenceMicros = feedback.referenceTimeMicros();
        } else {
            long step = (reference - lastReference) << 40 >> 40; // signed 24-bit difference: the field wraps
            unwrappedReferenceMicros += step * 64_000;
        }
        lastReference = reference;
        arrivalShiftMicros = unwrappedReferenceMicros - feedback.referenceTimeMicros();
        feedbackReported = 0;
        feedbackLost = 0;
        newestSendMicros = Long.MIN_VALUE;
        if (feedback.forEachPacket(onStatus) < 0) {
            malformedFeedbacks++;
        }
        feedbacks++;
        long now = nowMillis * 1000;
        if (newestSendMicros != Long.MIN_VALUE) {
            // Feedback round trip: from sending the newest packet reported to hearing of it (RTT + feedback delay).
            long sample = Math.max(0, now - newestSendMicros);
            rttMicros = (rttMicros * 7 + sample) / 8;
        }
        lossBased.onFeedback(feedbackReported, feedbackLost);
        long delayBased = aimd.update(usage, acknowledged.bitrate(), rttMicros, now);
        target = lossBased.update(delayBased, acknowledged.bitrate(), rttMicros, now);
        long probed = probe.poll(now);
        if (probed >= 0) {
            lastProbeResult = probed;
            if (probed > target && usage != BandwidthUsage.OVERUSING) {
                // As goog_cc: a probe that shows more than the estimate sets both controllers to what it showed.
                aimd.setEstimate(probed, now);
                lossBased.setBitrate(probed);
                target = lossBased.update(aimd.bitrate(), acknowledged.bitrate(), rttMicros, now);
                probesRaised++;
            }
        }
    }

    /**
     * Starts a probe cluster: every packet stamped from now until {@link #endProbe} belongs to it, and the
     * subscriber's feedback on them tells what rate the path carried ({@link ProbeBitrateEstimator}). A probe that
     * shows more than the estimate raises it at once, which the additive increase would take tens of seconds to do:
     * the caller pads the cluster up to the rate it wants to know the path carries. A cluster still waiting for its
     * feedback is given up.
     */
    @Override
    public void startProbe() {
        probe.start();
        probes++;
    }

    /** Ends the probe cluster started last; its result comes with the feedback on it. */
    @Override
    public void endProbe(long nowMillis) {
        probe.end(nowMillis * 1000);
    }

    /** Whether a probe is open or waiting for its feedback. */
    @Override
    public boolean probing() {
        return probe.busy();
    }

    /** Over-use detected last, or more than {@link LossBasedControl#HIGH_LOSS} of the packets lost. */
    @Override
    public boolean congested() {
        return usage == BandwidthUsage.OVERUSING || lossBased.lossFraction() > LossBasedControl.HIGH_LOSS;
    }

    /** Probe clusters started. */
    public long probes() {
        return probes;
    }

    /** Probes whose result raised the estimate. */
    public long probesRaised() {
        return probesRaised;
    }

    /** What the last probe showed, bit/s: 0 if it showed nothing valid, -1 before any. */
    public long lastProbeResult() {
        return lastProbeResult;
    }

    private void onPacketStatus(int sequenceNumber, int status, long arrivalMicros) {
        long seq = history.find(sequenceNumber);
        if (seq < 0) {
            unmatched++;
            return;
        }
        if (status == TransportFeedback.NOT_RECEIVED) {
            feedbackReported++;
            feedbackLost++;
            probe.onLost(history.cluster(seq));
            return;
        }
        if (!history.acknowledge(seq)) {
            return; // reported received before
        }
        feedbackReported++;
        long arrival = arrivalMicros + arrivalShiftMicros;
        long sent = history.sendMicros(seq);
        newestSendMicros = Math.max(newestSendMicros, sent);
        acknowledged.add(arrival, history.size(seq));
        probe.onReceived(history.cluster(seq), history.size(seq), sent, arrival);
        if (interArrival.add(sent, arrival)) {
            usage = trendline.update(interArrival.arrivalDeltaMicros(), interArrival.sendDeltaMicros(),
                    interArrival.lastArrivalMicros());
        }
    }

    /** The target bitrate for everything sent to this subscriber, bit/s. */
    @Override
    public long targetBitrate() {
        return target;
    }

    /** The delay-based part of the estimate, bit/s. */
    public long delayBasedBitrate() {
        return aimd.bitrate();
    }

    /** The throughput the subscriber acknowledged over the last 500 ms, bit/s, or -1 before it is known. */
    public long acknowledgedBitrate() {
        return acknowledged.bitrate();
    }

    /** The acknowledged throughput, or the estimate before that is known. */
    @Override
    public long deliveredBitrate() {
        long delivered = acknowledged.bitrate();
        return delivered < 0 ? targetBitrate() : delivered;
    }

    /** The loss fraction of the last packets reported, 0..1. */
    @Override
    public double lossFraction() {
        return lossBased.lossFraction();
    }

    /** What the delay detector concluded last. */
    public BandwidthUsage usage() {
        return usage;
    }

    /** Smoothed feedback round trip (RTT plus the receiver's feedback delay), µs. */
    @Override
    public long feedbackRttMicros() {
        return rttMicros;
    }

    /** Packets numbered so far. */
    public long packetsStamped() {
        return history.sent();
    }

    /** Packets sent without a transport-wide sequence number (no room to add the extension). */
    public long unstamped() {
        return unstamped;
    }

    /** Feedback packets used. */
    public long feedbacks() {
        return feedbacks;
    }

    /** Feedback packets that did not parse (wholly or in part). */
    public long malformedFeedbacks() {
        return malformedFeedbacks;
    }

    /** Reported packets that matched nothing sent (too old, or never sent). */
    public long unmatched() {
        return unmatched;
    }
}
