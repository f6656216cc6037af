package io.lianmai.media.sfu;

import io.lianmai.media.bwe.RembEstimate;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.wire.rtcp.ExtendedReport;
import io.lianmai.wire.rtcp.GenericNack;
import io.lianmai.wire.rtcp.RtcpFeedback;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.wire.rtp.RtpPacket;
import java.util.List;

/**
 * The player side of a session: the down-tracks that feed it, its feedback (NACKs answered from the publisher's
 * cache, PLI/FIR passed on as keyframe requests), sender reports every second for lip sync, and on every tick the
 * down-tracks' start from a cached keyframe ({@link DownTrack#tick}) and, where its downlink is estimated, the
 * layers fitted to the estimate ({@link LayerAllocator}).
 */
public final class Subscription implements SessionRole {
    private static final long REPORT_INTERVAL_MILLIS = 1000;
    /** Receiving SSRCs of one player whose RRTRs are answered: a player has an audio and a video stream or two. */
    private static final int MAX_RRTR_SOURCES = 4;

    private final String streamKey;
    private final List<DownTrack> downTracks;
    private final RtpSink peer;
    private final RtcpIterator rtcp = new RtcpIterator();
    private final GenericNack nack = new GenericNack();
    private final RetransmissionBudget budget;
    /** This player's own estimate from its REMB, or null unless it negotiated goog-remb and not transport-cc. */
    private RembEstimate rembEstimate;
    /** The estimate of this player's downlink, or null when transport-cc was not negotiated (or is off). */
    private SendSideBandwidthEstimator bandwidthEstimator;
    /** Fits the layers to the estimate (the server's, else the player's REMB), or null with neither. */
    private LayerAllocator layerAllocator;
    private long lastReportMillis;
    private long nacksReceived;
    private long keyframeRequestsReceived;
    /**
     * The player's receiver reference times (RFC 3611 RRTR) not answered yet, the latest per receiving SSRC (each of
     * its receive streams reports for itself): SSRC, middle 32 bits of its NTP time, when it came.
     */
    private final long[] rrtrSsrc = new long[MAX_RRTR_SOURCES];
    private final long[] rrtrMiddle = new long[MAX_RRTR_SOURCES];
    private final long[] rrtrAtMillis = new long[MAX_RRTR_SOURCES];
    private int rrtrCount;
    private long dlrrSent;

    // NACK handling state, set before each forEachLostSequenceNumber so the callback needs no capture.
    private DownTrack nackTarget;
    private long nackNow;
    private byte[] nackScratch;
    private final java.util.function.IntConsumer onLost = this::retransmit;

    /** A player whose NACKs are answered without limit (a local player sends none). */
    public Subscription(String streamKey, List<DownTrack> downTracks, RtpSink peer) {
        this(streamKey, downTracks, peer, null);
    }

    /**
     * A player whose NACKs are answered within {@code budget} (shared by its down-tracks; see
     * {@link DownTrack#limitRetransmissions}), or without limit when it is null.
     */
    public Subscription(String streamKey, List<DownTrack> downTracks, RtpSink peer, RetransmissionBudget budget) {
        this.streamKey = streamKey;
        this.downTracks = List.copyOf(downTracks);
        this.peer = peer;
        this.budget = budget;
        if (budget != null) {
            for (DownTrack downTrack : this.downTracks) {
                downTrack.limitRetransmissions(budget);
            }
        }
    }

    /**
     * Feeds this player's transport-cc feedback to {@code estimator}, whose sequence numbers its down-tracks stamp
     * (see {@link TransportSequenceStamper}). Call before the session is registered.
     */
    public void estimateBandwidth(SendSideBandwidthEstimator estimator) {
        this.bandwidthEstimator = estimator;
        this.layerAllocator = estimator == null ? null : new LayerAllocator(downTracks, estimator);
    }

    /** What fits this player's layers to its estimate, or null when it has no estimator. */
    public LayerAllocator layerAllocator() {
        return layerAllocator;
    }

    /** The estimator of this player's downlink, or null when it has none (no transport-cc, or turned off). */
    public SendSideBandwidthEstimator bandwidthEstimator() {
        return bandwidthEstimator;
    }

    /**
     * Reads this player's REMB into {@code estimate}, which then fits its layers ({@link LayerAllocator}): for a
     * player that negotiated {@code goog-remb} and not transport-cc (its packets carry the server's abs-send-time, see
     * {@link AbsSendTimeStamper}). Call before the session is registered.
     */
    public void estimateFromRemb(RembEstimate estimate) {
        this.rembEstimate = estimate;
        if (estimate != null && layerAllocator == null) {
            layerAllocator = new LayerAllocator(downTracks, estimate);
        }
    }

    /** This player's REMB-reported estimate, or null when its REMB is not read. */
    public RembEstimate rembEstimate() {
        return rembEstimate;
    }

    /**
     * The bitrate this player's downlink is estimated to carry now, bit/s: what the simulcast layer choice reads.
     * From the server's own estimator where the player negotiated transport-cc; otherwise the player's latest REMB
     * (kept however old, see {@link RembEstimate}), -1 until the first; -1 without either.
     */
    public long estimatedBitrate() {
        SendSideBandwidthEstimator estimator = bandwidthEstimator;
        if (estimator != null) {
            return estimator.targetBitrate();
        }
        RembEstimate remb = rembEstimate;
        return remb == null ? -1 : remb.bitrate();
    }

    /** The player's retransmission budget and its refusal counters, or null when unlimited. */
    public RetransmissionBudget retransmissionBudget() {
        return budget;
    }

    public String streamKey() {
        return streamKey;
    }

    public List<DownTrack> downTracks() {
        return downTracks;
    }

    @Override
    public void onRtp(RtpPacket packet, long nowMillis, byte[] scratch) {
        // A player sends no media; anything else is ignored.
    }

    @Override
    public void onRtcp(byte[] buf, int off, int len, long nowMillis, byte[] scratch) {
        rtcp.reset(buf, off, len);
        while (rtcp.next()) {
            int type = rtcp.packetType();
            int at = rtcp.packetOffset();
            if (type == RtcpPacketType.RTPFB && RtcpFeedback.format(buf, at) == RtcpFeedback.FMT_NACK) {
                if (nack.wrap(buf, at, rtcp.packetLength())) {
                    nacksReceived++;
                    DownTrack target = bySsrc(nack.mediaSsrc());
                    if (target != null) {
                        nackTarget = target;
                        nackNow = nowMillis;
                        nackScratch = scratch;
                        nack.forEachLostSequenceNumber(onLost);
                    }
                }
            } else if (type == RtcpPacketType.RTPFB
                    && RtcpFeedback.format(buf, at) == RtcpFeedback.FMT_TRANSPORT_CC) {
                if (bandwidthEstimator != null) {
                    bandwidthEstimator.onFeedback(buf, at, rtcp.packetLength(), nowMillis);
                    if (budget != null) {
                        budget.setRoundTripMillis(bandwidthEstimator.feedbackRttMicros() / 1000);
                    }
                }
            } else if (type == RtcpPacketType.XR) {
                long middle = ExtendedReport.receiverReferenceTimeMiddle32(buf, at, rtcp.packetLength());
                if (middle >= 0) {
                    onReceiverReferenceTime(ExtendedReport.senderSsrc(buf, at, rtcp.packetLength()), middle, nowMillis);
                }
            } else if (type == RtcpPacketType.PSFB) {
                int format = RtcpFeedback.format(buf, at);
                if (format == RtcpFeedback.FMT_PLI || format == RtcpFeedback.FMT_FIR) {
                    keyframeRequestsReceived++;
                    DownTrack target = format == RtcpFeedback.FMT_PLI ? bySsrc(RtcpFeedback.mediaSsrc(buf, at))
                            : firstVideo();
                    if (target != null) {
                        target.requestKeyframe();
                    }
                } else if (format == RtcpFeedback.FMT_AFB && rembEstimate != null) {
                    rembEstimate.onFeedback(buf, at, rtcp.packetLength(), nowMillis);
                }
            }
        }
    }

    private void onReceiverReferenceTime(long ssrc, long middle, long nowMillis) {
        int slot = 0;
        while (slot < rrtrCount && rrtrSsrc[slot] != ssrc) {
            slot++;
        }
        if (slot == rrtrCount) {
            if (rrtrCount == MAX_RRTR_SOURCES) {
                return; // more receiving SSRCs than a player has streams: the rest wait for the next interval
            }
            rrtrCount++;
        }
        rrtrSsrc[slot] = ssrc;
        rrtrMiddle[slot] = middle;
        rrtrAtMillis[slot] = nowMillis;
    }

    /**
     * Appends to a report compound an XR whose DLRR answers every pending RRTR (RFC 3611 §4.5), from {@code ssrc}:
     * libwebrtc keys the round trip it computes by the XR's sender, so each down-track's report carries it and the
     * player's stats show it for every stream. Returns the bytes written (0 with nothing pending).
     */
    private int writeDlrr(byte[] buf, int off, long ssrc, long nowMillis) {
        if (rrtrCount == 0) {
            return 0;
        }
        int len = ExtendedReport.writeDlrrHeader(buf, off, ssrc, rrtrCount);
        for (int i = 0; i < rrtrCount; i++) {
            long held = (nowMillis - rrtrAtMillis[i]) * 65_536 / 1000;
            ExtendedReport.writeDlrrSubBlock(buf, off, i, rrtrSsrc[i], rrtrMiddle[i], held);
        }
        dlrrSent++;
        return len;
    }

    /** DLRR blocks sent to the player (answers to its RRTRs: its own round-trip measurements). On the loop. */
    public long dlrrSent() {
        return dlrrSent;
    }

    /** Well-formed generic NACK packets the player sent. On the loop. */
    public long nacksReceived() {
        return nacksReceived;
    }

    /** PLIs and FIRs the player sent. On the loop. */
    public long keyframeRequestsReceived() {
        return keyframeRequestsReceived;
    }

    /** Packets resent to the player in answer to its NACKs, over its down-tracks. On the loop. */
    public long retransmitted() {
        long total = 0;
        for (int i = 0; i < downTracks.size(); i++) {
            total += downTracks.get(i).retransmitted();
        }
        return total;
    }

    private void retransmit(int sequenceNumber) {
        nackTarget.retransmit(sequenceNumber, nackNow, nackScratch);
    }

    private DownTrack bySsrc(long ssrc) {
        for (int i = 0; i < downTracks.size(); i++) {
            if (downTracks.get(i).ssrc() == ssrc) {
                return downTracks.get(i);
            }
        }
        return null;
    }

    private DownTrack firstVideo() {
        for (DownTrack downTrack : downTracks) {
            if (downTrack.source().isVideo()) {
                return downTrack;
            }
        }
        return null;
    }

    @Override
    public void tick(long nowMillis, byte[] scratch) {
        if (layerAllocator != null) {
            layerAllocator.tick(nowMillis);
        }
        for (int i = 0; i < downTracks.size(); i++) {
            downTracks.get(i).tick(nowMillis, scratch);
        }
        if (nowMillis - lastReportMillis < REPORT_INTERVAL_MILLIS) {
            return;
        }
        lastReportMillis = nowMillis;
        for (DownTrack downTrack : downTracks) {
            int len = downTrack.writeSenderReport(scratch, 0);
            if (len > 0) {
                len += writeDlrr(scratch, len, downTrack.ssrc(), nowMillis);
                peer.sendRtcp(scratch, 0, len);
            }
        }
        rrtrCount = 0;
    }

    @Override
    public void close() {
        for (DownTrack downTrack : downTracks) {
            downTrack.source().removeDownTrack(downTrack);
        }
    }
}
