package io.lianmai.media.sfu;

import io.lianmai.media.bwe.ReceiveSideEstimator;
import io.lianmai.media.bwe.TransportFeedbackGenerator;
import io.lianmai.wire.rtcp.GenericNack;
import io.lianmai.wire.rtcp.PictureLossIndication;
import io.lianmai.wire.rtcp.ReceiverEstimatedMaximumBitrate;
import io.lianmai.wire.rtcp.ReceiverReport;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.wire.rtcp.SenderReport;
import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtxPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import io.lianmai.media.sdp.NegotiatedMedia;
import io.lianmai.media.sdp.NegotiatedSession;
import java.util.Arrays;
import java.util.List;

/**
 * The publisher side of a session: maps incoming SSRCs to tracks and layers (from the SDP, or learned from the
 * rid/repaired-rid header extensions for simulcast), restores RTX, forwards, and keeps the publisher repairing:
 * NACKs for missing packets, PLIs for wanted keyframes, receiver reports every second, and transport-cc feedback
 * when negotiated (see {@link #sendTransportFeedback}) or REMB from the server's own estimate where the publisher
 * offered only that (see {@link #sendRemb}); and decides which simulcast layers the publisher should send,
 * pausing those nobody watches (see {@link #onLayerDemand}).
 */
public final class Publication implements SessionRole {
    private static final long REPORT_INTERVAL_MILLIS = 1000;
    private static final int MAX_NACKS_PER_TICK = 64;
    /** How often the simulcast layers the publisher should send are decided again ({@link LayerDemand}). */
    static final long LAYER_DEMAND_INTERVAL_MILLIS = 250;

    private final String streamKey;
    /** Iterated by index everywhere: a for-each would make an {@code Iterator} per packet or tick. */
    private final List<PublishedTrack> tracks;
    private final int[] rtxPayloadTypes;
    private final int ridExtensionId;
    private final int repairedRidExtensionId;
    private final long localSsrc;
    private final RtpSink peer;
    private final int[] nackScratch = new int[MAX_NACKS_PER_TICK];
    private final RtcpIterator rtcp = new RtcpIterator();
    private final SenderReport senderReport = new SenderReport();
    private long lastReportMillis;
    /** The publisher's transport-wide-cc extension id and the feedback it gets, or 0 and null. */
    private int transportCcExtensionId;
    private TransportFeedbackGenerator transportFeedback;
    private TransportFeedbackGenerator.FeedbackSink feedbackSink;
    /** For a REMB-only publisher: its abs-send-time extension id, the estimate of its uplink and its SSRCs. */
    private int absSendTimeExtensionId;
    private ReceiveSideEstimator uplinkEstimate;
    private long[] rembSsrcs;
    private long rembsSent;
    private LayerDemandListener layerDemandListener;
    private long lastLayerDemandMillis = Long.MIN_VALUE / 2;
    private long nacksSent;
    private long keyframeRequestsSent;
    /** The copies of this stream for other media loops' players (see {@link MirrorLink}); replaced, never changed. */
    private MirrorLink[] mirrors = new MirrorLink[0];
    private long closedMirrorsDropped;
    /** Set on a mirror publication: where what its players want goes back to the publishing loop. */
    private MirrorLink upstream;
    /** What the publisher negotiated (a mirror on another loop is built from it), or null. */
    private NegotiatedSession source;

    /**
     * @param tracks the published tracks, in m-line order
     * @param rtxPayloadTypes per track, the publisher's RTX payload type or -1
     * @param ridExtensionId the publisher's rtp-stream-id extension id, or 0
     * @param repairedRidExtensionId the publisher's repaired-rtp-stream-id extension id, or 0
     * @param localSsrc the SSRC the server uses as RTCP sender towards the publisher
     * @param peer where RTCP to the publisher goes
     */
    public Publication(String streamKey, List<PublishedTrack> tracks, int[] rtxPayloadTypes, int ridExtensionId,
            int repairedRidExtensionId, long localSsrc, RtpSink peer) {
        this.streamKey = streamKey;
        this.tracks = List.copyOf(tracks);
        this.rtxPayloadTypes = rtxPayloadTypes;
        this.ridExtensionId = ridExtensionId;
        this.repairedRidExtensionId = repairedRidExtensionId;
        this.localSsrc = localSsrc;
        this.peer = peer;
    }

    private List<NegotiatedMedia> negotiatedMedia = List.of();

    public String streamKey() {
        return streamKey;
    }

    /** The publisher's negotiated m-lines, one per track in the same order (players are offered these codecs). */
    public void setNegotiatedMedia(List<NegotiatedMedia> media) {
        negotiatedMedia = List.copyOf(media);
    }

    public List<NegotiatedMedia> negotiatedMedia() {
        return negotiatedMedia;
    }

    public List<PublishedTrack> tracks() {
        return tracks;
    }

    /** Remembers what this publication was built from, for mirrors on other loops (they only read it). */
    public void setSource(NegotiatedSession negotiation) {
        this.source = negotiation;
    }

    /** What this publication was built from ({@link #setSource}), or null. */
    public NegotiatedSession source() {
        return source;
    }

    /** Starts copying every packet to {@code link}'s mirror on another loop. On this publication's loop. */
    public void addMirror(MirrorLink link) {
        MirrorLink[] next = Arrays.copyOf(mirrors, mirrors.length + 1);
        next[mirrors.length] = link;
        mirrors = next;
    }

    /** Closes every mirror link (the publication ends): the mirrors end with it. On this publication's loop. */
    public void closeMirrors() {
        for (MirrorLink link : mirrors) {
            link.close();
            closedMirrorsDropped += link.dropped();
        }
        mirrors = new MirrorLink[0];
    }

    /** Packets the mirrors' queues had no room for, closed mirrors' included. On this publication's loop. */
    public long mirrorDropped() {
        long dropped = closedMirrorsDropped;
        for (MirrorLink link : mirrors) {
            dropped += link.dropped();
        }
        return dropped;
    }

    /**
     * Makes this a mirror of another loop's publication: it reports what its players want to {@code link} instead
     * of deciding what the publisher sends.
     */
    public void mirrorOf(MirrorLink link) {
        this.upstream = link;
    }

    /**
     * Records every packet's transport-wide sequence number (element {@code extensionId}) and sends the publisher
     * transport-cc feedback from now on, so that its send-side estimator adapts its uplink. Call before the first
     * packet.
     */
    public void sendTransportFeedback(int extensionId) {
        transportCcExtensionId = extensionId;
        transportFeedback = new TransportFeedbackGenerator(localSsrc);
        feedbackSink = peer::sendRtcp;
    }

    /**
     * Estimates the publisher's uplink from the abs-send-time (element {@code extensionId}) of every packet it sends
     * ({@code estimator}) and sends it that estimate in REMB (draft-alvestrand-rmcat-remb-03) for all its media SSRCs,
     * about once a second and at once on a drop of more than 3 % ({@link ReceiveSideEstimator#pollRemb}): for
     * publishers that negotiated {@code goog-remb} and not transport-cc, whose encoders follow REMB. Call before the
     * first packet.
     */
    public void sendRemb(int extensionId, ReceiveSideEstimator estimator) {
        int layers = 0;
        for (int ti = 0; ti < tracks.size(); ti++) {
            PublishedTrack track = tracks.get(ti);
            layers += track.layers().length;
        }
        absSendTimeExtensionId = extensionId;
        rembSsrcs = new long[Math.min(layers, 255)];
        uplinkEstimate = estimator;
    }

    /** The estimate of a REMB-only publisher's uplink the server sends it, or null when it does not. */
    public ReceiveSideEstimator uplinkEstimate() {
        return uplinkEstimate;
    }

    /** REMB packets sent to the publisher. On the loop. */
    public long rembsSent() {
        return rembsSent;
    }

    /**
     * Tells {@code listener} which simulcast layers of each track the publisher should send whenever that changes
     * (decided every {@value #LAYER_DEMAND_INTERVAL_MILLIS} ms on the tick; see {@link LayerDemand}). On the media
     * thread.
     */
    public void onLayerDemand(LayerDemandListener listener) {
        this.layerDemandListener = listener;
    }

    /** The transport-cc feedback this publisher gets, or null when not negotiated. */
    public TransportFeedbackGenerator transportFeedback() {
        return transportFeedback;
    }

    @Override
    public void onRtp(RtpPacket packet, long nowMillis, byte[] scratch) {
        MirrorLink[] copies = mirrors;
        for (int i = 0; i < copies.length; i++) {
            // As received: each mirror restores RTX and learns SSRCs itself.
            copies[i].offer(packet.buffer(), packet.offset(), packet.length());
        }
        TransportFeedbackGenerator feedback = transportFeedback;
        if (feedback != null) {
            // Read before routing: restoring an RTX packet moves its header.
            feedback.onPacket(TransportSequenceNumberExtension.read(packet, transportCcExtensionId), nowMillis);
        }
        ReceiveSideEstimator uplink = uplinkEstimate;
        if (uplink != null) {
            uplink.onPacket(AbsSendTimeExtension.read(packet, absSendTimeExtensionId), packet.length(), nowMillis);
        }
        route(packet, nowMillis, scratch);
        if (feedback != null && feedback.hasLargeRun()) {
            // After routing: the forwarded copies are out of scratch by now.
            feedback.sendDue(nowMillis, feedbackMediaSsrc(), scratch, feedbackSink);
        }
        if (uplink != null) {
            sendRembIfDue(uplink, nowMillis, scratch); // at once on a drop, so per packet; after routing, as above
        }
    }

    /** Sends the publisher a REMB if {@code uplink} has one due, naming every media SSRC known by now. */
    private void sendRembIfDue(ReceiveSideEstimator uplink, long nowMillis, byte[] scratch) {
        long bitrate = uplink.pollRemb(nowMillis);
        if (bitrate < 0) {
            return;
        }
        int count = 0;
        for (int ti = 0; ti < tracks.size(); ti++) {
            PublishedTrack track = tracks.get(ti);
            for (IncomingLayer layer : track.layers()) {
                if (layer.ssrc() >= 0 && count < rembSsrcs.length) {
                    rembSsrcs[count++] = layer.ssrc();
                }
            }
        }
        int len = ReceiverEstimatedMaximumBitrate.write(scratch, 0, localSsrc, bitrate, rembSsrcs, 0, count);
        if (count > 0 && len > 0) {
            peer.sendRtcp(scratch, 0, len);
            rembsSent++;
        }
    }

    private void route(RtpPacket packet, long nowMillis, byte[] scratch) {
        long ssrc = packet.ssrc();
        for (int t = 0; t < tracks.size(); t++) {
            PublishedTrack track = tracks.get(t);
            IncomingLayer[] layers = track.layers();
            for (IncomingLayer layer : layers) {
                if (layer.ssrc() == ssrc) {
                    track.onRtp(packet, layer, nowMillis, scratch);
                    return;
                }
                if (layer.rtxSsrc() == ssrc) {
                    if (packet.payloadLength() <= RtxPacket.OSN_LENGTH) {
                        return; // RTX padding-only probe
                    }
                    if (RtxPacket.restoreOriginal(packet, layer.ssrc(), track.payloadType())) {
                        track.onRtp(packet, layer, nowMillis, scratch);
                    }
                    return;
                }
            }
        }
        learn(packet, nowMillis, scratch);
    }

    /** An SSRC the SDP did not announce: find its layer by rid (or repaired rid, for RTX). */
    private void learn(RtpPacket packet, long nowMillis, byte[] scratch) {
        for (int t = 0; t < tracks.size(); t++) {
            PublishedTrack track = tracks.get(t);
            boolean rtx = packet.payloadType() == rtxPayloadTypes[t];
            if (!rtx && packet.payloadType() != track.payloadType()) {
                continue;
            }
            IncomingLayer[] layers = track.layers();
            int extensionId = rtx ? repairedRidExtensionId : ridExtensionId;
            for (IncomingLayer layer : layers) {
                boolean matches;
                if (layer.rid() == null) {
                    matches = layers.length == 1 && (rtx ? layer.rtxSsrc() < 0 : layer.ssrc() < 0);
                } else {
                    matches = extensionId > 0 && packet.extensionValueEquals(extensionId, layer.encodedRid());
                }
                if (matches) {
                    if (rtx) {
                        layer.learnRtxSsrc(packet.ssrc());
                    } else {
                        layer.learnSsrc(packet.ssrc());
                    }
                    route(packet, nowMillis, scratch);
                    return;
                }
            }
        }
        // An SSRC that matches no layer (yet): dropped.
    }

    @Override
    public void onRtcp(byte[] buf, int off, int len, long nowMillis, byte[] scratch) {
        MirrorLink[] copies = mirrors;
        for (int i = 0; i < copies.length; i++) {
            copies[i].offer(buf, off, len); // sender reports: the mirrors' players get them translated too
        }
        rtcp.reset(buf, off, len);
        while (rtcp.next()) {
            if (rtcp.packetType() == RtcpPacketType.SR
                    && senderReport.wrap(buf, rtcp.packetOffset(), rtcp.packetLength())) {
                IncomingLayer layer = layerBySsrc(senderReport.senderSsrc());
                if (layer != null) {
                    layer.onSenderReport(senderReport.ntpTimestamp(), senderReport.rtpTimestamp(), nowMillis);
                }
            }
        }
    }

    private IncomingLayer layerBySsrc(long ssrc) {
        for (int ti = 0; ti < tracks.size(); ti++) {
            PublishedTrack track = tracks.get(ti);
            for (IncomingLayer layer : track.layers()) {
                if (layer.ssrc() == ssrc) {
                    return layer;
                }
            }
        }
        return null;
    }

    @Override
    public void tick(long nowMillis, byte[] scratch) {
        if (mirrors.length > 0) {
            tickMirrors();
        }
        for (int ti = 0; ti < tracks.size(); ti++) {
            PublishedTrack track = tracks.get(ti);
            for (IncomingLayer layer : track.layers()) {
                if (layer.ssrc() < 0) {
                    continue;
                }
                int count = layer.pollNacks(nowMillis, nackScratch);
                if (count > 0) {
                    int len = GenericNack.write(scratch, 0, localSsrc, layer.ssrc(), nackScratch, 0, count);
                    if (len > 0) {
                        peer.sendRtcp(scratch, 0, len);
                        nacksSent++;
                    }
                }
                if (layer.pollKeyframeRequest(nowMillis)) {
                    int len = PictureLossIndication.write(scratch, 0, localSsrc, layer.ssrc());
                    if (len > 0) {
                        peer.sendRtcp(scratch, 0, len);
                        keyframeRequestsSent++;
                    }
                }
            }
        }
        if (transportFeedback != null) {
            transportFeedback.sendDue(nowMillis, feedbackMediaSsrc(), scratch, feedbackSink);
        }
        if (uplinkEstimate != null) {
            sendRembIfDue(uplinkEstimate, nowMillis, scratch);
        }
        if (nowMillis - lastReportMillis >= REPORT_INTERVAL_MILLIS) {
            lastReportMillis = nowMillis;
            sendReceiverReport(nowMillis, scratch);
        }
        if (nowMillis - lastLayerDemandMillis >= LAYER_DEMAND_INTERVAL_MILLIS) {
            lastLayerDemandMillis = nowMillis;
            decideLayers(nowMillis);
        }
    }

    /** Generic NACK packets sent to the publisher (each names one or more lost packets). On the loop. */
    public long nacksSent() {
        return nacksSent;
    }

    /** PLIs sent to the publisher. On the loop. */
    public long keyframeRequestsSent() {
        return keyframeRequestsSent;
    }

    /** The mirrors' keyframe requests passed on to the video tracks; closed mirrors dropped. */
    private void tickMirrors() {
        int open = 0;
        for (MirrorLink link : mirrors) {
            if (link.isClosed()) {
                continue;
            }
            open++;
            int layers = link.takeKeyframeRequests();
            for (int i = 0; layers != 0 && i < 31; i++) {
                if ((layers & (1 << i)) == 0) {
                    continue;
                }
                layers &= ~(1 << i);
                for (int ti = 0; ti < tracks.size(); ti++) {
                    PublishedTrack track = tracks.get(ti);
                    if (track.isVideo() && i < track.layers().length) {
                        track.requestKeyframe(i);
                    }
                }
            }
        }
        if (open < mirrors.length) {
            MirrorLink[] next = new MirrorLink[open];
            int n = 0;
            for (MirrorLink link : mirrors) {
                if (!link.isClosed()) {
                    next[n++] = link;
                } else {
                    closedMirrorsDropped += link.dropped();
                }
            }
            mirrors = next;
        }
    }

    /**
     * Decides again which simulcast layers the publisher should send (counting what the mirrors' players want), and
     * tells the listener of each change; a mirror tells its publishing loop what its own players want instead.
     */
    private void decideLayers(long nowMillis) {
        for (int t = 0; t < tracks.size(); t++) {
            PublishedTrack track = tracks.get(t);
            int elsewhere = 0;
            for (MirrorLink link : mirrors) {
                elsewhere |= link.wantedLayers(t);
            }
            boolean changed = track.updateLayerDemand(nowMillis, elsewhere);
            if (upstream != null) {
                upstream.setWantedLayers(t, track.lastWantedLayers());
            } else if (changed && layerDemandListener != null) {
                layerDemandListener.onActiveLayers(track.mid(), track.activeRids());
            }
        }
    }

    /** The media SSRC transport-cc feedback names: the first known stream's (it covers the whole transport). */
    private long feedbackMediaSsrc() {
        for (int ti = 0; ti < tracks.size(); ti++) {
            PublishedTrack track = tracks.get(ti);
            for (IncomingLayer layer : track.layers()) {
                if (layer.ssrc() >= 0) {
                    return layer.ssrc();
                }
            }
        }
        return 0;
    }

    private void sendReceiverReport(long nowMillis, byte[] scratch) {
        int blocks = 0;
        int headerLength = ReceiverReport.lengthFor(0);
        int offset = headerLength;
        for (int ti = 0; ti < tracks.size(); ti++) {
            PublishedTrack track = tracks.get(ti);
            for (IncomingLayer layer : track.layers()) {
                if (layer.statistics() != null && blocks < 31) {
                    int written = layer.statistics().writeReportBlock(scratch, offset, nowMillis * 1_000_000L);
                    if (written > 0) {
                        offset += written;
                        blocks++;
                    }
                }
            }
        }
        if (blocks > 0 && ReceiverReport.write(scratch, 0, localSsrc, blocks) > 0) {
            peer.sendRtcp(scratch, 0, offset);
        }
    }

    @Override
    public void close() {
        for (int ti = 0; ti < tracks.size(); ti++) {
            PublishedTrack track = tracks.get(ti);
            track.downTracks().clear();
        }
    }
}
