package io.lianmai.media.sfu;

import io.lianmai.wire.rtcp.SenderReport;
import io.lianmai.wire.rtp.HeaderExtensionIterator;
import io.lianmai.wire.rtp.RtpPacket;
import java.util.Arrays;

/**
 * One published track as one subscriber receives it: its own SSRC, payload type and header extension ids, a
 * continuous sequence/timestamp space across publisher restarts and simulcast switches, and video held back until a
 * keyframe so the decoder never starts mid-GOP.
 *
 * <p>Owned by the media thread; no allocation or logging per packet.
 */
public final class DownTrack {
    private final PublishedTrack source;
    private final long ssrc;
    private final int payloadType;
    private final ExtensionIdMap extensionIds;
    private final RtpSink sink;
    private final RtpSequenceRewriter rewriter;
    private final RtpPacket out = new RtpPacket();
    private final HeaderExtensionIterator extensions = new HeaderExtensionIterator();

    /** The subscriber's retransmission allowance, or null: NACKs are answered without limit. */
    private RetransmissionBudget budget;
    /** When each output sequence number (slot = seq & mask) was last resent, for the repeat interval. */
    private int[] resentSequence;
    private long[] resentAtMillis;
    private int resentMask;

    private boolean preferLowLayer;
    private int currentLayer = -1;
    private long packetsSent;
    private long octetsSent;
    private long retransmitted;
    private long refused;

    /**
     * @param source the track to receive
     * @param ssrc the SSRC this subscriber sees (announced in its SDP)
     * @param payloadType the subscriber's payload type for the track's codec
     * @param extensionIds publisher → subscriber header extension ids
     * @param sink the subscriber's session
     */
    public DownTrack(PublishedTrack source, long ssrc, int payloadType, ExtensionIdMap extensionIds, RtpSink sink) {
        this.source = source;
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.extensionIds = extensionIds;
        this.sink = sink;
        this.rewriter = new RtpSequenceRewriter(source.codec().clockRate());
    }

    /**
     * Limits the subscriber's NACKs with {@code subscriberBudget}, shared by all its down-tracks: a packet is not
     * resent again within the repeat interval, and the budget caps packets per second and the share of bytes. Call
     * before the first packet; allocates the repeat history (one slot per packet the publisher's cache holds).
     */
    public void limitRetransmissions(RetransmissionBudget subscriberBudget) {
        this.budget = subscriberBudget;
        if (subscriberBudget.limits().repeatIntervalMillis() > 0) {
            int slots = source.layers()[0].cache().capacity();
            resentSequence = new int[slots];
            resentAtMillis = new long[slots];
            Arrays.fill(resentSequence, -1);
            resentMask = slots - 1;
        }
    }

    /**
     * Sends one packet of {@code layer} to the subscriber if it is the layer it should get; a video down-track that
     * has not started, or is switching layers, waits for a keyframe of the wanted layer (and asks for one).
     *
     * @param in the publisher's packet; only read
     * @param scratch where the subscriber's copy is built
     */
    void forward(RtpPacket in, int layer, boolean keyframe, long nowMillis, byte[] scratch) {
        if (source.isVideo()) {
            int wanted = source.selectLayer(preferLowLayer, nowMillis);
            if (currentLayer != wanted) {
                if (layer != wanted) {
                    if (layer != currentLayer) {
                        return;
                    }
                    // Keep the current layer flowing while the wanted one gets a keyframe.
                    source.requestKeyframe(wanted);
                } else if (keyframe) {
                    currentLayer = wanted;
                } else {
                    source.requestKeyframe(wanted);
                    return;
                }
            }
            if (layer != currentLayer) {
                return;
            }
        }
        if (!rewriter.rewrite(in.ssrc(), in.sequenceNumber(), in.timestamp(), nowMillis)) {
            refused++;
            return;
        }
        int len = in.length();
        System.arraycopy(in.buffer(), in.offset(), scratch, 0, len);
        if (!out.wrap(scratch, 0, len)) {
            return;
        }
        out.setSequenceNumber(rewriter.sequenceNumber());
        out.setTimestamp(rewriter.timestamp());
        send(len);
        if (budget != null) {
            budget.onForwarded(len, nowMillis);
        }
    }

    /**
     * Answers the subscriber's NACK for {@code outputSeq} from the publisher's cache, as a plain retransmission on
     * this down-track's SSRC (RFC 4585 with {@code nack} feedback). Returns whether it could.
     */
    public boolean retransmit(int outputSeq, long nowMillis, byte[] scratch) {
        if (currentLayer < 0 && source.isVideo()) {
            return false;
        }
        if (!rewriter.isCurrentSource(outputSeq)) {
            return false;
        }
        IncomingLayer layer = source.layers()[Math.max(currentLayer, 0)];
        int sourceSeq = rewriter.sourceSequenceNumber(outputSeq);
        if (budget != null && !withinBudget(outputSeq, layer.cache().lengthOf(sourceSeq, nowMillis), nowMillis)) {
            return false;
        }
        int len = layer.cache().copyTo(sourceSeq, scratch, 0, nowMillis);
        if (len < 0 || !out.wrap(scratch, 0, len)) {
            return false;
        }
        out.setSequenceNumber(outputSeq);
        out.setTimestamp(rewriter.timestampAt(out.timestamp()));
        retransmitted++;
        send(len);
        return true;
    }

    /** Whether the budget lets {@code outputSeq} ({@code len} bytes, -1 if not cached) be resent now; records it. */
    private boolean withinBudget(int outputSeq, int len, long nowMillis) {
        if (len < 0) {
            return false;
        }
        int slot = outputSeq & resentMask;
        if (resentSequence != null && resentSequence[slot] == outputSeq
                && nowMillis - resentAtMillis[slot] < budget.limits().repeatIntervalMillis()) {
            budget.onRepeatRefused();
            return false;
        }
        if (!budget.tryRetransmit(len, nowMillis)) {
            return false;
        }
        if (resentSequence != null) {
            resentSequence[slot] = outputSeq;
            resentAtMillis[slot] = nowMillis;
        }
        return true;
    }

    private void send(int len) {
        out.setSsrc(ssrc);
        out.setPayloadType(payloadType);
        if (!extensionIds.isIdentity() && extensions.reset(out)) {
            while (extensions.next()) {
                extensions.setId(extensionIds.map(extensions.id()));
            }
        }
        packetsSent++;
        octetsSent += out.payloadLength();
        sink.sendRtp(out.buffer(), out.offset(), len);
    }

    /**
     * Writes a sender report for this down-track (RFC 3550 §6.4.1) into {@code buf}: the publisher's NTP ↔ RTP
     * mapping from its last report, translated into this subscriber's timestamp space, so that lip sync survives.
     *
     * @return its length, or 0 when there is nothing to report yet
     */
    public int writeSenderReport(byte[] buf, int off) {
        if (packetsSent == 0 || currentLayerIndex() < 0) {
            return 0;
        }
        IncomingLayer layer = source.layers()[currentLayerIndex()];
        if (!layer.hasSenderReport()) {
            return 0;
        }
        long rtp = rewriter.timestampAt(layer.senderReportRtpTimestamp());
        int len = SenderReport.write(buf, off, ssrc, layer.senderReportNtp(), rtp, packetsSent, octetsSent, 0);
        return Math.max(len, 0);
    }

    /** Asks for the small (lowest-bitrate) simulcast layer instead of the big one, or back. */
    public void preferLowLayer(boolean low) {
        preferLowLayer = low;
    }

    /** A keyframe request from the subscriber (PLI/FIR), passed on to the publisher, rate-limited there. */
    public void requestKeyframe() {
        if (source.isVideo()) {
            source.requestKeyframe(Math.max(currentLayer, 0));
        }
    }

    private int currentLayerIndex() {
        return source.isVideo() ? currentLayer : 0;
    }

    public PublishedTrack source() {
        return source;
    }

    /** The SSRC the subscriber sees. */
    public long ssrc() {
        return ssrc;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long octetsSent() {
        return octetsSent;
    }

    public long retransmitted() {
        return retransmitted;
    }

    /** Packets of the current layer the rewriter refused (too old, or from before a switch). */
    public long refused() {
        return refused;
    }

}
