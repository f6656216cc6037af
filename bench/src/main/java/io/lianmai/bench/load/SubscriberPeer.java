package io.lianmai.bench.load;

import io.lianmai.media.bwe.TransportFeedbackGenerator;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.sdp.ExtMap;
import io.lianmai.wire.rtcp.GenericNack;
import io.lianmai.wire.rtcp.ReceiverReport;
import io.lianmai.wire.rtcp.ReportBlock;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtxPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.MediaKind;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sdp.SessionDescription;
import io.lianmai.media.sdp.Attribute;
import io.lianmai.media.sdp.RtcpFeedbackType;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A simulated WHEP player of one stream: a browser's recvonly offer (Opus; VP8 and H.264 with RTX), then for every
 * packet the server forwards — loss, duplicates, reordering, NACKs for gaps and the packets they recover (RTX
 * retransmissions unwrapped, RFC 4588), and the one-way forward latency from the send time the publisher wrote at the
 * payload's end.
 *
 * <p>With bandwidth estimation (the default, as Chrome), the offer carries transport-wide congestion control as
 * Chrome's does (the {@code transport-wide-cc} header extension and {@code a=rtcp-fb:PT transport-cc} for each codec,
 * with {@code goog-remb} beside it on video); the player records every packet's transport-wide sequence number and
 * arrival, and sends transport-cc feedback on its tick ({@link TransportFeedbackGenerator}, the same receiver the
 * server runs for publishers), so that the server estimates its downlink and allocates its simulcast layer. The
 * server's probe padding (padding-only packets on the RTX payload type) is counted apart from media.
 */
final class SubscriberPeer extends SimulatedPeer {
    private static final int MAX_STREAMS = 4;
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** The transport-wide-cc extension id offered: one not used by the publishers' extensions (1..3). */
    static final int TRANSPORT_CC_ID = 4;

    private final String streamId;
    private final boolean bwe;
    /** Stops reading at its first video packet ({@link #deafAfterFirstMedia}); cleared once it has. */
    private boolean deaf;
    /** Not measured: it stops reading ({@link #deafAfterFirstMedia}). */
    private boolean unmeasured;
    /** Lianmai answers transport-cc when offered, so a missing one means a misconfigured server. */
    private boolean requireTransportCc = true;
    /** Header extensions this player's answer keeps from a server's offer. */
    private static final Set<String> UNDERSTOOD_EXTENSIONS = Set.of(ExtMap.MID, ExtMap.ABS_SEND_TIME,
            ExtMap.AUDIO_LEVEL, ExtMap.TRANSPORT_WIDE_CC);
    private final long localSsrc;
    private final long lateNanos;
    private final RtpPacket view = new RtpPacket();
    private final ReceivedStream[] streams = new ReceivedStream[MAX_STREAMS];
    private int streamCount;
    private int[] videoPayloadTypes = new int[0];
    private int[] audioPayloadTypes = new int[0];
    /** The RTX payload types of the answer: retransmissions and the server's probe padding come on them. */
    private int[] rtxPayloadTypes = new int[0];
    /** The answer's transport-wide-cc id, 0 when not negotiated. */
    private int transportCcId;
    /** This player's transport-cc receiver, null without transport-cc. */
    private TransportFeedbackGenerator transportFeedback;
    private final TransportFeedbackGenerator.FeedbackSink feedbackSink = this::sendFeedback;
    private long feedbackNow;
    private boolean measuring;
    private long lastReport;

    volatile long firstMediaNanos;
    volatile long firstVideoNanos;
    private long unknownPackets;
    private long paddingPackets;
    private long paddingBytes;
    private long rtxPackets;
    private long nackPackets;
    /** Video frames completed: packets with the marker bit, each counted once (loop thread). */
    private long videoFrames;
    /** NACK storm (the attack suite): this many sequence numbers per NACK, every storm interval; 0: off. */
    private volatile int stormSequenceNumbers;
    private volatile long stormIntervalNanos;
    private int[] stormScratch;
    private byte[] stormPacket;
    private long lastStorm;
    private long stormNacks;

    // Window start values.
    private long startPackets;
    private long startBytes;
    private long startExpected;
    private long startRecovered;
    private long startLate;
    private long startNacked;
    private long startDuplicates;
    private long startReordered;
    private final long[] startKinds = new long[4];
    private long startNackPackets;
    private long startPaddingPackets;
    private long startPaddingBytes;
    private long startRtxPackets;
    private long startFeedbacks;

    /** @param bwe offer transport-cc and send feedback, as Chrome does */
    SubscriberPeer(ClientLoop loop, String userId, String streamId, long lateNanos, boolean bwe, Impairment impairment,
            DtlsContext dtls, SecureRandom random, long seed) {
        super(loop, userId, impairment, dtls, random, seed);
        this.streamId = streamId;
        this.bwe = bwe;
        this.localSsrc = (random.nextInt() & 0x7FFF_FFFFL) | 1;
        this.lateNanos = lateNanos;
    }

    String streamId() {
        return streamId;
    }

    @Override
    String offer() {
        StringBuilder sdp = Sdp.header(localIce(), "-", true, true);
        Sdp.mediaLine(sdp, "audio", new int[] {111}, "0", localIce(), fingerprint(), "actpass", hostCandidate(),
                "recvonly");
        sdp.append("a=extmap:").append(SyntheticStream.AUDIO_LEVEL_ID)
                .append(" urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n");
        Sdp.commonExtensions(sdp);
        transportCcExtension(sdp);
        sdp.append("a=rtpmap:111 opus/48000/2\r\n");
        transportCcFeedback(sdp, 111, false);
        sdp.append("a=fmtp:111 minptime=10;useinbandfec=1\r\n");
        Sdp.mediaLine(sdp, "video", new int[] {96, 97, 102, 103}, "1", localIce(), fingerprint(), "actpass",
                hostCandidate(), "recvonly");
        Sdp.commonExtensions(sdp);
        transportCcExtension(sdp);
        sdp.append("a=rtcp-rsize\r\n");
        sdp.append("a=rtpmap:96 VP8/90000\r\n");
        transportCcFeedback(sdp, 96, true);
        sdp.append("a=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n");
        sdp.append("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n");
        sdp.append("a=rtpmap:102 H264/90000\r\n");
        transportCcFeedback(sdp, 102, true);
        sdp.append("a=rtcp-fb:102 ccm fir\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n");
        sdp.append("a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n");
        sdp.append("a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n");
        return sdp.toString();
    }

    /** Chrome's transport-wide-cc line, in both m-lines (one id across the BUNDLE group). */
    private void transportCcExtension(StringBuilder sdp) {
        if (bwe) {
            sdp.append("a=extmap:").append(TRANSPORT_CC_ID).append(' ').append(ExtMap.TRANSPORT_WIDE_CC)
                    .append("\r\n");
        }
    }

    /** Chrome's feedback lines for a codec: {@code transport-cc}, and {@code goog-remb} before it on video. */
    private void transportCcFeedback(StringBuilder sdp, int payloadType, boolean video) {
        if (bwe) {
            if (video) {
                sdp.append("a=rtcp-fb:").append(payloadType).append(" goog-remb\r\n");
            }
            sdp.append("a=rtcp-fb:").append(payloadType).append(" transport-cc\r\n");
        }
    }

    /**
     * Reads what the server sends: in its answer, or in its offer (a Janus player, which then answers with
     * {@link #writeAnswer}). Only Opus, VP8, H.264 and their RTX are taken; transport-cc when offered by both.
     */
    @Override
    void onRemoteMedia(SessionDescription remote, boolean remoteOffered) {
        int[] audio = new int[0];
        int[] video = new int[0];
        int[] rtx = new int[0];
        int transportCc = 0;
        for (MediaDescription media : remote.media()) {
            if (media.isRejected() || !media.isRtp()) {
                continue;
            }
            List<RtpCodec> accepted = acceptedCodecs(media);
            int[] pts = accepted.stream().filter(c -> !c.isRtx()).mapToInt(RtpCodec::payloadType).toArray();
            if (media.kind() == MediaKind.VIDEO) {
                video = pts;
                rtx = accepted.stream().filter(RtpCodec::isRtx).mapToInt(RtpCodec::payloadType).toArray();
            } else if (media.kind() == MediaKind.AUDIO) {
                audio = pts;
            }
            if (transportCc == 0) {
                transportCc = media.extMaps().stream().filter(e -> e.uri().equals(ExtMap.TRANSPORT_WIDE_CC))
                        .mapToInt(ExtMap::id).findFirst().orElse(0);
            }
        }
        if (video.length == 0 && audio.length == 0) {
            throw new IllegalStateException("the server sends neither audio nor video that this player decodes");
        }
        if (bwe && transportCc == 0 && requireTransportCc && !remoteOffered) {
            throw new IllegalStateException("the answer dropped transport-cc (is media.bwe.enabled=false on the "
                    + "server? run the generator with --no-bwe)");
        }
        acceptPayloadTypes(audio, video, rtx);
        acceptTransportCc(bwe ? transportCc : 0);
    }

    /** Whether the server sends this player video retransmissions as RTX (its SDP has an RTX payload type). */
    boolean rtxNegotiated() {
        return rtxPayloadTypes.length > 0;
    }

    /** Another server than Lianmai may answer without transport-cc: the player then sends no feedback. */
    void tolerateMissingTransportCc() {
        requireTransportCc = false;
    }

    /** The codecs of {@code media} this player decodes: Opus, VP8, H.264, and RTX of those. */
    static List<RtpCodec> acceptedCodecs(MediaDescription media) {
        List<RtpCodec> primary = new ArrayList<>();
        for (RtpCodec codec : media.codecs()) {
            if (codec.is("opus") || codec.is("VP8") || codec.is("H264")) {
                primary.add(codec);
            }
        }
        List<RtpCodec> accepted = new ArrayList<>(primary);
        for (RtpCodec codec : media.codecs()) {
            if (codec.isRtx() && primary.stream().anyMatch(
                    p -> codec.associatedPayloadType().orElse(-1) == p.payloadType())) {
                accepted.add(codec);
            }
        }
        return accepted;
    }

    /**
     * This player's answer to a server's offer, as Chrome writes one: every offered RTP section it can decode
     * answered {@code recvonly} with the codecs (their fmtp and rtcp-fb) and header extensions it understands, in one
     * BUNDLE group with its own ICE credentials, fingerprint and host candidate and {@code a=setup:active}; any
     * other section rejected (port 0).
     */
    @Override
    String writeAnswer(SessionDescription offer) {
        List<String> mids = new ArrayList<>();
        for (MediaDescription media : offer.media()) {
            if (!media.isRejected() && media.isRtp() && !acceptedCodecs(media).isEmpty()) {
                mids.add(media.mid().orElseThrow(() -> new IllegalStateException("an offered section has no mid")));
            }
        }
        if (mids.isEmpty()) {
            throw new IllegalStateException("the offer has no section this player decodes");
        }
        StringBuilder sdp = Sdp.answerHeader(mids);
        for (MediaDescription media : offer.media()) {
            String mid = media.mid().orElse("");
            if (!mids.contains(mid)) {
                Sdp.rejectedLine(sdp, media);
                continue;
            }
            List<RtpCodec> codecs = acceptedCodecs(media);
            int[] pts = codecs.stream().mapToInt(RtpCodec::payloadType).toArray();
            Sdp.mediaLine(sdp, media.media(), pts, mid, localIce(), fingerprint(), "active", hostCandidate(),
                    "recvonly");
            if (media.rtcpReducedSize()) {
                sdp.append("a=rtcp-rsize\r\n");
            }
            for (ExtMap ext : media.extMaps()) {
                if (UNDERSTOOD_EXTENSIONS.contains(ext.uri()) && (bwe || !ext.uri().equals(ExtMap.TRANSPORT_WIDE_CC))) {
                    sdp.append("a=extmap:").append(ext.id()).append(' ').append(ext.uri()).append("\r\n");
                }
            }
            for (RtpCodec codec : codecs) {
                List<RtcpFeedbackType> feedback = codec.feedback().stream()
                        .filter(f -> bwe || (!f.sameAs(RtcpFeedbackType.TRANSPORT_CC)
                                && !f.sameAs(RtcpFeedbackType.GOOG_REMB)))
                        .toList();
                for (Attribute line : codec.withFeedback(feedback).toAttributes()) {
                    sdp.append("a=").append(line.name()).append(':').append(line.value()).append("\r\n");
                }
            }
        }
        return sdp.toString();
    }

    /** The payload types the answer sends audio, video and video's RTX with. */
    void acceptPayloadTypes(int[] audio, int[] video, int[] rtx) {
        audioPayloadTypes = audio.clone();
        videoPayloadTypes = video.clone();
        rtxPayloadTypes = rtx.clone();
    }

    /** The transport-wide-cc extension id the answer settled, 0 when none. */
    int transportCcId() {
        return transportCcId;
    }

    /** The transport-wide-cc extension id the answer settled (0: none): arrivals are recorded and fed back. */
    void acceptTransportCc(int extensionId) {
        transportCcId = extensionId;
        transportFeedback = extensionId > 0 ? new TransportFeedbackGenerator(localSsrc) : null;
    }

    /** Stops reading at its first video packet ({@code --measure-every}): sent to, not measured. */
    void deafAfterFirstMedia() {
        deaf = true;
        unmeasured = true;
    }

    /** Whether it is not measured ({@link #deafAfterFirstMedia}). */
    boolean deaf() {
        return unmeasured;
    }

    @Override
    void onRtp(byte[] buf, int len, long now) {
        if (!view.wrap(buf, 0, len)) {
            unknownPackets++;
            return;
        }
        if (transportFeedback != null) {
            // Every packet counts for the feedback, padding and duplicates too, as in libwebrtc's receiver.
            transportFeedback.onPacket(TransportSequenceNumberExtension.read(view, transportCcId),
                    now / NANOS_PER_MILLI);
        }
        int pt = view.payloadType();
        boolean rtx = contains(rtxPayloadTypes, pt);
        if (rtx && view.payloadLength() == 0) {
            // Probe padding (RFC 3550 padding only): counted, then dropped, as a browser does.
            paddingPackets++;
            paddingBytes += len;
            return;
        }
        boolean video = rtx || contains(videoPayloadTypes, pt);
        if (!video && !contains(audioPayloadTypes, pt)) {
            unknownPackets++;
            return;
        }
        ReceivedStream stream = rtx ? firstVideoStream() : stream(view.ssrc(), video);
        int sequenceNumber = rtx ? RtxPacket.originalSequenceNumber(view) : view.sequenceNumber();
        if (stream == null || sequenceNumber < 0) {
            unknownPackets++;
            return;
        }
        if (rtx) {
            rtxPackets++;
        }
        if (firstMediaNanos == 0) {
            firstMediaNanos = now;
        }
        if (video && firstVideoNanos == 0) {
            firstVideoNanos = now;
        }
        if (deaf && (firstVideoNanos != 0 || videoPayloadTypes.length == 0)) {
            // It has joined and got its first video: from now on the kernel drops what it is sent (its socket fills).
            deaf = false;
            stopReading();
            return;
        }
        int verdict = stream.onPacket(sequenceNumber, len);
        if (video && view.marker() && verdict != ReceivedStream.DUPLICATE && verdict != ReceivedStream.TOO_OLD) {
            videoFrames++;
        }
        int end = view.payloadOffset() + view.payloadLength();
        if (view.payloadLength() < SyntheticStream.STAMP_LENGTH
                || verdict == ReceivedStream.DUPLICATE || verdict == ReceivedStream.TOO_OLD) {
            return;
        }
        long latency = now - SyntheticStream.readStamp(buf, end);
        if (latency < 0 || latency > 60_000_000_000L) {
            unknownPackets++;
            return;
        }
        if (latency > lateNanos) {
            stream.countLate();
        }
        if (!measuring) {
            return;
        }
        if (verdict == ReceivedStream.RECOVERED) {
            loop.recoveryLatency.recordValue(Math.max(1, latency / 1000));
        } else {
            loop.latency.recordValue(Math.max(1, latency / 1000));
        }
    }

    private ReceivedStream stream(long ssrc, boolean video) {
        for (int i = 0; i < streamCount; i++) {
            if (streams[i].ssrc() == ssrc) {
                return streams[i];
            }
        }
        if (streamCount == MAX_STREAMS) {
            return null;
        }
        ReceivedStream created = new ReceivedStream(ssrc, video, video);
        streams[streamCount++] = created;
        return created;
    }

    /** Where an RTX packet's original belongs: the player receives one video track. */
    private ReceivedStream firstVideoStream() {
        for (int i = 0; i < streamCount; i++) {
            if (streams[i].isVideo()) {
                return streams[i];
            }
        }
        return null;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    @Override
    void onRtcp(byte[] buf, int len, long now) {
        // Sender reports: nothing to do for the numbers measured here.
    }

    @Override
    void onTick(long now) {
        if (stormSequenceNumbers > 0 && now - lastStorm >= stormIntervalNanos) {
            lastStorm = now;
            storm(now);
        }
        if (now - lastReport >= REPORT_INTERVAL_NANOS && streamCount > 0) {
            lastReport = now;
            sendReceiverReport(now);
        }
        if (transportFeedback != null && streamCount > 0) {
            feedbackNow = now;
            transportFeedback.sendDue(now / NANOS_PER_MILLI, streams[0].ssrc(), loop.send, feedbackSink);
        }
        int[] lost = loop.nackScratch;
        for (int i = 0; i < streamCount; i++) {
            ReceivedStream stream = streams[i];
            if (!stream.isVideo()) {
                continue;
            }
            int count = stream.pollNacks(now, lost);
            if (count > 0) {
                int len = GenericNack.write(loop.send, 0, localSsrc, stream.ssrc(), lost, 0, count);
                if (len > 0) {
                    nackPackets++;
                    sendRtcp(loop.send, len, now);
                }
            }
        }
    }

    /** Sends one transport-cc feedback the generator wrote at the start of {@code buf}, through SRTCP. */
    private void sendFeedback(byte[] buf, int off, int len) {
        if (off != 0) {
            System.arraycopy(buf, off, buf, 0, len);
        }
        sendRtcp(buf, len, feedbackNow);
    }

    /**
     * Starts (count &gt; 0) or stops a NACK storm (any thread): every {@code interval}, one NACK naming the
     * {@code count} sequence numbers up to the newest of each video stream, whether lost or not.
     */
    void nackStorm(int count, long intervalNanos) {
        stormIntervalNanos = intervalNanos;
        stormSequenceNumbers = count;
    }

    /** NACKs sent by the storm so far; on the loop. */
    long stormNacks() {
        return stormNacks;
    }

    /** Video frames received so far; on the loop. */
    long videoFrames() {
        return videoFrames;
    }

    private void storm(long now) {
        int count = stormSequenceNumbers;
        if (stormScratch == null || stormScratch.length < count) {
            stormScratch = new int[count];
            // A NACK's FCI covers 17 consecutive numbers in 4 bytes; room for the header and the SRTCP trailer.
            stormPacket = new byte[12 + 4 * (count / 17 + 1) + 64];
        }
        for (int i = 0; i < streamCount; i++) {
            ReceivedStream stream = streams[i];
            if (!stream.isVideo()) {
                continue;
            }
            int newest = (int) (stream.highest() & 0xFFFF);
            for (int k = 0; k < count; k++) {
                stormScratch[k] = (newest - count + 1 + k) & 0xFFFF;
            }
            int len = GenericNack.write(stormPacket, 0, localSsrc, stream.ssrc(), stormScratch, 0, count);
            if (len > 0) {
                stormNacks++;
                sendRtcp(stormPacket, len, now);
            }
        }
    }

    /** A receiver report with a block per stream every second, as browsers send them. */
    private void sendReceiverReport(long now) {
        byte[] out = loop.send;
        int at = ReceiverReport.lengthFor(0);
        for (int i = 0; i < streamCount; i++) {
            ReceivedStream s = streams[i];
            long lost = s.lost();
            int fraction = s.expected() == 0 ? 0 : (int) Math.min(255, 256 * lost / s.expected());
            at += Math.max(0, ReportBlock.write(out, at, s.ssrc(), fraction, (int) Math.min(lost, Integer.MAX_VALUE),
                    s.highest() & 0xFFFF_FFFFL, 0, 0, 0));
        }
        if (ReceiverReport.write(out, 0, localSsrc, streamCount) > 0) {
            sendRtcp(out, at, now);
        }
    }

    @Override
    void markWindowStart() {
        measuring = true;
        startTransportWindow();
        startPackets = sum(0);
        startBytes = sum(1);
        startExpected = sum(2);
        startRecovered = sum(4);
        startLate = sum(5);
        startNacked = sum(6);
        startDuplicates = sum(7);
        startReordered = sum(8);
        startNackPackets = nackPackets;
        startPaddingPackets = paddingPackets;
        startPaddingBytes = paddingBytes;
        startRtxPackets = rtxPackets;
        startFeedbacks = feedbacksSent();
        for (int i = 0; i < 4; i++) {
            startKinds[i] = sum(9 + i);
        }
    }

    /** This subscriber's figures over the window; on the loop. */
    Result result() {
        long expected = sum(2) - startExpected;
        long videoExpected = sum(9) - startKinds[0];
        long videoLost = Math.max(0, videoExpected - (sum(10) - startKinds[1]));
        long audioExpected = sum(11) - startKinds[2];
        long audioLost = Math.max(0, audioExpected - (sum(12) - startKinds[3]));
        // Per kind, so that a pre-window packet recovered inside the window cannot hide a loss of the other kind.
        return new Result(sum(0) - startPackets, sum(1) - startBytes, expected, videoLost + audioLost,
                videoExpected, videoLost, audioExpected, audioLost,
                sum(4) - startRecovered, sum(5) - startLate, sum(6) - startNacked, sum(7) - startDuplicates,
                sum(8) - startReordered, nackPackets - startNackPackets, srtpErrors, srtpReplays, unknownPackets,
                impairedDrops(), paddingPackets - startPaddingPackets, paddingBytes - startPaddingBytes,
                rtxPackets - startRtxPackets, feedbacksSent() - startFeedbacks);
    }

    /** Transport-cc feedback packets sent so far; on the loop. */
    long feedbacksSent() {
        return transportFeedback == null ? 0 : transportFeedback.feedbacksSent();
    }

    /** Packets whose transport-wide sequence number was recorded so far; on the loop. */
    long transportPacketsRecorded() {
        return transportFeedback == null ? 0 : transportFeedback.packetsRecorded();
    }

    /**
     * One subscriber's window.
     *
     * @param packets RTP packets decrypted (duplicates included)
     * @param expected sequence numbers from the first to the highest seen in the window
     * @param lost expected but never received by the end
     * @param videoLost of which video (repaired by NACK/RTX); audio is not (Opus in WebRTC negotiates no NACK)
     * @param recovered arrived after this subscriber NACKed them
     * @param late arrived more than the --late threshold after they were sent
     * @param nacked sequence numbers put in NACKs (retries included)
     * @param paddingPackets the server's probe padding (padding-only RTX packets), not media
     * @param paddingBytes their SRTP-decrypted RTP lengths
     * @param rtxPackets retransmissions that came as RTX (RFC 4588), unwrapped and counted with their stream
     * @param feedbacks transport-cc feedback packets sent
     */
    record Result(long packets, long bytes, long expected, long lost, long videoExpected, long videoLost,
            long audioExpected, long audioLost, long recovered, long late, long nacked, long duplicates,
            long reordered, long nackPackets, long srtpErrors, long srtpReplays, long unknown, long impairedDrops,
            long paddingPackets, long paddingBytes, long rtxPackets, long feedbacks) {
    }

    private long sum(int field) {
        long total = 0;
        for (int i = 0; i < streamCount; i++) {
            ReceivedStream s = streams[i];
            total += switch (field) {
                case 0 -> s.packets();
                case 1 -> s.bytes();
                case 2 -> s.expected();
                case 3 -> s.unique();
                case 4 -> s.recovered();
                case 5 -> s.late();
                case 6 -> s.nackedSequenceNumbers();
                case 7 -> s.duplicates();
                case 8 -> s.reordered();
                case 9 -> s.isVideo() ? s.expected() : 0;
                case 10 -> s.isVideo() ? s.unique() : 0;
                case 11 -> s.isVideo() ? 0 : s.expected();
                default -> s.isVideo() ? 0 : s.unique();
            };
        }
        return total;
    }
}
