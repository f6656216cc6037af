package io.lianmai.media.demux;

import io.lianmai.media.ice.IceCandidate;
import io.lianmai.media.ice.StunException;
import io.lianmai.media.ice.StunMessage;
import io.lianmai.media.session.SessionAddresses;
import io.lianmai.media.session.SessionRouting;
import io.lianmai.media.session.WebRtcSession;
import io.lianmai.media.sfu.Buffers;
import io.lianmai.media.transport.MediaEndpoint;
import io.lianmai.media.transport.MediaSockets;
import io.lianmai.media.transport.PacketReceiver;
import io.lianmai.media.transport.PeerConnection;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts what arrives on the shared media port to the sessions it belongs to. The first byte tells STUN, DTLS and
 * SRTP/SRTCP apart (RFC 7983 section 7, {@link PacketKind}); the second tells SRTP from SRTCP (RFC 5761 section 4).
 * STUN binding requests find their session by the local username fragment (ICE-lite, RFC 8445 section 7.3), and a
 * valid check routes its UDP source address to that session (at most {@code media.maxAddressesPerSession} per
 * session, {@link SessionAddresses}); DTLS and SRTP then find their session by source address only. An ICE-TCP
 * connection is bound to the session of its first valid check.
 *
 * <p>On the media loop only: the maps take no lock, and nothing is allocated per packet (a UDP endpoint is made
 * only for a STUN check from a new address). Packets nobody claims are counted and dropped.
 */
public final class PacketDemultiplexer implements PacketReceiver, SessionRouting {
    private static final Logger LOG = LoggerFactory.getLogger(PacketDemultiplexer.class);
    private final MediaSockets sockets;
    private final Clock clock;
    private final Map<String, WebRtcSession> byUfrag = new HashMap<>();
    private final Map<InetSocketAddress, WebRtcSession> byAddress = new HashMap<>();
    private final Map<InetSocketAddress, MediaEndpoint> udpEndpoints = new HashMap<>();
    private final byte[] scratch = Buffers.packetArray();
    private final byte[] stunOut = new byte[256];
    private long unknownPackets;
    private long badStun;
    private long packetFailures;
    private final LoopLinks links;
    /** While a datagram another loop handed over is handled: it is not handed on again. */
    private boolean handed;

    /** The demultiplexer of the only media loop. */
    public PacketDemultiplexer(MediaSockets sockets, Clock clock) {
        this(sockets, clock, LoopLinks.NONE);
    }

    /**
     * The demultiplexer of one of several media loops: what belongs to another loop goes to it through
     * {@code links}.
     */
    public PacketDemultiplexer(MediaSockets sockets, Clock clock, LoopLinks links) {
        this.sockets = sockets;
        this.clock = clock;
        this.links = links;
    }

    @Override
    public void onDatagram(byte[] buf, int len, InetSocketAddress sender) {
        switch (PacketKind.of(buf[0] & 0xFF)) {
            case STUN -> onStun(buf, len, null, IceCandidate.Transport.UDP, sender);
            case DTLS -> {
                WebRtcSession session = byAddress.get(sender);
                if (session != null) {
                    session.onDtls(buf, 0, len);
                } else {
                    elsewhere(buf, len, sender);
                }
            }
            case RTP_OR_RTCP -> {
                WebRtcSession session = byAddress.get(sender);
                if (session != null) {
                    onSrtpOrSrtcp(session, buf, len);
                } else {
                    elsewhere(buf, len, sender);
                }
            }
            default -> unknownPackets++;
        }
    }

    /** A datagram another media loop read for a session of this one ({@link LoopLinks}). */
    void onHandedDatagram(byte[] buf, int len, InetSocketAddress sender) {
        handed = true;
        try {
            onDatagram(buf, len, sender);
        } finally {
            handed = false;
        }
    }

    /** An ICE-TCP frame loop 0 handed over for a session of this loop ({@link LoopLinks}): never handed on again. */
    PeerConnection onHandedTcpFrame(PeerConnection bound, MediaEndpoint from, byte[] buf, int len) {
        handed = true;
        try {
            return onTcpFrame(bound, from, buf, len);
        } finally {
            handed = false;
        }
    }

    /** DTLS or SRTP from an address this loop does not route: another loop's, or nobody's. */
    private void elsewhere(byte[] buf, int len, InetSocketAddress sender) {
        if (handed || !links.forward(buf, len, sender)) {
            unknownPackets++;
        }
    }

    /** A packet dropped after an internal error in its handling; the first ten are logged. */
    void onPacketFailure(RuntimeException e) {
        packetFailures++;
        if (packetFailures <= 10) {
            LOG.warn("dropped a packet handed over from another media loop after an internal error", e);
        }
    }

    @Override
    public PeerConnection onTcpFrame(PeerConnection bound, MediaEndpoint from, byte[] buf, int len) {
        if (bound instanceof LoopLinks.RemoteTcp remote) {
            links.forwardTcp(remote, buf, len);
            return remote.isEnded() ? null : remote;
        }
        PacketKind kind = PacketKind.of(buf[0] & 0xFF);
        if (kind == PacketKind.STUN) {
            PeerConnection checked = onStun(buf, len, from, IceCandidate.Transport.TCP, null);
            return checked != null ? checked : bound;
        }
        if (!(bound instanceof WebRtcSession session) || session.isEnded()) {
            return null;
        }
        if (kind == PacketKind.DTLS) {
            session.onDtls(buf, 0, len);
        } else if (kind == PacketKind.RTP_OR_RTCP) {
            onSrtpOrSrtcp(session, buf, len);
        }
        return session;
    }

    private void onSrtpOrSrtcp(WebRtcSession session, byte[] buf, int len) {
        if (len > 1 && PacketKind.isRtcp(buf[1] & 0xFF)) {
            session.onSrtcp(buf, 0, len, clock.millis(), scratch);
        } else {
            session.onSrtp(buf, 0, len, clock.millis(), scratch);
        }
    }

    private MediaEndpoint udpEndpoint(InetSocketAddress sender) {
        MediaEndpoint endpoint = udpEndpoints.get(sender);
        if (endpoint == null) {
            endpoint = sockets.udpEndpoint(sender);
        }
        return endpoint;
    }

    /**
     * Handles a STUN message (over UDP from {@code udpSender}, or over the ICE-TCP connection {@code tcpFrom});
     * returns the session it belongs to when it was a valid check, the binding to another loop when it went there over
     * ICE-TCP, else null.
     */
    private PeerConnection onStun(byte[] buf, int len, MediaEndpoint tcpFrom, IceCandidate.Transport transport,
            InetSocketAddress udpSender) {
        StunMessage message;
        try {
            message = StunMessage.parse(buf, 0, len);
        } catch (StunException e) {
            badStun++;
            return null;
        }
        Optional<String> ufrag = message.localUfrag();
        WebRtcSession session = ufrag.isPresent() ? byUfrag.get(ufrag.get()) : null;
        if (session == null) {
            if (ufrag.isPresent() && !handed) {
                if (udpSender != null && links.forwardCheck(ufrag.get(), buf, len, udpSender)) {
                    return null;
                }
                if (udpSender == null) {
                    PeerConnection remote = links.forwardTcpCheck(ufrag.get(), tcpFrom, buf, len);
                    if (remote != null) {
                        return remote;
                    }
                }
            }
            badStun++;
            return null;
        }
        MediaEndpoint from = udpSender != null ? udpEndpoint(udpSender) : tcpFrom;
        if (!session.onStun(message, from, transport, stunOut)) {
            return null;
        }
        if (udpSender != null) {
            InetSocketAddress evicted = session.addresses().onValidCheck(udpSender, clock.millis(),
                    session.sendingTo());
            if (evicted != null) {
                forgetAddress(evicted, session);
            }
            udpEndpoints.put(udpSender, from);
            if (byAddress.put(udpSender, session) == null) {
                links.addressRouted(udpSender);
            }
        }
        return session;
    }

    @Override
    public void route(WebRtcSession session) {
        byUfrag.put(session.localUfrag(), session);
        links.ufragRouted(session.localUfrag());
    }

    @Override
    public void unroute(WebRtcSession session) {
        if (byUfrag.remove(session.localUfrag(), session)) {
            links.ufragForgotten(session.localUfrag());
        }
        SessionAddresses addresses = session.addresses();
        for (int i = 0; i < addresses.size(); i++) {
            forgetAddress(addresses.get(i), session);
        }
    }

    /** Stops routing {@code address} to {@code session}, unless another session has taken the address since. */
    private void forgetAddress(InetSocketAddress address, WebRtcSession session) {
        if (byAddress.remove(address, session)) {
            udpEndpoints.remove(address);
            links.addressForgotten(address);
        }
    }

    /**
     * What the demultiplexer holds and dropped, on the loop.
     *
     * @param routedAddresses UDP source addresses routed to a session (the by-address map)
     * @param udpEndpoints UDP endpoints remembered for those addresses
     * @param unknownPackets DTLS, SRTP and unclassifiable packets from an address no session owns
     * @param badStun STUN messages that did not parse or named no session's username fragment
     * @param packetFailures packets handed over from another media loop and dropped after an internal error
     */
    public record Counters(int routedAddresses, int udpEndpoints, long unknownPackets, long badStun,
            long packetFailures) {
    }

    /** A snapshot of {@link Counters}; on the loop. */
    public Counters counters() {
        return new Counters(byAddress.size(), udpEndpoints.size(), unknownPackets, badStun, packetFailures);
    }
}
