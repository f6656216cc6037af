package io.lianmai.media.session;

import io.lianmai.media.LocalPublisher;
import io.lianmai.wire.rtcp.RtcpFeedback;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.wire.rtcp.SenderReport;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.media.sfu.Buffers;
import io.lianmai.media.sfu.PacketQueue;
import io.lianmai.media.sfu.IncomingLayer;
import io.lianmai.media.sfu.Publication;
import io.lianmai.media.sfu.PublishedTrack;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A publisher inside the server: packets queued by {@link #send} from a bridge's threads are drained on the media
 * loop into the {@link Publication}, which forwards them like a WebRTC publisher's. The publication's RTCP towards
 * the publisher is read only for keyframe requests.
 */
final class LocalPublisherSession extends Session implements LocalPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPublisherSession.class);
    private static final int QUEUE_PACKETS = 512;
    /** Packets per track one drain takes before the loop's other work (a busy bridge cannot hold the loop). */
    private static final int DRAIN_BATCH = 64;
    private static final int REPORT_SLOTS = 2;

    private final SessionHost host;
    private final EventLoop loop;
    private final PacketQueue[] queues;
    /** Sender reports per track: a queue of their own, so that RTP and RTCP never need telling apart. */
    private final PacketQueue[] reports;
    /** Where the sending thread of each track writes its report before queueing it. */
    private final byte[][] reportScratch;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private final RtpPacket packet = new RtpPacket();
    private final byte[] scratch = Buffers.packetArray();
    private final RtcpIterator rtcp = new RtcpIterator();
    private final List<Runnable> keyframeListeners = new CopyOnWriteArrayList<>();
    private final List<NackListener> nackListeners = new CopyOnWriteArrayList<>();
    private long[] ssrcs = new long[0];
    private int[] payloadTypes = new int[0];
    private volatile boolean closed;

    LocalPublisherSession(String id, SessionHost host, EventLoop loop, int trackCount) {
        super(id);
        this.host = host;
        this.loop = loop;
        this.queues = new PacketQueue[trackCount];
        this.reports = new PacketQueue[trackCount];
        this.reportScratch = new byte[trackCount][SenderReport.MIN_LENGTH];
        for (int i = 0; i < trackCount; i++) {
            queues[i] = new PacketQueue(QUEUE_PACKETS);
            reports[i] = new PacketQueue(REPORT_SLOTS);
        }
    }

    /** Attaches the publication and learns each track's SSRC and payload type (on the loop, before any send). */
    void attach(Publication publication) {
        List<PublishedTrack> tracks = publication.tracks();
        long[] trackSsrcs = new long[tracks.size()];
        int[] trackPayloadTypes = new int[tracks.size()];
        for (int i = 0; i < tracks.size(); i++) {
            IncomingLayer layer = tracks.get(i).layers()[0];
            trackSsrcs[i] = layer.ssrc();
            trackPayloadTypes[i] = tracks.get(i).payloadType();
        }
        ssrcs = trackSsrcs;
        payloadTypes = trackPayloadTypes;
        setRole(publication);
    }

    @Override
    public String sessionId() {
        return id();
    }

    @Override
    public boolean send(int track, byte[] rtp, int off, int len) {
        if (closed || track < 0 || track >= queues.length || len < RtpPacket.FIXED_HEADER_LENGTH
                || (rtp[off] & 0xC0) != 0x80) {
            return false;
        }
        return queues[track].offer(rtp, off, len) && scheduleDrain();
    }

    @Override
    public boolean senderReport(int track, long ntpTimestamp, long rtpTimestamp) {
        if (closed || track < 0 || track >= reports.length) {
            return false;
        }
        byte[] report = reportScratch[track];
        // The SSRC is the track's, written on the loop like the packets'.
        int len = SenderReport.write(report, 0, 0, ntpTimestamp, rtpTimestamp & 0xFFFF_FFFFL, 0, 0, 0);
        return reports[track].offer(report, 0, len) && scheduleDrain();
    }

    private boolean scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drain);
            } catch (RuntimeException e) {
                drainScheduled.set(false);
                return false;
            }
        }
        return true;
    }

    private void drain() {
        drainScheduled.set(false);
        if (isEnded() || role() == null) {
            return;
        }
        long now = host.nowMillis();
        boolean more = false;
        for (int t = 0; t < queues.length; t++) {
            PacketQueue queue = queues[t];
            long ssrc = ssrcs[t];
            int payloadType = payloadTypes[t];
            PacketQueue report = reports[t];
            while (!report.isEmpty()) {
                byte[] buf = report.peekBuffer();
                buf[4] = (byte) (ssrc >>> 24);
                buf[5] = (byte) (ssrc >>> 16);
                buf[6] = (byte) (ssrc >>> 8);
                buf[7] = (byte) ssrc;
                role().onRtcp(buf, 0, report.peekLength(), now, scratch);
                report.pop();
            }
            for (int n = 0; n < DRAIN_BATCH && !queue.isEmpty(); n++) {
                byte[] buf = queue.peekBuffer();
                int len = queue.peekLength();
                buf[1] = (byte) ((buf[1] & 0x80) | payloadType);
                buf[8] = (byte) (ssrc >>> 24);
                buf[9] = (byte) (ssrc >>> 16);
                buf[10] = (byte) (ssrc >>> 8);
                buf[11] = (byte) ssrc;
                if (packet.wrap(buf, 0, len)) {
                    role().onRtp(packet, now, scratch);
                }
                queue.pop();
            }
            more |= !queue.isEmpty();
        }
        host.flush();
        if (more && drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drain); // the rest after this loop's other work
            } catch (RuntimeException e) {
                drainScheduled.set(false); // the loop is shutting down
            }
        }
    }

    @Override
    public void onKeyframeRequest(Runnable listener) {
        keyframeListeners.add(listener);
    }

    @Override
    public void onNack(NackListener listener) {
        nackListeners.add(listener);
    }

    @Override
    public boolean isActive() {
        return !closed;
    }

    @Override
    public void end() {
        host.end(id());
    }

    @Override
    void tick(long nowMillis, byte[] tickScratch) {
        if (role() != null) {
            role().tick(nowMillis, tickScratch);
        }
    }

    @Override
    void onEnded() {
        closed = true;
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        // The publication sends no RTP to its publisher.
    }

    /**
     * The publication's RTCP to the publisher (NACK, PLI, receiver reports): keyframe requests and NACKs are passed
     * on.
     */
    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        rtcp.reset(buf, off, len);
        while (rtcp.next()) {
            if (rtcp.packetType() == RtcpPacketType.RTPFB && !nackListeners.isEmpty()
                    && RtcpFeedback.format(buf, rtcp.packetOffset()) == RtcpFeedback.FMT_NACK
                    && rtcp.packetLength() >= RtcpFeedback.HEADER_LENGTH + 4) {
                long mediaSsrc = RtcpFeedback.mediaSsrc(buf, rtcp.packetOffset());
                for (int t = 0; t < ssrcs.length; t++) {
                    if (ssrcs[t] == mediaSsrc) {
                        for (NackListener listener : nackListeners) {
                            listener.onNack(t, buf, rtcp.packetOffset(), rtcp.packetLength());
                        }
                        break;
                    }
                }
                continue;
            }
            if (rtcp.packetType() == RtcpPacketType.PSFB) {
                int format = RtcpFeedback.format(buf, rtcp.packetOffset());
                if (format == RtcpFeedback.FMT_PLI || format == RtcpFeedback.FMT_FIR) {
                    for (Runnable listener : keyframeListeners) {
                        try {
                            listener.run();
                        } catch (RuntimeException e) {
                            LOG.warn("a keyframe-request listener of {} failed", id(), e);
                        }
                    }
                    return;
                }
            }
        }
    }
}
