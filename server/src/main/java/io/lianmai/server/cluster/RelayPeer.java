package io.lianmai.server.cluster;

import io.lianmai.media.LocalPublisher;
import io.lianmai.media.dtls.DtlsCloseReason;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.dtls.DtlsException;
import io.lianmai.media.dtls.DtlsFingerprint;
import io.lianmai.media.dtls.DtlsSender;
import io.lianmai.media.dtls.DtlsSession;
import io.lianmai.media.dtls.DtlsSessionListener;
import io.lianmai.media.dtls.DtlsSrtpKeyingMaterial;
import io.lianmai.media.ice.ConnectivityCheck;
import io.lianmai.media.ice.IceCredentials;
import io.lianmai.media.ice.IceRole;
import io.lianmai.media.ice.MessageIntegrity;
import io.lianmai.media.ice.StunClass;
import io.lianmai.media.ice.StunException;
import io.lianmai.media.ice.StunMessage;
import io.lianmai.media.ice.StunMessageWriter;
import io.lianmai.media.sdp.DtlsFingerprintAttribute;
import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.MediaKind;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sdp.SdpException;
import io.lianmai.media.sdp.SdpIceCredentials;
import io.lianmai.media.sdp.SessionDescription;
import io.lianmai.media.sfu.PacketQueue;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.wire.rtcp.PictureLossIndication;
import io.lianmai.wire.rtcp.RtcpFeedback;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.wire.rtcp.SenderReport;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtxPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One leg of a relay on the receiving node: this node plays a stream of another node as a WebRTC player would — the
 * controlling ICE agent towards the other node's ICE-lite media port, the DTLS client, SRTP both ways — and pushes
 * the packets into this node's {@link LocalPublisher} of that stream. Retransmissions that come as RTX (RFC 4588)
 * are turned back into the original packets; the local publication's NACKs and keyframe requests go back to the
 * source as NACK and PLI. Sequence numbers are spliced so that a later leg of the same stream continues where the
 * last one stopped (the local publication would take smaller numbers for old packets).
 *
 * <p>Threads: everything runs on its event loop except {@link #offer}/{@link #accept} (the caller's, before
 * {@link #start}), the DTLS handshake (its executor, keys handed back through the loop) and the NACK and keyframe
 * listeners (the media loop, which only queue and hop). The packet path allocates nothing of its own: Netty's
 * receive gives one pooled buffer per datagram, and each packet is copied into the publisher's queue.
 */
final class RelayPeer extends ChannelInboundHandlerAdapter implements DtlsSessionListener, DtlsSender {
    static final int AUDIO_PT = 111;
    /** Video codecs offered: VP8 and H.264 (two profiles), each with RTX; the source answers its publisher's. */
    private static final String VIDEO_OFFER = "a=rtpmap:96 VP8/90000\r\n"
            + "a=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
            + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
            + "a=rtpmap:102 H264/90000\r\n"
            + "a=rtcp-fb:102 ccm fir\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n"
            + "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
            + "a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n"
            + "a=rtpmap:104 H264/90000\r\n"
            + "a=rtcp-fb:104 ccm fir\r\na=rtcp-fb:104 nack\r\na=rtcp-fb:104 nack pli\r\n"
            + "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
            + "a=rtpmap:105 rtx/90000\r\na=fmtp:105 apt=104\r\n";
    private static final long CHECK_INTERVAL_MILLIS = 50;
    /** RFC 7675 consent, every second: a node to node path is cheap to check and should fail fast. */
    private static final long CONSENT_INTERVAL_MILLIS = 1_000;
    /**
     * The source is gone (its session ended, the node died) when it has answered no check for this long; RFC 7675's
     * 30 s is for clients on flaky networks, too long to keep a dead stream announced.
     */
    private static final long CONSENT_TIMEOUT_MILLIS = 5_000;
    private static final long ICE_TIMEOUT_MILLIS = 10_000;
    private static final long PRIORITY = (110L << 24) | (65_535L << 8) | 255;
    private static final int BUFFER = 2048;
    private static final int SOCKET_BUFFER = 1 << 20;
    private static final int NACK_QUEUE = 64;

    /** What the leg tells its owner; called on the relay loop. */
    interface Listener {
        /** SRTP keys are set: media flows. */
        void onRelayConnected(RelayPeer peer);

        /** The leg ended by itself (the source closed it, ICE or DTLS failed); not called after {@link #close}. */
        void onRelayEnded(RelayPeer peer, String why);
    }

    /** Keeps a track's outgoing sequence numbers continuous across legs; relay loop only. */
    static final class SequenceSplice {
        private int offset;
        private int lastOut = -1;
        private boolean synced;

        /** The next leg's first packet sets a new offset. */
        void newLeg() {
            synced = false;
        }

        int out(int in) {
            if (!synced) {
                synced = true;
                offset = lastOut < 0 ? 0 : (lastOut + 1 - in) & 0xFFFF;
            }
            int out = (in + offset) & 0xFFFF;
            if (lastOut < 0 || ((out - lastOut) & 0xFFFF) < 0x8000) {
                lastOut = out;
            }
            return out;
        }

        int in(int out) {
            return (out - offset) & 0xFFFF;
        }
    }

    /**
     * What the source answered: the codecs to publish locally (audio first), their payload types on this leg.
     *
     * @param audio the audio codec, if the stream has audio
     * @param video the video codec, if it has video
     * @param videoRtxPt the RTX payload type of the video codec, -1 without RTX
     */
    record Negotiated(Optional<RtpCodec> audio, Optional<RtpCodec> video, int videoRtxPt) {
        List<RtpCodec> tracks() {
            return java.util.stream.Stream.concat(audio.stream(), video.stream()).toList();
        }
    }

    private final EventLoop loop;
    private final DtlsContext dtlsContext;
    private final SecureRandom random;
    private final Listener listener;
    private final IceCredentials localIce;
    private final long tieBreaker;
    private final long localSsrc;
    private final byte[] receive = new byte[BUFFER];
    private final byte[] send = new byte[BUFFER];
    private final byte[] stunOut = new byte[512];
    private final RtpPacket view = new RtpPacket();
    private final SenderReport report = new SenderReport();
    private final RtcpIterator rtcp = new RtcpIterator();
    private final PacketQueue nacks = new PacketQueue(NACK_QUEUE);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drainFeedback;
    private volatile boolean keyframeWanted;

    // Set by accept() before start(); read on the loop.
    private Negotiated negotiated;
    private MessageIntegrity remoteIntegrity;
    private String username;
    private InetSocketAddress remote;
    private DtlsSession dtls;

    // Loop thread.
    private Channel channel;
    private LocalPublisher publisher;
    private int audioTrack = -1;
    private int videoTrack = -1;
    private SequenceSplice audioSplice;
    private SequenceSplice videoSplice;
    private long audioSsrc = -1;
    private long videoSsrc = -1;
    private byte[] transactionId;
    private boolean nominated;
    private long checksStarted;
    private long lastCheck;
    private long lastAnswer;
    private ScheduledFuture<?> timer;
    private volatile SrtpContext inbound;
    private volatile SrtpContext outbound;
    private volatile boolean closed;

    // Counters (loop thread; read racily for reports).
    volatile long packetsIn;
    volatile long packetsForwarded;
    volatile long retransmissionsIn;
    volatile long dropped;
    volatile long nacksSent;
    volatile long keyframeRequestsSent;

    RelayPeer(EventLoop loop, DtlsContext dtlsContext, SecureRandom random, Listener listener) {
        this.loop = loop;
        this.dtlsContext = dtlsContext;
        this.random = random;
        this.listener = listener;
        this.localIce = IceCredentials.generate(random);
        this.tieBreaker = random.nextLong();
        this.localSsrc = (random.nextInt() & 0x7FFF_FFFFL) | 1;
    }

    /** A recvonly offer as a browser player's: Opus, VP8/H.264 with NACK, PLI and RTX; no header extensions. */
    String offer(boolean audio, boolean video) {
        StringBuilder sdp = new StringBuilder(2048);
        String fingerprint = dtlsContext.certificate().fingerprint().toSdpValue();
        sdp.append("v=0\r\no=- ").append(random.nextLong() & Long.MAX_VALUE).append(" 2 IN IP4 127.0.0.1\r\n")
                .append("s=-\r\nt=0 0\r\na=group:BUNDLE").append(audio ? " 0" : "").append(video ? " 1" : "")
                .append("\r\na=msid-semantic: WMS\r\n");
        if (audio) {
            mediaLine(sdp, "audio", "111", "0", fingerprint);
            sdp.append("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
        }
        if (video) {
            mediaLine(sdp, "video", "96 97 102 103 104 105", "1", fingerprint);
            sdp.append("a=rtcp-rsize\r\n").append(VIDEO_OFFER);
        }
        return sdp.toString();
    }

    private void mediaLine(StringBuilder sdp, String kind, String pts, String mid, String fingerprint) {
        sdp.append("m=").append(kind).append(" 9 UDP/TLS/RTP/SAVPF ").append(pts).append("\r\n")
                .append("c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:").append(localIce.ufrag()).append("\r\n")
                .append("a=ice-pwd:").append(localIce.pwd()).append("\r\n")
                .append("a=fingerprint:").append(fingerprint).append("\r\n")
                .append("a=setup:actpass\r\na=mid:").append(mid).append("\r\na=recvonly\r\na=rtcp-mux\r\n");
    }

    /**
     * Reads the source's answer: ICE credentials, fingerprint, UDP candidate, and the codecs it sends.
     *
     * @throws IllegalArgumentException saying what is unusable
     */
    Negotiated accept(String answerSdp) {
        SessionDescription answer;
        try {
            answer = SessionDescription.parse(answerSdp);
        } catch (SdpException e) {
            throw new IllegalArgumentException("the source's answer does not parse: " + e.getMessage(), e);
        }
        Optional<RtpCodec> audio = Optional.empty();
        Optional<RtpCodec> video = Optional.empty();
        int rtx = -1;
        MediaDescription first = null;
        for (MediaDescription media : answer.media()) {
            if (media.isRejected() || !media.isRtp()) {
                continue;
            }
            if (first == null) {
                first = media;
            }
            List<RtpCodec> codecs = media.codecs();
            Optional<RtpCodec> primary = codecs.stream().filter(c -> !c.isRtx()).findFirst();
            if (media.kind() == MediaKind.AUDIO) {
                audio = primary;
            } else if (media.kind() == MediaKind.VIDEO && primary.isPresent()) {
                video = primary;
                int pt = primary.get().payloadType();
                rtx = codecs.stream().filter(c -> c.isRtx() && c.associatedPayloadType().orElse(-1) == pt)
                        .mapToInt(RtpCodec::payloadType).findFirst().orElse(-1);
            }
        }
        if (first == null || (audio.isEmpty() && video.isEmpty())) {
            throw new IllegalArgumentException("the source's answer accepts no media");
        }
        SdpIceCredentials ice = answer.iceCredentials(first)
                .orElseThrow(() -> new IllegalArgumentException("the source's answer has no ICE credentials"));
        DtlsFingerprintAttribute fp = answer.fingerprints(first).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the source's answer has no fingerprint"));
        username = ice.ufrag() + ":" + localIce.ufrag();
        remoteIntegrity = MessageIntegrity.forPassword(ice.pwd());
        remote = udpCandidate(first);
        dtls = dtlsContext.newClientSession(DtlsFingerprint.parse(fp.algorithm() + " " + fp.value()), this, this);
        negotiated = new Negotiated(audio, video, rtx);
        return negotiated;
    }

    private static InetSocketAddress udpCandidate(MediaDescription media) {
        for (String candidate : media.candidates()) {
            String[] f = candidate.trim().split("\\s+");
            if (f.length >= 8 && f[2].equalsIgnoreCase("udp")) {
                return new InetSocketAddress(f[4], Integer.parseInt(f[5]));
            }
        }
        throw new IllegalArgumentException("the source's answer has no UDP candidate: " + media.candidates());
    }

    /**
     * Opens the socket towards the source and starts ICE; the packets go to {@code target}'s tracks (-1: none of
     * that kind), numbered through the splices (kept by the caller across legs). The caller passes the publisher's
     * keyframe requests and NACKs to {@link #onKeyframeRequest} and {@link #onNack}. Any thread.
     */
    void start(LocalPublisher target, int audioIndex, int videoIndex, SequenceSplice audio, SequenceSplice video) {
        loop.execute(() -> {
            publisher = target;
            audioTrack = audioIndex;
            videoTrack = videoIndex;
            audioSplice = audio;
            videoSplice = video;
            audio.newLeg();
            video.newLeg();
            new Bootstrap().group(loop)
                    .channel(loop instanceof EpollEventLoop ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(BUFFER))
                    .handler(this)
                    .connect(remote, new InetSocketAddress(remote.getAddress(), 0))
                    .addListener((ChannelFuture done) -> {
                        if (!done.isSuccess()) {
                            end("cannot open a UDP socket to " + remote + ": " + done.cause());
                            return;
                        }
                        channel = done.channel();
                        if (closed) {
                            channel.close();
                            return;
                        }
                        checksStarted = System.nanoTime();
                        sendCheck();
                        timer = loop.scheduleAtFixedRate(this::tick, CHECK_INTERVAL_MILLIS, CHECK_INTERVAL_MILLIS,
                                TimeUnit.MILLISECONDS);
                    });
        });
    }

    /**
     * Tests: the state of a connected leg without a network — the answer's codecs, the publisher and its tracks, the
     * SRTP contexts and a channel to write to (an {@code EmbeddedChannel}); then {@link #channelRead} takes packets.
     */
    void connectedForTest(Negotiated answer, LocalPublisher target, int audioIndex, int videoIndex, SrtpContext in,
            SrtpContext out, Channel testChannel) {
        negotiated = answer;
        publisher = target;
        audioTrack = audioIndex;
        videoTrack = videoIndex;
        audioSplice = new SequenceSplice();
        videoSplice = new SequenceSplice();
        inbound = in;
        outbound = out;
        channel = testChannel;
        nominated = true;
    }


    private void tick() {
        long now = System.nanoTime();
        if (!nominated && (now - checksStarted) / 1_000_000 > ICE_TIMEOUT_MILLIS) {
            end("ICE: the source answered no connectivity check in " + ICE_TIMEOUT_MILLIS / 1000 + " s");
            return;
        }
        if (nominated && (now - lastAnswer) / 1_000_000 > CONSENT_TIMEOUT_MILLIS) {
            end("the source answered no consent check for " + CONSENT_TIMEOUT_MILLIS / 1000 + " s");
            return;
        }
        long interval = nominated ? CONSENT_INTERVAL_MILLIS : CHECK_INTERVAL_MILLIS;
        if ((now - lastCheck) / 1_000_000 >= interval) {
            sendCheck();
        }
    }

    private void sendCheck() {
        lastCheck = System.nanoTime();
        transactionId = ConnectivityCheck.randomTransactionId(random);
        ConnectivityCheck check = new ConnectivityCheck(transactionId, username, PRIORITY, IceRole.CONTROLLING,
                tieBreaker, true);
        write(stunOut, StunMessageWriter.writeBindingRequest(stunOut, 0, check, remoteIntegrity));
        channel.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        ByteBuf content = message instanceof DatagramPacket packet ? packet.content() : (ByteBuf) message;
        try {
            int len = content.readableBytes();
            if (len < 1 || len > BUFFER) {
                return;
            }
            content.getBytes(content.readerIndex(), receive, 0, len);
            int first = receive[0] & 0xFF;
            if (first <= 3) {
                onStun(len);
            } else if (first >= 20 && first <= 63) {
                if (dtls != null) {
                    dtls.onDatagram(receive, 0, len);
                }
            } else if (first >= 128 && first <= 191 && len >= 12) {
                int second = receive[1] & 0xFF;
                if (second >= 192 && second <= 223) {
                    onSrtcp(len);
                } else {
                    onSrtp(len);
                }
            }
        } finally {
            content.release();
        }
    }

    private void onStun(int len) {
        StunMessage message;
        try {
            message = StunMessage.parse(receive, 0, len);
        } catch (StunException e) {
            return;
        }
        if (transactionId == null || !message.hasTransactionId(transactionId) || !remoteIntegrity.verify(message)
                || message.messageClass() != StunClass.SUCCESS_RESPONSE) {
            return;
        }
        lastAnswer = System.nanoTime();
        if (!nominated) {
            nominated = true; // our checks carry USE-CANDIDATE: the source's lite agent takes this pair
            dtls.start();
        }
    }

    private void onSrtp(int len) {
        SrtpContext in = inbound;
        LocalPublisher target = publisher;
        if (in == null || target == null) {
            return; // the first packets can overtake the keys' hand-over
        }
        packetsIn++;
        int plain = in.unprotectRtp(receive, 0, len);
        if (plain < 0 || !view.wrap(receive, 0, plain)) {
            dropped++;
            return;
        }
        Negotiated n = negotiated;
        int pt = view.payloadType();
        int track;
        SequenceSplice splice;
        if (n.audio().isPresent() && pt == n.audio().get().payloadType()) {
            track = audioTrack;
            splice = audioSplice;
            audioSsrc = view.ssrc();
        } else if (n.video().isPresent() && pt == n.video().get().payloadType()) {
            track = videoTrack;
            splice = videoSplice;
            videoSsrc = view.ssrc();
        } else if (pt == n.videoRtxPt() && videoSsrc >= 0) {
            if (!RtxPacket.restoreOriginal(view, videoSsrc, n.video().get().payloadType())) {
                return; // probe padding
            }
            retransmissionsIn++;
            track = videoTrack;
            splice = videoSplice;
        } else {
            dropped++;
            return;
        }
        view.setSequenceNumber(splice.out(view.sequenceNumber()));
        if (target.send(track, view.buffer(), view.offset(), view.length())) {
            packetsForwarded++;
        } else {
            dropped++;
        }
    }

    private void onSrtcp(int len) {
        SrtpContext in = inbound;
        LocalPublisher target = publisher;
        if (in == null || target == null) {
            return;
        }
        int plain = in.unprotectRtcp(receive, 0, len);
        if (plain < 0) {
            return;
        }
        rtcp.reset(receive, 0, plain);
        while (rtcp.next()) {
            if (rtcp.packetType() == RtcpPacketType.SR
                    && report.wrap(receive, rtcp.packetOffset(), rtcp.packetLength())) {
                long ssrc = report.senderSsrc();
                int track = ssrc == videoSsrc ? videoTrack : ssrc == audioSsrc ? audioTrack : -1;
                if (track >= 0) {
                    target.senderReport(track, report.ntpTimestamp(), report.rtpTimestamp());
                }
            }
        }
    }

    // ---- feedback from the local publication (media loop) ----

    /** A player of the local publication wants a keyframe; the owner passes it on (media loop). */
    void onKeyframeRequest() {
        keyframeWanted = true;
        scheduleDrain();
    }

    /** The local publication misses packets of {@code track}; the owner passes it on (media loop). */
    void onNack(int track, byte[] buf, int off, int len) {
        if (track == videoTrack && nacks.offer(buf, off, len)) {
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drain);
            } catch (RuntimeException e) {
                drainScheduled.set(false);
            }
        }
    }

    /** On the loop: the publication's NACKs and keyframe requests, towards the source's SSRC and numbering. */
    private void drainFeedback() {
        drainScheduled.set(false);
        SrtpContext out = outbound;
        if (out == null || videoSsrc < 0 || closed) {
            while (!nacks.isEmpty()) {
                nacks.pop();
            }
            return;
        }
        while (!nacks.isEmpty()) {
            int len = nacks.peekLength();
            if (len + 64 <= BUFFER) {
                System.arraycopy(nacks.peekBuffer(), 0, send, 0, len);
                RtcpFeedback.setSenderSsrc(send, 0, localSsrc);
                RtcpFeedback.setMediaSsrc(send, 0, videoSsrc);
                for (int at = RtcpFeedback.HEADER_LENGTH; at + 4 <= len; at += 4) {
                    int pid = videoSplice.in(((send[at] & 0xFF) << 8) | (send[at + 1] & 0xFF));
                    send[at] = (byte) (pid >>> 8);
                    send[at + 1] = (byte) pid;
                }
                int protectedLength = out.protectRtcp(send, 0, len);
                if (protectedLength > 0) {
                    write(send, protectedLength);
                    nacksSent++;
                }
            }
            nacks.pop();
        }
        if (keyframeWanted) {
            keyframeWanted = false;
            int len = PictureLossIndication.write(send, 0, localSsrc, videoSsrc);
            int protectedLength = len > 0 ? out.protectRtcp(send, 0, len) : -1;
            if (protectedLength > 0) {
                write(send, protectedLength);
                keyframeRequestsSent++;
            }
        }
        Channel c = channel;
        if (c != null) {
            c.flush();
        }
    }

    private void write(byte[] buf, int len) {
        Channel c = channel;
        if (c == null || !c.isActive() || len <= 0) {
            return;
        }
        ByteBuf out = c.alloc().directBuffer(len);
        out.writeBytes(buf, 0, len);
        c.write(out, c.voidPromise());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // ICMP port unreachable once the source ended the session: its DTLS close_notify or the consent says so.
    }

    // ---- DTLS (its executor's threads) ----

    @Override
    public void send(byte[] buf, int off, int len) {
        Channel c = channel;
        if (c != null) {
            c.writeAndFlush(Unpooled.copiedBuffer(buf, off, len));
        }
    }

    @Override
    public void onDtlsConnected(DtlsSession session, DtlsSrtpKeyingMaterial keys) {
        SrtpContext in = keys.newInboundContext();
        SrtpContext out = keys.newOutboundContext();
        loop.execute(() -> {
            if (closed) {
                return;
            }
            inbound = in;
            outbound = out;
            listener.onRelayConnected(this);
        });
    }

    @Override
    public void onDtlsFailed(DtlsSession session, DtlsException cause) {
        loop.execute(() -> end("DTLS: " + cause.getMessage()));
    }

    @Override
    public void onDtlsClosed(DtlsSession session, DtlsCloseReason reason) {
        if (reason != DtlsCloseReason.LOCAL_CLOSE) {
            loop.execute(() -> end("the source closed the relay (" + reason + ")"));
        }
    }

    /** Ends on its own, telling the listener; on the loop. */
    private void end(String why) {
        if (closed) {
            return;
        }
        close();
        listener.onRelayEnded(this, why);
    }

    /** Stops the leg (sends DTLS close_notify, closes the socket); any thread, idempotent. */
    void close() {
        if (!loop.inEventLoop()) {
            loop.execute(this::close);
            return;
        }
        if (closed) {
            return;
        }
        closed = true;
        publisher = null;
        if (timer != null) {
            timer.cancel(false);
        }
        if (dtls != null) {
            dtls.close();
        }
        if (channel != null) {
            channel.close();
        }
    }

    boolean isClosed() {
        return closed;
    }
}
