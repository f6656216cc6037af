package io.lianmai.media.sfu;

import io.lianmai.wire.rtp.AudioLevelExtension;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * One track a publisher sends — its audio or its camera video — with its layers (one, or several for simulcast)
 * and the subscribers' {@link DownTrack}s it feeds.
 *
 * <p>The forward step: {@link #onRtp} records the packet for repair, notes keyframes and audio level, and hands it
 * to every down-track. Owned by the media thread; no allocation or logging per packet.
 */
public final class PublishedTrack {
    private static final long LAYER_SELECTION_MILLIS = 1000;

    private final String mid;
    private final Codec codec;
    private final int payloadType;
    private final int audioLevelExtensionId;
    private final IncomingLayer[] layers;
    private final List<DownTrack> downTracks = new ArrayList<>();
    /** Which layers the publisher should send, for a simulcast track; null for a single layer. */
    private final LayerDemand demand;
    /** What {@link #updateLayerDemand} last found wanted, a bit per layer (all, before it ran or without simulcast). */
    private int lastWanted = -1;

    private int audioLevel = AudioLevelExtension.SILENCE;
    private boolean voiceActivity;
    private long selectedAt = Long.MIN_VALUE / 2;
    private int bestHigh;
    private int bestLow;
    private long packets;
    private long octets;

    /**
     * @param mid the m-line's mid
     * @param codec the negotiated codec
     * @param payloadType the publisher's payload type for it
     * @param audioLevelExtensionId the publisher's ssrc-audio-level extension id, or 0
     * @param rids the simulcast rids in SDP order, or a single null for a track without simulcast
     * @param ssrcs the SSRCs announced in the SDP per layer (-1 where unknown until the first packet)
     */
    public PublishedTrack(String mid, Codec codec, int payloadType, int audioLevelExtensionId, String[] rids,
            long[] ssrcs) {
        this(mid, codec, payloadType, audioLevelExtensionId, rids, ssrcs, IncomingLayer.VIDEO_CACHE_PACKETS);
    }

    /**
     * @param videoCachePackets packets each video layer keeps for NACKs and for starting new subscribers from the
     *     last keyframe, a power of two ({@code media.videoCachePackets}); audio layers keep 128
     */
    public PublishedTrack(String mid, Codec codec, int payloadType, int audioLevelExtensionId, String[] rids,
            long[] ssrcs, int videoCachePackets) {
        this.mid = mid;
        this.codec = codec;
        this.payloadType = payloadType;
        this.audioLevelExtensionId = audioLevelExtensionId;
        this.layers = new IncomingLayer[rids.length];
        for (int i = 0; i < rids.length; i++) {
            layers[i] = new IncomingLayer(i, rids[i], ssrcs[i], codec.clockRate(), codec.isVideo(),
                    videoCachePackets);
        }
        this.demand = rids.length >= 2 ? new LayerDemand(rids.length) : null;
    }

    public String mid() {
        return mid;
    }

    public Codec codec() {
        return codec;
    }

    public boolean isVideo() {
        return codec.isVideo();
    }

    /** The publisher's payload type for the codec. */
    public int payloadType() {
        return payloadType;
    }

    /** The layers, in SDP order. */
    public IncomingLayer[] layers() {
        return layers;
    }

    /**
     * Forwards one decrypted packet of {@code layer} to every subscriber.
     *
     * @param packet the packet; only read (each down-track copies it into {@code scratch})
     * @param scratch a packet array the down-tracks may overwrite
     */
    public void onRtp(RtpPacket packet, IncomingLayer layer, long nowMillis, byte[] scratch) {
        int seq = packet.sequenceNumber();
        int outcome = layer.nacks().onPacket(seq, nowMillis);
        if (outcome == NackGenerator.OLD) {
            return;
        }
        if (outcome == NackGenerator.GAP_TOO_LARGE) {
            layer.keyframes().request();
        }
        layer.cache().store(seq, packet.buffer(), packet.offset(), packet.length(), nowMillis);
        layer.onPacket(packet.length(), nowMillis);
        packets++;
        octets += packet.payloadLength();
        if (layer.statistics() != null) {
            layer.statistics().onPacket(seq, packet.timestamp(), packet.payloadLength(), nowMillis * 1_000_000L);
        }
        boolean keyframe = false;
        if (codec.isVideo()) {
            keyframe = codec.isKeyframe(packet);
            if (keyframe) {
                layer.keyframes().onKeyframe(nowMillis);
            }
            layer.onStored(seq, packet.timestamp(), keyframe);
        } else if (audioLevelExtensionId > 0) {
            int value = AudioLevelExtension.read(packet, audioLevelExtensionId);
            if (value >= 0) {
                audioLevel = AudioLevelExtension.level(value);
                voiceActivity = AudioLevelExtension.voiceActivity(value);
            }
        }
        for (int i = 0, n = downTracks.size(); i < n; i++) {
            downTracks.get(i).forward(packet, layer.index(), keyframe, nowMillis, scratch);
        }
    }

    /**
     * The layer a subscriber should receive: among active layers (sending, and not paused by
     * {@link #updateLayerDemand}), the one with the highest bitrate, or the lowest when {@code preferLow} (TRTC's
     * small stream). Re-evaluated at most once a second, so subscribers do not flap, and at once when the publisher
     * is asked to pause or resume a layer.
     */
    int selectLayer(boolean preferLow, long nowMillis) {
        if (layers.length == 1) {
            return 0;
        }
        if (nowMillis - selectedAt >= LAYER_SELECTION_MILLIS) {
            selectedAt = nowMillis;
            int high = -1;
            int low = -1;
            for (IncomingLayer layer : layers) {
                if (!layer.isActive(nowMillis) || !isLayerWanted(layer.index())) {
                    // A layer the publisher was asked to pause is as good as gone: its last packets would still
                    // make it look active for a while, and a subscriber would wait for its keyframe in vain.
                    continue;
                }
                if (high < 0 || layer.bitrate() > layers[high].bitrate()) {
                    high = layer.index();
                }
                if (low < 0 || layer.bitrate() < layers[low].bitrate()) {
                    low = layer.index();
                }
            }
            bestHigh = Math.max(high, 0);
            bestLow = Math.max(low, 0);
        }
        return preferLow ? bestLow : bestHigh;
    }

    /**
     * What a subscriber given {@code wanted} can receive now: that layer while packets come, else the biggest active
     * layer smaller than it, else the smallest active one (a stopped layer must not leave a subscriber with nothing),
     * else {@code wanted}.
     */
    int usableLayer(int wanted, long nowMillis) {
        if (layers.length == 1 || layers[wanted].isActive(nowMillis)) {
            return wanted;
        }
        long wantedRate = layers[wanted].averageBitrate();
        int below = -1;
        int smallest = -1;
        for (IncomingLayer layer : layers) {
            if (!layer.isActive(nowMillis)) {
                continue;
            }
            long rate = layer.averageBitrate();
            if (rate < wantedRate && (below < 0 || rate > layers[below].averageBitrate())) {
                below = layer.index();
            }
            if (smallest < 0 || rate < layers[smallest].averageBitrate()) {
                smallest = layer.index();
            }
        }
        return below >= 0 ? below : smallest >= 0 ? smallest : wanted;
    }

    /**
     * The big (highest-bitrate) or, when {@code low}, the small (lowest-bitrate) layer, active or paused: ranked by
     * what each has been measured to send ({@link IncomingLayer#nominalBitrate}), so that a layer the publisher
     * paused is still the one a subscriber wants. Layers never measured are left out (their SDP order says nothing:
     * the web SDK lists the small one first, other senders the big one), so -1 until the publisher has sent a full
     * bitrate window (500 ms) of some layer.
     */
    int rankedLayer(boolean low) {
        int best = -1;
        for (IncomingLayer layer : layers) {
            long rate = layer.nominalBitrate();
            if (rate > 0 && (best < 0
                    || (low ? rate < layers[best].nominalBitrate() : rate > layers[best].nominalBitrate()))) {
                best = layer.index();
            }
        }
        return best;
    }

    /**
     * Decides again which layers the publisher should send from what the down-tracks want
     * ({@link DownTrack#wantedLayer}; a negative one wants none) and the layers allocated to them
     * ({@link DownTrack#allocatedLayer}) and the layers not measured yet (kept), keeping the
     * lowest-ranked when nobody wants any (see {@link LayerDemand}). On the media thread, a few times a second.
     *
     * @return whether the decision changed; always false for a track without simulcast
     */
    boolean updateLayerDemand(long nowMillis) {
        return updateLayerDemand(nowMillis, 0);
    }

    /**
     * As {@link #updateLayerDemand(long)}, with the layers players elsewhere want too ({@code elsewhere}, a bit per
     * layer: a mirror's on another media loop, see {@link MirrorLink}).
     */
    boolean updateLayerDemand(long nowMillis, int elsewhere) {
        if (demand == null) {
            return false;
        }
        int wanted = elsewhere & ((1 << layers.length) - 1);
        for (IncomingLayer layer : layers) {
            if (layer.nominalBitrate() == 0) {
                // Never measured: unranked, so nobody can want it yet; paused now, it never would be. (A layer the
                // publisher does not send at all, for a small capture, stays "active": that changes nothing.)
                wanted |= 1 << layer.index();
            }
        }
        for (int i = 0, n = downTracks.size(); i < n; i++) {
            DownTrack downTrack = downTracks.get(i);
            int layer = downTrack.wantedLayer();
            if (layer >= 0 && layer < layers.length) {
                wanted |= 1 << layer;
            }
            // The layer its downlink carries now, too (the estimate may hold it below the one it prefers).
            int allocated = downTrack.allocatedLayer();
            if (allocated >= 0 && allocated < layers.length) {
                wanted |= 1 << allocated;
            }
        }
        lastWanted = wanted;
        if (!demand.update(wanted, rankedLayer(true), nowMillis)) {
            return false;
        }
        selectedAt = Long.MIN_VALUE / 2;
        return true;
    }

    /** What the last {@link #updateLayerDemand} found wanted, a bit per layer; -1 (all) before or without simulcast. */
    int lastWantedLayers() {
        return lastWanted;
    }

    /** Whether the publisher should send layer {@code index} now (always true without simulcast). */
    public boolean isLayerWanted(int index) {
        return demand == null || demand.isActive(index);
    }

    /** The rids of the layers the publisher should send, in SDP order; allocates, so call it on a change only. */
    public List<String> activeRids() {
        List<String> rids = new ArrayList<>(layers.length);
        for (IncomingLayer layer : layers) {
            if (layer.rid() != null && isLayerWanted(layer.index())) {
                rids.add(layer.rid());
            }
        }
        return List.copyOf(rids);
    }

    /** Asks the publisher (rate-limited) for a keyframe on one layer. */
    void requestKeyframe(int layerIndex) {
        layers[layerIndex].keyframes().request();
    }

    /** Adds a subscriber; it waits for a keyframe before it gets video. */
    public void addDownTrack(DownTrack downTrack) {
        downTracks.add(downTrack);
    }

    public void removeDownTrack(DownTrack downTrack) {
        downTracks.remove(downTrack);
    }

    public List<DownTrack> downTracks() {
        return downTracks;
    }

    /** The last audio level read (0 loudest … 127 silence, RFC 6464 dBov), for volume events. */
    public int audioLevel() {
        return audioLevel;
    }

    /** Whether the last audio level carried the voice-activity flag. */
    public boolean voiceActivity() {
        return voiceActivity;
    }

    /** Packets received (after de-duplication). */
    public long packetsReceived() {
        return packets;
    }

    /** Payload bytes received. */
    public long octetsReceived() {
        return octets;
    }
}
