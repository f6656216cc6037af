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
    private final MediaSockets sockets;
    private final Clock clock;
    private final Map<String, WebRtcSession> byUfrag = new HashMap<>();
    private final Map<InetSocketAddress, WebRtcSession> byAddress = new HashMap<>();
    private final Map<InetSocketAddress, MediaEndpoint> udpEndpoints = new HashMap<>();
    private final byte[] scratch = Buffers.packetArray();
    private final byte[] stunOut = new byte[256];
    private long unknownPackets;
    private long badStun;

    public PacketDemultiplexer(MediaSockets sockets, Clock clock) {
        this.sockets = sockets;
        this.clock = clock;
    }

    @Override
    public void onDatagram(byte[] buf, int len, InetSocketAddress sender) {
        switch (PacketKind.of(buf[0] & 0xFF)) {
            case STUN -> onStun(buf, len, udpEndpoint(sender), IceCandidate.Transport.UDP, sender);
            case DTLS -> {
                WebRtcSession session = byAddress.get(sender);
                if (session != null) {
                    session.onDtls(buf, 0, len);
                } else {
                    unknownPackets++;
                }
            }
            case RTP_OR_RTCP -> {
                WebRtcSession session = byAddress.get(sender);
                if (session != null) {
                    onSrtpOrSrtcp(session, buf, len);
                } else {
                    unknownPackets++;
                }
            }
            default -> unknownPackets++;
        }
    }

    @Override
    public PeerConnection onTcpFrame(PeerConnection bound, MediaEndpoint from, byte[] buf, int len) {
        PacketKind kind = PacketKind.of(buf[0] & 0xFF);
        if (kind == PacketKind.STUN) {
            WebRtcSession checked = onStun(buf, len, from, IceCandidate.Transport.TCP, null);
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

    /** Handles a STUN message; returns the session it belongs to when it was a valid check. */
    private WebRtcSession onStun(byte[] buf, int len, MediaEndpoint from, IceCandidate.Transport transport,
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
            badStun++;
            return null;
        }
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
            byAddress.put(udpSender, session);
        }
        return session;
    }

    @Override
    public void route(WebRtcSession session) {
        byUfrag.put(session.localUfrag(), session);
    }

    @Override
    public void unroute(WebRtcSession session) {
        byUfrag.remove(session.localUfrag(), session);
        SessionAddresses addresses = session.addresses();
        for (int i = 0; i < addresses.size(); i++) {
            forgetAddress(addresses.get(i), session);
        }
    }

    /** Stops routing {@code address} to {@code session}, unless another session has taken the address since. */
    private void forgetAddress(InetSocketAddress address, WebRtcSession session) {
        if (byAddress.remove(address, session)) {
            udpEndpoints.remove(address);
        }
    }

    /**
     * What the demultiplexer holds and dropped, on the loop.
     *
     * @param routedAddresses UDP source addresses routed to a session (the by-address map)
     * @param udpEndpoints UDP endpoints remembered for those addresses
     * @param unknownPackets DTLS, SRTP and unclassifiable packets from an address no session owns
     * @param badStun STUN messages that did not parse or named no session's username fragment
     */
    public record Counters(int routedAddresses, int udpEndpoints, long unknownPackets, long badStun) {
    }

    /** A snapshot of {@link Counters}; on the loop. */
    public Counters counters() {
        return new Counters(byAddress.size(), udpEndpoints.size(), unknownPackets, badStun);
    }
}
