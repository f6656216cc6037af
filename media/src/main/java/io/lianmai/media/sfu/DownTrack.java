package io.lianmai.media.sfu;

import io.lianmai.wire.rtcp.SenderReport;
import io.lianmai.wire.rtp.HeaderExtensionIterator;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtxPacket;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One published track as one subscriber receives it: its own SSRC, payload type and header extension ids, a
 * continuous sequence/timestamp space across publisher restarts and simulcast switches, and video held back until a
 * keyframe so the decoder never starts mid-GOP.
 *
 * <p>A new video subscriber asks the publisher for a keyframe. If none has come within the keyframe wait (or the
 * publisher is known to answer such requests more slowly than that), it is started from the publisher's cache
 * instead: the latest keyframe and everything after it, replayed {@link #REPLAY_BURST} packets at a time on each
 * packet of the layer and each tick until it has caught up with the live stream, through the same rewrite as live
 * packets so that the numbering runs on into them. The replayed frames' timestamps are compressed
 * {@link #REPLAY_TIME_COMPRESSION} times towards the newest one's, so that a receiver that paces playout by
 * timestamp shows them at once instead of keeping the live stream a GOP behind them. A keyframe
 * that has left the cache (a GOP longer than the cache) leaves the subscriber waiting for a keyframe, as before.
 * docs/media.md, "First frame".
 *
 * <p>Owned by the media thread; no allocation or logging per packet.
 */
public final class DownTrack {
    /** {@link #allocate}: no video for now (the subscriber's downlink cannot carry any layer; audio goes on). */
    public static final int PAUSED = -1;
    /** {@link #allocate}: no allocation, the layer its big/small preference names ({@link #preferLowLayer}). */
    public static final int UNALLOCATED = -2;
    /** Padding bytes per padding packet: RFC 3550's padding count is one byte. */
    static final int MAX_PADDING = 255;
    /** Packets replayed per step (each packet of the layer, each tick): catch-up far faster than the live rate. */
    static final int REPLAY_BURST = 32;
    /** How many times faster than real time the replayed frames' timestamps advance. */
    static final int REPLAY_TIME_COMPRESSION = 64;
    /** Past this many packets after the replay, no NACK can refer to a replayed packet any more. */
    private static final int REPLAY_MEMORY_PACKETS = 0x4000;
    /** Packets of a keyframe's frame looked for before the first one that says it is a keyframe. */
    private static final int MAX_KEYFRAME_LEAD = 16;
    private static final int SEQ_MASK = 0xFFFF;
    private static final long TS_MASK = 0xFFFF_FFFFL;

    private final PublishedTrack source;
    private final long ssrc;
    private final int payloadType;
    private final ExtensionIdMap extensionIds;
    private final RtpSink sink;
    private final RtpSequenceRewriter rewriter;
    /** VP8's and VP9's picture numbering made continuous across switches, or null for other codecs. */
    private final PictureNumberingRewriter pictures;
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
    /** The layer the subscriber's downlink was given ({@link LayerAllocator}), {@link #PAUSED} or {@link #UNALLOCATED}. */
    private int allocatedLayer = UNALLOCATED;
    private long layerSwitches;
    private long pauses;
    private long paddingPackets;
    private long paddingBytes;
    /** The last timestamp sent, which padding packets carry. */
    private long lastTimestamp;

    /** How long a new video subscriber waits for a keyframe before it is replayed one from the cache; -1: never. */
    private long keyframeWaitMillis = -1;
    private boolean attached;
    private long attachedAtMillis;
    /** Replaying from the cache of {@link #currentLayer}: the next source sequence number to send, else -1. */
    private int replayNext = -1;
    /** Source sequence numbers [replayFirst, replayAnchor] have compressed timestamps while replayMemory holds. */
    private boolean replayMemory;
    private int replayFirst;
    private int replayAnchor;
    private long replayAnchorTimestamp;
    private long replays;
    private long replayedPackets;
    private long replaysUnavailable;
    private int unavailableKeyframe = -1;
    private long packetsSent;
    private long octetsSent;
    private long retransmitted;
    private long refused;
    /** Retransmissions go out as RTX (RFC 4588) on this SSRC when the subscriber negotiated it, else -1. */
    private long rtxSsrc = -1;
    private int rtxPayloadType;
    private int rtxSequence;
    /** Where an RTX packet is built (two bytes longer than the original it carries), with SRTP's tailroom. */
    private byte[] rtxBuffer;

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
        this.pictures = PictureNumberingRewriter.forCodec(source.codec());
    }

    /**
     * Limits the subscriber's NACKs with {@code subscriberBudget}, shared by all its down-tracks: a packet is not
     * resent again within the repeat interval, and the budget caps packets per second and the share of bytes. Call
     * before the first packet; allocates the repeat history (one slot per packet the publisher's cache holds, at most
     * {@link IncomingLayer#VIDEO_CACHE_PACKETS}).
     */
    public void limitRetransmissions(RetransmissionBudget subscriberBudget) {
        this.budget = subscriberBudget;
        if (subscriberBudget.limits().repeatIntervalMillis() > 0) {
            // One slot per cached packet, but no more than the default cache's: a bigger cache (for long GOPs) need
            // not make every subscriber's history bigger; two packets sharing a slot only weaken the repeat check.
            int slots = Math.min(source.layers()[0].cache().capacity(), IncomingLayer.VIDEO_CACHE_PACKETS);
            resentSequence = new int[slots];
            resentAtMillis = new long[slots];
            Arrays.fill(resentSequence, -1);
            resentMask = slots - 1;
        }
    }

    /**
     * Lets a video subscriber start from the publisher's cached last keyframe when the keyframe it asks for has not
     * come within {@code waitMillis} (0: at once; negative: never, wait for the keyframe). Call before
     * {@link #attach}.
     */
    public void startFromCachedKeyframe(long waitMillis) {
        this.keyframeWaitMillis = waitMillis;
    }

    /**
     * Sends retransmissions as RTX (RFC 4588 §4): on {@code ssrc} with {@code payloadType} (whose {@code apt} is this
     * track's payload type), their own sequence numbers, the original sequence number before the payload. A receiver
     * then tells repairs from late packets, and a sender may later probe bandwidth with them. Call before
     * {@link #attach}; allocates the one buffer they are built in.
     */
    public void retransmitWithRtx(long ssrc, int payloadType) {
        this.rtxSsrc = ssrc;
        this.rtxPayloadType = payloadType;
        this.rtxSequence = ThreadLocalRandom.current().nextInt(0x10000);
        // An original is at most Buffers.MAX_PACKET; its RTX two bytes more, within the tailroom SRTP still needs.
        this.rtxBuffer = Buffers.packetArray();
    }

    /** Starts feeding this subscriber (on the media thread): joins the track and asks for a keyframe. */
    public void attach(long nowMillis) {
        attached = true;
        attachedAtMillis = nowMillis;
        source.addDownTrack(this);
        requestKeyframe();
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
            if (replayNext >= 0) {
                if (layer != currentLayer) {
                    return;
                }
                if (!isBefore(in.sequenceNumber(), replayNext)) {
                    // Already in the cache, where the replay will reach it.
                    replay(nowMillis, scratch);
                    return;
                }
                // A late packet the replay passed over as missing: sent as any reordered packet.
            } else {
                int wanted = forwardedLayer(nowMillis);
                if (wanted == PAUSED) {
                    currentLayer = -1; // resuming waits for a keyframe (or starts from the cache)
                    return;
                }
                if (currentLayer != wanted) {
                    if (layer != wanted) {
                        if (layer != currentLayer) {
                            return;
                        }
                        // Keep the current layer flowing while the wanted one gets a keyframe.
                        source.requestKeyframe(wanted);
                    } else if (keyframe) {
                        if (currentLayer >= 0) {
                            layerSwitches++;
                            if (budget != null && bitrate(wanted) < bitrate(currentLayer)) {
                                // What was resent of the bigger layer must not leave the smaller one unrepaired.
                                budget.forgetResent();
                            }
                        }
                        currentLayer = wanted;
                    } else {
                        source.requestKeyframe(wanted);
                        if (currentLayer < 0 && startReplay(wanted, nowMillis)) {
                            replay(nowMillis, scratch);
                        }
                        return;
                    }
                }
                if (layer != currentLayer) {
                    return;
                }
            }
        }
        // The publisher's packet was validated when it arrived: its copy needs no second parse.
        if (out.wrapCopy(in, scratch, 0)) {
            sendRewritten(nowMillis);
        }
    }

    /**
     * The media loop's periodic call: a video subscriber still waiting for a keyframe may start from the cache now,
     * and a replay goes on even while the publisher sends nothing.
     */
    public void tick(long nowMillis, byte[] scratch) {
        if (!source.isVideo()) {
            return;
        }
        if (replayNext < 0 && currentLayer < 0) {
            int wanted = forwardedLayer(nowMillis);
            if (wanted == PAUSED || !startReplay(wanted, nowMillis)) {
                return;
            }
        }
        if (replayNext >= 0) {
            replay(nowMillis, scratch);
        }
    }

    /** The packet bound to {@link #out}, rewritten into this subscriber's numbering and sent. */
    private void sendRewritten(long nowMillis) {
        int len = out.length();
        int sourceSeq = out.sequenceNumber();
        long sourceTimestamp = out.timestamp();
        if (!rewriter.rewrite(out.ssrc(), sourceSeq, sourceTimestamp, nowMillis)) {
            refused++;
            return;
        }
        out.setSequenceNumber(rewriter.sequenceNumber());
        out.setTimestamp(outputTimestamp(sourceSeq, sourceTimestamp));
        if (pictures != null) {
            pictures.rewrite(out.buffer(), out.payloadOffset(), out.payloadLength(), rewriter.run());
        }
        send();
        if (budget != null) {
            budget.onForwarded(len, nowMillis);
        }
    }

    /**
     * Whether to start from the cache now, and if so starts: the keyframe it asked for is overdue (or the
     * publisher answers later than the wait), and the latest keyframe and everything since are still cached.
     */
    private boolean startReplay(int layerIndex, long nowMillis) {
        if (keyframeWaitMillis < 0 || !attached) {
            return false;
        }
        IncomingLayer layer = source.layers()[layerIndex];
        if (nowMillis - attachedAtMillis < keyframeWaitMillis
                && layer.keyframes().answerDelayMillis(nowMillis) <= keyframeWaitMillis) {
            return false;
        }
        int first = layer.keyframeSequenceNumber();
        int newest = layer.newestSequenceNumber();
        PacketCache cache = layer.cache();
        if (first < 0 || newest < 0) {
            return false;
        }
        if (((newest - first) & SEQ_MASK) >= cache.capacity() || !cache.contains(first)) {
            // A GOP longer than the cache: wait for the keyframe after all (counted once per keyframe missed).
            if (first != unavailableKeyframe) {
                unavailableKeyframe = first;
                replaysUnavailable++;
            }
            return false;
        }
        // Packets of the keyframe's frame before the first one that says so (an SEI, say) belong to it too.
        long keyframeTimestamp = layer.keyframeTimestamp();
        for (int i = 0; i < MAX_KEYFRAME_LEAD && cache.timestampOf((first - 1) & SEQ_MASK) == keyframeTimestamp
                && ((newest - first + 1) & SEQ_MASK) < cache.capacity(); i++) {
            first = (first - 1) & SEQ_MASK;
        }
        currentLayer = layerIndex;
        replayNext = first;
        replayFirst = first;
        replayAnchor = newest;
        replayAnchorTimestamp = layer.newestTimestamp();
        replayMemory = true;
        replays++;
        return true;
    }

    /** Sends the next packets of the replay from the cache; when it reaches the newest packet, the live ones follow. */
    private void replay(long nowMillis, byte[] scratch) {
        IncomingLayer layer = source.layers()[currentLayer];
        PacketCache cache = layer.cache();
        int newest = layer.newestSequenceNumber();
        if (((newest - replayNext) & SEQ_MASK) >= cache.capacity() && isBefore(replayNext, newest)) {
            // Overtaken by the live stream (cannot happen at REPLAY_BURST per packet): wait for a keyframe.
            replayNext = -1;
            currentLayer = -1;
            source.requestKeyframe(layer.index());
            return;
        }
        for (int i = 0; i < REPLAY_BURST; i++) {
            if (isBefore(newest, replayNext)) {
                replayNext = -1;
                return;
            }
            int seq = replayNext;
            replayNext = (replayNext + 1) & SEQ_MASK;
            int len = cache.copyAnyAge(seq, scratch, 0);
            if (len > 0 && out.wrap(scratch, 0, len)) {
                replayedPackets++;
                sendRewritten(nowMillis);
            }
        }
    }

    /**
     * The subscriber's timestamp for a source packet: the rewriter's, except for replayed packets up to the newest
     * one at the replay's start, whose distance to it is divided by {@link #REPLAY_TIME_COMPRESSION}.
     */
    private long outputTimestamp(int sourceSeq, long sourceTimestamp) {
        long live = rewriter.timestampAt(sourceTimestamp);
        if (!replayMemory) {
            return live;
        }
        int sinceFirst = (sourceSeq - replayFirst) & SEQ_MASK;
        if (sinceFirst >= REPLAY_MEMORY_PACKETS && sinceFirst < 0x8000) {
            replayMemory = false; // long past: the comparisons below would soon wrap
            return live;
        }
        long behindAnchor = (replayAnchorTimestamp - sourceTimestamp) & TS_MASK;
        if (!isReplayed(sourceSeq) || behindAnchor >= 0x8000_0000L) {
            return live;
        }
        return (live + behindAnchor - behindAnchor / REPLAY_TIME_COMPRESSION) & TS_MASK;
    }

    /** Whether source packet {@code sourceSeq} was (or will be) sent by the replay, up to its newest packet then. */
    private boolean isReplayed(int sourceSeq) {
        return replayMemory && ((sourceSeq - replayFirst) & SEQ_MASK) <= ((replayAnchor - replayFirst) & SEQ_MASK);
    }

    /** Whether sequence number {@code a} comes before {@code b} (RFC 3550 serial order). */
    private static boolean isBefore(int a, int b) {
        int delta = (b - a) & SEQ_MASK;
        return delta != 0 && delta < 0x8000;
    }

    /**
     * Answers the subscriber's NACK for {@code outputSeq} from the publisher's cache (RFC 4585 with {@code nack}
     * feedback): as RTX where negotiated ({@link #retransmitWithRtx}), else as a plain retransmission on this
     * down-track's SSRC. Returns whether it could.
     */
    public boolean retransmit(int outputSeq, long nowMillis, byte[] scratch) {
        if (currentLayer < 0 && source.isVideo()) {
            return false;
        }
        if (!rewriter.isCurrentSource(outputSeq)) {
            return false;
        }
        if (leavingForSmallerLayer()) {
            // The downlink is congested and a smaller layer's keyframe will replace this layer: resending its
            // packets only deepens the queue and spends the budget the smaller layer's repairs will need.
            return false;
        }
        IncomingLayer layer = source.layers()[Math.max(currentLayer, 0)];
        int sourceSeq = rewriter.sourceSequenceNumber(outputSeq);
        // Replayed packets were old when sent: the cache's age limit for NACKs would refuse them all.
        boolean replayed = isReplayed(sourceSeq);
        PacketCache cache = layer.cache();
        if (budget != null && !withinBudget(outputSeq,
                replayed ? cache.lengthAnyAge(sourceSeq) : cache.lengthOf(sourceSeq, nowMillis), nowMillis)) {
            return false;
        }
        int len = replayed ? cache.copyAnyAge(sourceSeq, scratch, 0) : cache.copyTo(sourceSeq, scratch, 0, nowMillis);
        if (len < 0 || !out.wrap(scratch, 0, len)) {
            return false;
        }
        out.setSequenceNumber(outputSeq);
        out.setTimestamp(outputTimestamp(sourceSeq, out.timestamp()));
        if (pictures != null) {
            pictures.apply(out.buffer(), out.payloadOffset(), out.payloadLength());
        }
        retransmitted++;
        if (rtxSsrc < 0) {
            send();
            return true;
        }
        prepare();
        int rtxLength = RtxPacket.build(out, rtxBuffer, 0, rtxSsrc, rtxPayloadType, rtxSequence);
        if (rtxLength < 0 || rtxLength > Buffers.MAX_PACKET + RtxPacket.OSN_LENGTH) {
            return false;
        }
        rtxSequence = (rtxSequence + 1) & SEQ_MASK;
        sink.sendRtp(rtxBuffer, 0, rtxLength);
        return true;
    }

    /** Allocated a smaller layer than the one still forwarded until that layer's keyframe: a congested downlink. */
    private boolean leavingForSmallerLayer() {
        return source.isVideo() && allocatedLayer >= 0 && currentLayer >= 0 && allocatedLayer != currentLayer
                && bitrate(allocatedLayer) < bitrate(currentLayer);
    }

    private long bitrate(int layer) {
        return source.layers()[layer].averageBitrate();
    }

    /** Whether the budget lets {@code outputSeq} ({@code len} bytes, -1 if not cached) be resent now; records it. */
    private boolean withinBudget(int outputSeq, int len, long nowMillis) {
        if (len < 0) {
            return false;
        }
        int slot = outputSeq & resentMask;
        if (resentSequence != null && resentSequence[slot] == outputSeq
                && nowMillis - resentAtMillis[slot] < budget.repeatIntervalMillis()) {
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

    private void send() {
        prepare();
        lastTimestamp = out.timestamp();
        packetsSent++;
        octetsSent += out.payloadLength();
        sink.sendRtp(out);
    }

    /** Gives {@link #out} this subscriber's SSRC, payload type and header extension ids. */
    private void prepare() {
        out.setSsrc(ssrc);
        out.setPayloadType(payloadType);
        if (!extensionIds.isIdentity() && extensions.reset(out)) {
            while (extensions.next()) {
                extensions.setId(extensionIds.map(extensions.id()));
            }
        }
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

    /** Whether the subscriber asked for the small stream. */
    public boolean prefersLowLayer() {
        return preferLowLayer;
    }

    /**
     * Gives this video down-track the layer {@code layerIndex} of its track (what the subscriber's downlink carries),
     * {@link #PAUSED} for none, or {@link #UNALLOCATED} to go back to its big/small preference. The switch happens at
     * the wanted layer's next keyframe, asked for now; until then the current layer keeps flowing. Pausing stops the
     * video at once; resuming waits for a keyframe or starts from the cached one.
     */
    public void allocate(int layerIndex) {
        if (layerIndex == allocatedLayer || !source.isVideo()) {
            return;
        }
        if (layerIndex == PAUSED) {
            pauses++;
            replayNext = -1;
            currentLayer = -1;
            rewriter.restartAtNextPacket(); // what the pause skips is not lost: the numbering goes on after it
        } else if (layerIndex >= 0) {
            source.requestKeyframe(layerIndex);
        }
        allocatedLayer = layerIndex;
    }

    /** What {@link #allocate} last gave: a layer index, {@link #PAUSED} or {@link #UNALLOCATED}. */
    public int allocatedLayer() {
        return allocatedLayer;
    }

    /**
     * The layer this down-track wants the publisher to keep sending ({@link LayerDemand}): the one its big/small
     * preference names, ranked by what each layer has sent so that a layer the publisher paused is still wanted
     * ({@link PublishedTrack#rankedLayer}; -1 before any is measured, when the publication keeps every layer anyway),
     * also while its downlink gets a smaller one ({@link #allocate}): it probes for the preferred layer and goes back
     * to it as soon as the path allows, which a layer paused at the publisher would delay by a resume and a keyframe
     * (and a publisher's encoder reconfiguring each time). {@link #PAUSED} (-1) when its video is paused. Audio: 0.
     */
    public int wantedLayer() {
        if (!source.isVideo()) {
            return 0;
        }
        return allocatedLayer == PAUSED ? PAUSED : source.rankedLayer(preferLowLayer);
    }

    /** The layer to forward now: the wanted one, or what of it the publisher sends ({@link #wantedLayer}). */
    private int forwardedLayer(long nowMillis) {
        if (allocatedLayer == UNALLOCATED) {
            return source.selectLayer(preferLowLayer, nowMillis);
        }
        return allocatedLayer == PAUSED ? PAUSED : source.usableLayer(allocatedLayer, nowMillis);
    }

    /** The layer being forwarded now, -1 before the first keyframe or while paused. */
    public int currentLayer() {
        return currentLayer;
    }

    /** Whether padding can be sent: a video down-track with RTX negotiated ({@link #retransmitWithRtx}). */
    public boolean canPad() {
        return rtxSsrc >= 0 && source.isVideo() && attached;
    }

    /**
     * Sends about {@code bytes} of padding to the subscriber as padding-only packets on the RTX SSRC (as libwebrtc
     * pads: RFC 3550 §5.1 padding, no payload, so a receiver discards them after counting them for its
     * transport-cc feedback): what raises the rate of a bandwidth probe. Returns the bytes sent (0 without RTX).
     */
    public int sendPadding(int bytes) {
        if (!canPad()) {
            return 0;
        }
        int sent = 0;
        while (sent < bytes) {
            int padding = Math.min(MAX_PADDING, Math.max(1, bytes - sent));
            RtpPacket.writeFixedHeader(rtxBuffer, 0, false, rtxPayloadType, rtxSequence, lastTimestamp, rtxSsrc);
            rtxBuffer[0] |= 0x20; // P
            int len = RtpPacket.FIXED_HEADER_LENGTH + padding;
            Arrays.fill(rtxBuffer, RtpPacket.FIXED_HEADER_LENGTH, len - 1, (byte) 0);
            rtxBuffer[len - 1] = (byte) padding;
            rtxSequence = (rtxSequence + 1) & SEQ_MASK;
            sink.sendRtp(rtxBuffer, 0, len);
            sent += len;
            paddingPackets++;
        }
        paddingBytes += sent;
        return sent;
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

    /** Times this subscriber was started from the publisher's cached keyframe. */
    public long replays() {
        return replays;
    }

    /** Packets sent from the cache by those replays. */
    public long replayedPackets() {
        return replayedPackets;
    }

    /** Times a replay was due but the keyframe had left the cache (a GOP longer than the cache). */
    public long replaysUnavailable() {
        return replaysUnavailable;
    }

    /** Times the forwarded layer changed from one layer to another (at a keyframe of the new one). */
    public long layerSwitches() {
        return layerSwitches;
    }

    /** Times the video was paused because the subscriber's downlink could carry no layer. */
    public long pauses() {
        return pauses;
    }

    /** Padding packets sent for bandwidth probes. */
    public long paddingPackets() {
        return paddingPackets;
    }

    /** Padding bytes sent for bandwidth probes (RTP lengths). */
    public long paddingBytes() {
        return paddingBytes;
    }

    /** Packets of the current layer the rewriter refused (too old, or from before a switch). */
    public long refused() {
        return refused;
    }

}
