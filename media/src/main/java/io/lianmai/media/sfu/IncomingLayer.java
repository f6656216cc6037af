package io.lianmai.media.sfu;

import io.lianmai.wire.rtp.RtpStreamIdExtension;
import io.lianmai.wire.rtp.RtpStreamStatistics;

/**
 * One RTP stream a publisher sends for a track: the track itself, or one simulcast layer of it. Holds what
 * repairing and reporting on that stream needs: the retransmission cache, the NACK generator, keyframe requests,
 * reception statistics and the last sender report; and, for video, where its latest keyframe starts and its newest
 * packet, so that a new subscriber can be started from the cache ({@link DownTrack}).
 *
 * <p>Owned by the media thread; no allocation per packet.
 */
public final class IncomingLayer {
    private static final long BITRATE_WINDOW_MILLIS = 500;
    private static final long ACTIVE_MILLIS = 1500;
    /** Packets of a video layer the cache keeps by default (~1.5 MB): {@code media.videoCachePackets}. */
    public static final int VIDEO_CACHE_PACKETS = 1024;

    private final int index;
    private final String rid;
    private final byte[] encodedRid;
    private long ssrc;
    private long rtxSsrc = -1;
    private final PacketCache cache;
    private final NackGenerator nacks;
    private final KeyframeRequester keyframes;
    private RtpStreamStatistics statistics;
    private final int clockRate;

    private long lastPacketMillis = Long.MIN_VALUE / 2;
    private long windowStartMillis;
    private long windowBytes;
    private long bitrate;
    private long averageBitrate;
    private long nominalBitrate;

    private int newestSeq = -1;
    private long newestTimestamp;
    private int keyframeSeq = -1;
    private long keyframeTimestamp;

    private long senderReportNtp;
    private long senderReportRtpTimestamp;
    private boolean hasSenderReport;

    /** @param videoCachePackets packets a video layer's cache keeps, a power of two */
    IncomingLayer(int index, String rid, long ssrc, int clockRate, boolean video, int videoCachePackets) {
        this.index = index;
        this.rid = rid;
        this.encodedRid = rid == null ? null : RtpStreamIdExtension.encode(rid);
        this.ssrc = ssrc;
        this.clockRate = clockRate;
        // Video: 1024 packets are ~4 s of 2.5 Mbit/s, for NACKs and a GOP to replay; audio: 50 packets/s makes 128
        // more than enough for any NACK round trip.
        this.cache = new PacketCache(video ? videoCachePackets : 128, 1000);
        this.nacks = new NackGenerator(video ? 512 : 64, 10, 1000, 50);
        this.keyframes = new KeyframeRequester(300);
        this.statistics = ssrc >= 0 ? new RtpStreamStatistics(ssrc, clockRate) : null;
    }

    /** Position among the track's layers. */
    public int index() {
        return index;
    }

    /** The simulcast RTP stream id, or null for a track without simulcast. */
    public String rid() {
        return rid;
    }

    /** The rid as it appears in the rtp-stream-id header extension, or null. */
    public byte[] encodedRid() {
        return encodedRid;
    }

    /** The SSRC, or -1 until learned from the first packet carrying this layer's rid. */
    public long ssrc() {
        return ssrc;
    }

    /** The RTX SSRC repairing this layer, or -1. */
    public long rtxSsrc() {
        return rtxSsrc;
    }

    /** Binds the layer to the SSRC its first packet showed (simulcast publishers announce rids, not SSRCs). */
    public void learnSsrc(long learned) {
        ssrc = learned;
        statistics = new RtpStreamStatistics(learned, clockRate);
    }

    /** Binds the layer's repair stream to the SSRC its first RTX packet showed. */
    public void learnRtxSsrc(long learned) {
        rtxSsrc = learned;
    }

    PacketCache cache() {
        return cache;
    }

    NackGenerator nacks() {
        return nacks;
    }

    KeyframeRequester keyframes() {
        return keyframes;
    }

    /**
     * Notes a packet stored in the cache: the newest one, and where the latest keyframe starts (the earliest packet
     * of the newest keyframe seen; {@code keyframe} is true for its packets that say so).
     */
    void onStored(int seq, long timestamp, boolean keyframe) {
        if (newestSeq < 0 || isNewer(seq, newestSeq)) {
            newestSeq = seq;
            newestTimestamp = timestamp;
        }
        if (keyframe) {
            if (keyframeSeq < 0 || (timestamp != keyframeTimestamp && isNewerTimestamp(timestamp, keyframeTimestamp))) {
                keyframeSeq = seq;
                keyframeTimestamp = timestamp;
            } else if (timestamp == keyframeTimestamp && isNewer(keyframeSeq, seq)) {
                keyframeSeq = seq;
            }
        }
    }

    /** The newest sequence number received, or -1 before the first packet. */
    int newestSequenceNumber() {
        return newestSeq;
    }

    /** The RTP timestamp of the newest packet. */
    long newestTimestamp() {
        return newestTimestamp;
    }

    /** The first packet of the latest keyframe received, or -1 before any (it may have left the cache since). */
    int keyframeSequenceNumber() {
        return keyframeSeq;
    }

    /** The RTP timestamp of the latest keyframe. */
    long keyframeTimestamp() {
        return keyframeTimestamp;
    }

    private static boolean isNewer(int seq, int than) {
        int delta = (seq - than) & 0xFFFF;
        return delta != 0 && delta < 0x8000;
    }

    private static boolean isNewerTimestamp(long timestamp, long than) {
        long delta = (timestamp - than) & 0xFFFF_FFFFL;
        return delta != 0 && delta < 0x8000_0000L;
    }

    /** Reception statistics for receiver reports, or null before the SSRC is known. */
    public RtpStreamStatistics statistics() {
        return statistics;
    }

    /** Counts a packet for activity and bitrate. */
    void onPacket(int bytes, long nowMillis) {
        if (nowMillis - lastPacketMillis > ACTIVE_MILLIS) {
            // The first packet, or the layer is back after a pause: measure from here, not across the silence
            // (a window spanning it would make a resumed big layer look smaller than the small one).
            windowStartMillis = nowMillis;
            windowBytes = 0;
        }
        lastPacketMillis = nowMillis;
        windowBytes += bytes;
        long elapsed = nowMillis - windowStartMillis;
        if (elapsed >= BITRATE_WINDOW_MILLIS) {
            bitrate = windowBytes * 8000 / elapsed;
            averageBitrate = averageBitrate == 0 ? bitrate : (3 * averageBitrate + bitrate) / 4;
            nominalBitrate = Math.max(nominalBitrate, bitrate);
            windowBytes = 0;
            windowStartMillis = nowMillis;
        }
    }

    /**
     * Writes into {@code out} the sequence numbers to NACK to the publisher now.
     *
     * @return how many
     */
    public int pollNacks(long nowMillis, int[] out) {
        return nacks.poll(nowMillis, out);
    }

    /** Whether to send the publisher a keyframe request (PLI) now. */
    public boolean pollKeyframeRequest(long nowMillis) {
        return keyframes.poll(nowMillis);
    }

    /** Whether packets arrived recently. */
    public boolean isActive(long nowMillis) {
        return nowMillis - lastPacketMillis <= ACTIVE_MILLIS;
    }

    /** Bits per second over the last full window the layer sent in (500 ms), 0 before the first. */
    public long bitrate() {
        return bitrate;
    }

    /**
     * Bits per second smoothed over the last windows (a quarter of each new one), so that a keyframe does not make a
     * layer look twice its size; kept when the layer stops, as what it needs when it comes back. 0 before a window
     * has been measured. What the subscribers' layer allocation compares with their downlinks.
     */
    public long averageBitrate() {
        return averageBitrate;
    }

    /**
     * The highest bitrate a full window of this layer has measured, 0 before the first: what ranks it as the big
     * or the small layer ({@link PublishedTrack#rankedLayer}), kept while the publisher pauses it so that a paused
     * layer can still be asked for again. The highest, not the last: libwebrtc turns a bigger layer on at its
     * minimum bitrate while its estimate ramps up, below the smaller layer's, and a layer paused right then would
     * otherwise keep that low figure and never be wanted again.
     */
    public long nominalBitrate() {
        return nominalBitrate;
    }

    /** Records the publisher's sender report for this layer (for lip sync downstream and for LSR/DLSR). */
    public void onSenderReport(long ntp, long rtpTimestamp, long nowMillis) {
        if (statistics != null) {
            statistics.onSenderReport(ntp, nowMillis * 1_000_000L);
        }
        senderReportNtp = ntp;
        senderReportRtpTimestamp = rtpTimestamp;
        hasSenderReport = true;
    }

    boolean hasSenderReport() {
        return hasSenderReport;
    }

    long senderReportNtp() {
        return senderReportNtp;
    }

    long senderReportRtpTimestamp() {
        return senderReportRtpTimestamp;
    }
}
