package io.lianmai.media.session;

import io.lianmai.media.demux.PacketKind;
import io.lianmai.media.sfu.Buffers;
import io.lianmai.media.sfu.IncomingLayer;
import io.lianmai.media.sfu.MirrorLink;
import io.lianmai.media.sfu.PacketQueue;
import io.lianmai.media.sfu.Publication;
import io.lianmai.media.sfu.PublishedTrack;
import io.lianmai.wire.rtcp.RtcpFeedback;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.wire.rtp.RtpPacket;
import io.netty.channel.EventLoop;

/**
 * Another media loop's publisher, as this loop's players see it: a {@link Publication} built from the same
 * negotiation and fed, through a {@link MirrorLink}, with the packets the publishing loop receives. Its players are
 * this loop's own, so each forwarded packet crosses loops once, whatever the number of players here.
 *
 * <p>Internal: signalling never sees its id (no session-end or layer events, not in statistics). It ends with the
 * publisher (the publishing loop closes the link), when no player of this loop has played it for
 * {@link #IDLE_MILLIS}, or when a publisher of the same stream registers on this loop.
 */
final class MirrorSession extends Session {
    /** How long a mirror nobody plays here stays, so that a player's leave and the next one's join reuse it. */
    static final long IDLE_MILLIS = 5000;
    /**
     * Packets one drain forwards before it flushes and yields: a loop that falls behind its source must still read
     * its own socket, run its tick and send what it forwarded (an unbounded drain would hold it, and every batch it
     * forwarded, until the source paused).
     */
    static final int DRAIN_BATCH = 64;

    private final SessionRegistry host;
    private final MirrorLink link;
    private final String streamKey;
    private final Runnable drain = this::drain;
    private final EventLoop loop;
    private final RtpPacket packet = new RtpPacket();
    private final byte[] scratch = Buffers.packetArray();
    private final RtcpIterator rtcp = new RtcpIterator();
    private long idleSinceMillis = -1;

    MirrorSession(String id, SessionRegistry host, EventLoop loop, String streamKey, int tracks, int capacity) {
        super(id);
        this.host = host;
        this.loop = loop;
        this.streamKey = streamKey;
        this.link = new MirrorLink(capacity, tracks, () -> loop.execute(drain));
    }

    MirrorLink link() {
        return link;
    }

    String streamKey() {
        return streamKey;
    }

    /** On this loop: what the publishing loop queued, in its order (RTP and RTCP as they arrived there). */
    private void drain() {
        link.drainScheduled();
        if (isEnded() || !(role() instanceof Publication publication)) {
            return;
        }
        PacketQueue queue = link.queue();
        long now = host.nowMillis();
        for (int n = 0; n < DRAIN_BATCH && !queue.isEmpty(); n++) {
            byte[] buf = queue.peekBuffer();
            int len = queue.peekLength();
            if (len > 1 && PacketKind.isRtcp(buf[1] & 0xFF)) {
                publication.onRtcp(buf, 0, len, now, scratch);
            } else if (packet.wrap(buf, 0, len)) {
                publication.onRtp(packet, now, scratch);
            }
            queue.pop();
        }
        host.flush();
        link.drainAgain();
    }

    @Override
    void tick(long nowMillis, byte[] tickScratch) {
        if (link.isClosed()) {
            host.endSession(this, EndReason.PUBLISHER_GONE);
            return;
        }
        if (role() != null) {
            role().tick(nowMillis, tickScratch);
        }
        if (host.playerCount(streamKey) > 0) {
            idleSinceMillis = -1;
        } else if (idleSinceMillis < 0) {
            idleSinceMillis = nowMillis;
        } else if (nowMillis - idleSinceMillis >= IDLE_MILLIS) {
            host.endSession(this, EndReason.UNUSED);
        }
    }

    @Override
    void onEnded() {
        link.close();
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        // A publication sends its publisher no RTP.
    }

    /**
     * The mirror publication's RTCP "to the publisher": its keyframe requests go to the publishing loop (which asks
     * the real publisher, rate-limited); NACKs, reports and the rest are the publishing loop's business.
     */
    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        if (!(role() instanceof Publication publication)) {
            return;
        }
        rtcp.reset(buf, off, len);
        while (rtcp.next()) {
            if (rtcp.packetType() == RtcpPacketType.PSFB
                    && RtcpFeedback.format(buf, rtcp.packetOffset()) == RtcpFeedback.FMT_PLI) {
                long ssrc = RtcpFeedback.mediaSsrc(buf, rtcp.packetOffset());
                for (PublishedTrack track : publication.tracks()) {
                    for (IncomingLayer layer : track.layers()) {
                        if (layer.ssrc() == ssrc) {
                            link.requestKeyframe(layer.index());
                        }
                    }
                }
            }
        }
    }
}
