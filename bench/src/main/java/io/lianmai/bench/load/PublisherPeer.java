package io.lianmai.bench.load;

import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.wire.rtcp.GenericNack;
import io.lianmai.wire.rtcp.NtpTimestamp;
import io.lianmai.wire.rtcp.SenderReport;
import io.lianmai.wire.rtcp.RtcpFeedback;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.media.sdp.SessionDescription;
import java.security.SecureRandom;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * A simulated WHIP publisher: a browser's sendonly offer (Opus, and VP8 or H.264 with RTX and optional simulcast),
 * then synthetic media timed by the loop's tick — an audio packet every 20 ms, a video frame every 1/fps s split into
 * packets — answering the server's NACKs with RTX from its history and its PLIs/FIRs with a keyframe. Video and RTX
 * leave through one {@link Pacer} for all layers, as a browser's do; audio and RTCP leave at once.
 */
final class PublisherPeer extends SimulatedPeer {
    private static final int OPUS_PT = 111;
    private static final int VP8_PT = 96;
    private static final int H264_PT = 102;
    private static final String[] RIDS = {"q", "h", "f"};
    /** A publisher that fell further behind than this (a stalled loop) skips ahead instead of bursting. */
    private static final long MAX_BEHIND_NANOS = 200_000_000L;
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** Retransmissions that may wait in the pacer: a NACK names at most a few dozen packets. */
    private static final int PACER_RETRANSMISSION_SLOTS = 64;
    /** Video packets that may wait in the pacer, at least: room for a 1 Mbit/s keyframe several times over. */
    private static final int PACER_MIN_MEDIA_SLOTS = 64;

    private final MediaShape shape;
    private final String streamId;
    private final SyntheticStream audio;
    private final SyntheticStream[] layers;
    private final boolean[] keyframeWanted;
    private final long frameIntervalNanos;
    private final int timestampStep;
    private final Pacer pacer;
    private final GenericNack nack = new GenericNack();
    private final RtcpIterator rtcp = new RtcpIterator();
    private final IntConsumer onLost = this::retransmit;
    private int nackTarget;
    private long nackNow;

    private volatile boolean sending = true;
    private long lastReport;
    private long nextAudio;
    private long nextFrame;
    private long frameCount;

    private long nacksReceived;
    private long plisReceived;
    private long retransmitMisses;
    private long skippedFrames;

    private long windowPackets;
    private long windowBytes;
    private long windowPacerHeld;
    private long windowPacerOverflows;

    PublisherPeer(ClientLoop loop, String userId, MediaShape shape, Pacing pacing, Impairment impairment,
            DtlsContext dtls, SecureRandom secureRandom, long seed) {
        super(loop, userId, impairment, dtls, secureRandom, seed);
        this.shape = shape;
        this.streamId = userId + "_main";
        Random random = new Random(seed);
        this.audio = shape.hasAudio()
                ? new SyntheticStream(false, false, ssrc(random), -1, OPUS_PT, -1, '0', random) : null;
        int layerCount = shape.hasVideo() ? shape.simulcastLayers() : 0;
        this.layers = new SyntheticStream[layerCount];
        char videoMid = shape.hasAudio() ? '1' : '0';
        int pt = shape.h264() ? H264_PT : VP8_PT;
        for (int i = 0; i < layerCount; i++) {
            layers[i] = new SyntheticStream(true, shape.h264(), ssrc(random), ssrc(random), pt, pt + 1, videoMid,
                    random);
        }
        this.keyframeWanted = new boolean[layerCount];
        this.frameIntervalNanos = 1_000_000_000L / shape.fps();
        this.timestampStep = 90_000 / shape.fps();
        this.pacer = new Pacer(pacing, shape.totalVideoBitrate(), pacerMediaSlots(shape), PACER_RETRANSMISSION_SLOTS,
                this::onPacketReleased);
    }

    /** Room for the keyframes of every layer twice over (a power of two), so the queue fills only when overdriven. */
    private static int pacerMediaSlots(MediaShape shape) {
        int packets = 0;
        if (shape.hasVideo()) {
            for (int i = 0; i < shape.simulcastLayers(); i++) {
                int keyframe = shape.deltaFrameBytes(i) * MediaShape.KEYFRAME_WEIGHT;
                packets += (keyframe + MediaShape.MAX_PAYLOAD - 1) / MediaShape.MAX_PAYLOAD;
            }
        }
        int wanted = Math.max(PACER_MIN_MEDIA_SLOTS, 2 * packets);
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    private static long ssrc(Random random) {
        return (random.nextInt() & 0x7FFF_FFFFL) | 1;
    }

    String streamId() {
        return streamId;
    }

    /** Video layer {@code index}, lowest first; tests read its SSRC and sequence numbers to NACK it. */
    SyntheticStream videoLayer(int index) {
        return layers[index];
    }

    @Override
    String offer() {
        String cname = "lm" + Long.toHexString(layers.length > 0 ? layers[0].ssrc() : audio.ssrc());
        StringBuilder sdp = Sdp.header(localIce(), streamId, shape.hasAudio(), shape.hasVideo());
        if (audio != null) {
            Sdp.mediaLine(sdp, "audio", new int[] {OPUS_PT}, "0", localIce(), fingerprint(), "actpass",
                    hostCandidate(), "sendonly");
            sdp.append("a=extmap:").append(SyntheticStream.AUDIO_LEVEL_ID)
                    .append(" urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n");
            Sdp.commonExtensions(sdp);
            sdp.append("a=msid:").append(streamId).append(" audio\r\n");
            sdp.append("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
            Sdp.ssrc(sdp, audio.ssrc(), cname, streamId, "audio");
        }
        if (layers.length > 0) {
            int pt = shape.h264() ? H264_PT : VP8_PT;
            String mid = audio != null ? "1" : "0";
            Sdp.mediaLine(sdp, "video", new int[] {pt, pt + 1}, mid, localIce(), fingerprint(), "actpass",
                    hostCandidate(), "sendonly");
            Sdp.commonExtensions(sdp);
            if (layers.length > 1) {
                sdp.append("a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n");
                sdp.append("a=extmap:5 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n");
            }
            sdp.append("a=msid:").append(streamId).append(" video\r\n");
            sdp.append("a=rtcp-rsize\r\n");
            if (shape.h264()) {
                sdp.append("a=rtpmap:").append(pt).append(" H264/90000\r\n");
            } else {
                sdp.append("a=rtpmap:").append(pt).append(" VP8/90000\r\n");
            }
            sdp.append("a=rtcp-fb:").append(pt).append(" ccm fir\r\n");
            sdp.append("a=rtcp-fb:").append(pt).append(" nack\r\n");
            sdp.append("a=rtcp-fb:").append(pt).append(" nack pli\r\n");
            if (shape.h264()) {
                sdp.append("a=fmtp:").append(pt)
                        .append(" level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n");
            }
            sdp.append("a=rtpmap:").append(pt + 1).append(" rtx/90000\r\n");
            sdp.append("a=fmtp:").append(pt + 1).append(" apt=").append(pt).append("\r\n");
            if (layers.length > 1) {
                StringBuilder rids = new StringBuilder();
                StringBuilder sim = new StringBuilder();
                for (int i = 0; i < layers.length; i++) {
                    sdp.append("a=rid:").append(RIDS[i]).append(" send\r\n");
                    rids.append(i == 0 ? "" : ";").append(RIDS[i]);
                    sim.append(' ').append(layers[i].ssrc());
                }
                sdp.append("a=simulcast:send ").append(rids).append("\r\n");
                sdp.append("a=ssrc-group:SIM").append(sim).append("\r\n");
            }
            for (SyntheticStream layer : layers) {
                sdp.append("a=ssrc-group:FID ").append(layer.ssrc()).append(' ').append(layer.rtxSsrc())
                        .append("\r\n");
                Sdp.ssrc(sdp, layer.ssrc(), cname, streamId, "video");
                Sdp.ssrc(sdp, layer.rtxSsrc(), cname, streamId, "video");
            }
        }
        return sdp.toString();
    }

    @Override
    void onRemoteMedia(SessionDescription answer, boolean remoteOffered) {
        // The server keeps the payload types and extension ids of the offer; nothing to learn.
    }

    @Override
    void onConnected(long now) {
        nextAudio = now;
        nextFrame = now;
        for (int i = 0; i < keyframeWanted.length; i++) {
            keyframeWanted[i] = true;
        }
    }

    /** Stops sending media (the run is over); any thread. */
    void stopSending() {
        sending = false;
    }

    @Override
    void onTick(long now) {
        if (!sending) {
            return;
        }
        sendReports(now);
        byte[] out = loop.send;
        if (audio != null) {
            if (now - nextAudio > MAX_BEHIND_NANOS) {
                nextAudio = now;
            }
            while (nextAudio <= now) {
                int len = audio.writeAudio(out, shape.audioPayload(), now);
                sendRtp(out, len, now);
                nextAudio += MediaShape.AUDIO_INTERVAL_NANOS;
            }
        }
        if (layers.length > 0) {
            // What waited since the last tick leaves before this tick's frames, which queue behind it.
            pacer.process(now);
            if (now - nextFrame > MAX_BEHIND_NANOS) {
                skippedFrames += (now - nextFrame) / frameIntervalNanos;
                nextFrame = now;
            }
            while (nextFrame <= now) {
                boolean scheduledKey = frameCount % shape.keyframeEveryFrames() == 0;
                for (int i = 0; i < layers.length; i++) {
                    boolean key = scheduledKey || keyframeWanted[i];
                    keyframeWanted[i] = false;
                    int bytes = shape.deltaFrameBytes(i) * (key ? MediaShape.KEYFRAME_WEIGHT : 1);
                    SyntheticStream layer = layers[i];
                    layer.startFrame(key, bytes, timestampStep);
                    int len;
                    while ((len = layer.writeVideo(out, now)) > 0) {
                        pacer.offer(out, len, i, now);
                    }
                }
                frameCount++;
                nextFrame += frameIntervalNanos;
            }
        }
    }

    /**
     * A video packet or retransmission leaves the pacer: stamped now (the forward latency starts here, not when the
     * frame was made), kept for RTX if it is an original, then protected and sent. {@code layer} indexes
     * {@link #layers}.
     */
    private void onPacketReleased(byte[] buf, int len, int layer, boolean retransmission, long now) {
        if (retransmission) {
            // The payload keeps the original's send time: a recovered packet's latency runs from its first sending.
            SyntheticStream.stampAbsSendTime(buf, now);
        } else {
            layers[layer].onVideoSent(buf, len, now);
        }
        sendRtp(buf, len, now);
    }

    /** A sender report per stream every second, as browsers send them; the server keeps them for lip sync. */
    private void sendReports(long now) {
        if (now - lastReport < REPORT_INTERVAL_NANOS) {
            return;
        }
        lastReport = now;
        long ntp = NtpTimestamp.fromUnixNanos(System.currentTimeMillis() * 1_000_000L);
        if (audio != null) {
            sendReport(audio, ntp, now);
        }
        for (SyntheticStream layer : layers) {
            sendReport(layer, ntp, now);
        }
    }

    private void sendReport(SyntheticStream stream, long ntp, long now) {
        byte[] out = loop.send;
        int len = SenderReport.write(out, 0, stream.ssrc(), ntp, stream.timestamp(), stream.packetsSent(),
                stream.bytesSent(), 0);
        if (len > 0) {
            sendRtcp(out, len, now);
        }
    }

    @Override
    void onRtp(byte[] buf, int len, long now) {
        // The server sends a publisher no media.
    }

    @Override
    void onRtcp(byte[] buf, int len, long now) {
        rtcp.reset(buf, 0, len);
        while (rtcp.next()) {
            int type = rtcp.packetType();
            int at = rtcp.packetOffset();
            if (type == RtcpPacketType.RTPFB && RtcpFeedback.format(buf, at) == RtcpFeedback.FMT_NACK) {
                if (nack.wrap(buf, at, rtcp.packetLength())) {
                    int target = layerBySsrc(nack.mediaSsrc());
                    if (target >= 0) {
                        nacksReceived++;
                        nackTarget = target;
                        nackNow = now;
                        // Retransmissions go out from the send array while this packet sits in the receive array.
                        nack.forEachLostSequenceNumber(onLost);
                    }
                }
            } else if (type == RtcpPacketType.PSFB) {
                int format = RtcpFeedback.format(buf, at);
                if (format == RtcpFeedback.FMT_PLI || format == RtcpFeedback.FMT_FIR) {
                    plisReceived++;
                    long media = RtcpFeedback.mediaSsrc(buf, at);
                    for (int i = 0; i < layers.length; i++) {
                        if (format == RtcpFeedback.FMT_FIR || layers[i].ssrc() == media) {
                            keyframeWanted[i] = true;
                        }
                    }
                }
            }
        }
    }

    private void retransmit(int sequenceNumber) {
        byte[] out = loop.send;
        int len = layers[nackTarget].writeRetransmission(sequenceNumber, out);
        if (len < 0) {
            retransmitMisses++;
            return;
        }
        pacer.offerRetransmission(out, len, nackTarget, nackNow);
    }

    /** The index of the layer sending {@code ssrc}, or -1. */
    private int layerBySsrc(long ssrc) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i].ssrc() == ssrc) {
                return i;
            }
        }
        return -1;
    }

    @Override
    void markWindowStart() {
        startTransportWindow();
        windowPackets = packetsSent();
        windowBytes = bytesSent();
        windowPacerHeld = pacer.held();
        windowPacerOverflows = pacer.overflows();
        pacer.resetMaxWait();
    }

    /** RTP packets sent (video once its pacer released it; before the up-path impairment), retransmissions included. */
    long packetsSent() {
        long n = audio == null ? 0 : audio.packetsSent();
        for (SyntheticStream layer : layers) {
            n += layer.packetsSent() + layer.retransmitted();
        }
        return n;
    }

    long bytesSent() {
        long n = audio == null ? 0 : audio.bytesSent();
        for (SyntheticStream layer : layers) {
            n += layer.bytesSent();
        }
        return n;
    }

    long windowPackets() {
        return packetsSent() - windowPackets;
    }

    long windowBytes() {
        return bytesSent() - windowBytes;
    }

    /** Video packets and retransmissions that waited in the pacer in the window. */
    long windowPacerHeld() {
        return pacer.held() - windowPacerHeld;
    }

    /** Packets the pacer let out over its budget in the window because its queue was full. */
    long windowPacerOverflows() {
        return pacer.overflows() - windowPacerOverflows;
    }

    /** The longest a packet waited in the pacer since the window started, in nanoseconds. */
    long pacerMaxWaitNanos() {
        return pacer.maxWaitNanos();
    }

    long retransmitted() {
        long n = 0;
        for (SyntheticStream layer : layers) {
            n += layer.retransmitted();
        }
        return n;
    }

    long nacksReceived() {
        return nacksReceived;
    }

    long plisReceived() {
        return plisReceived;
    }

    long retransmitMisses() {
        return retransmitMisses;
    }

    long skippedFrames() {
        return skippedFrames;
    }

    long keyframesSent() {
        long n = 0;
        for (SyntheticStream layer : layers) {
            n += layer.keyframes();
        }
        return n;
    }
}
