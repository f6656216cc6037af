package io.lianmai.media.session;

import io.lianmai.media.dtls.DtlsCloseReason;
import io.lianmai.media.dtls.DtlsException;
import io.lianmai.media.dtls.DtlsSender;
import io.lianmai.media.dtls.DtlsSession;
import io.lianmai.media.dtls.DtlsSessionListener;
import io.lianmai.media.dtls.DtlsSrtpKeyingMaterial;
import io.lianmai.media.ice.IceCandidate;
import io.lianmai.media.ice.IceConnectionState;
import io.lianmai.media.ice.IceLiteAgent;
import io.lianmai.media.ice.MessageIntegrity;
import io.lianmai.media.ice.StunMessage;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.media.sfu.SessionRole;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.transport.EgressLane;
import io.lianmai.media.transport.EgressTarget;
import io.lianmai.media.transport.MediaEndpoint;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer connection: ICE-lite connectivity, the DTLS handshake that yields SRTP keys, SRTP in both directions,
 * and the {@link SessionRole} that publishes or plays a stream.
 *
 * <p>Everything but the DTLS handshake and outbound protection runs on the media event loop; the handshake runs on
 * the DTLS executor and reaches the loop through {@link EventLoop#execute}; with an {@link EgressLane}, outbound
 * packets are protected and sent on the lane's thread. The packet path allocates nothing and logs nothing.
 */
public final class WebRtcSession extends Session implements DtlsSender, DtlsSessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcSession.class);

    private final SessionHost host;
    private final EventLoop loop;
    private final IceLiteAgent ice;
    private final MessageIntegrity integrity;
    /** The egress thread that protects and sends this session's packets, or null: the media loop does it. */
    private final EgressLane lane;
    private final RtpPacket packet = new RtpPacket();
    /** The UDP addresses the server routes to this session (bounded; see {@link SessionAddresses}). */
    private final SessionAddresses addresses;
    private DtlsSession dtls;
    /** Whether this session still holds a DTLS handshake slot of the server's {@link SessionAdmission}. */
    private boolean holdsHandshakeSlot = true;

    private MediaEndpoint endpoint;
    private MediaEndpoint lastCheckedEndpoint;
    private SrtpContext inbound;
    private SrtpContext outbound;
    /** The lane's view of outbound keys and endpoint; remade when either changes. */
    private EgressTarget egress;
    private IceConnectionState iceState = IceConnectionState.CHECKING;

    private long srtpDropped;
    /** When the offer was accepted (this session made), on the media clock. */
    private final long createdMillis;
    /** When the DTLS handshake started (the first valid ICE check), on the media clock; -1 before. */
    private long dtlsStartedMillis = -1;

    WebRtcSession(String id, SessionHost host, EventLoop loop, IceLiteAgent ice, EgressLane lane,
            SessionAddresses addresses) {
        super(id);
        this.addresses = addresses;
        this.host = host;
        this.loop = loop;
        this.ice = ice;
        this.lane = lane;
        this.integrity = MessageIntegrity.forPassword(ice.localCredentials().pwd());
        this.createdMillis = host.nowMillis();
    }

    IceLiteAgent ice() {
        return ice;
    }

    public String localUfrag() {
        return ice.localCredentials().ufrag();
    }

    /**
     * Sets the DTLS session and role. The handshake starts with the first valid ICE check, not now: until a client
     * proves it holds the session's ICE password from a reachable address, its session takes no DTLS thread.
     * DTLS records that arrive before are queued by the DTLS session.
     */
    void attach(DtlsSession dtlsSession, SessionRole sessionRole) {
        this.dtls = dtlsSession;
        setRole(sessionRole);
    }

    /** The UDP addresses routed to this session; the demultiplexer adds and evicts them on the loop. */
    public SessionAddresses addresses() {
        return addresses;
    }

    /** The address media goes to (the nominated pair, else the first checked), or null before any check. */
    public InetSocketAddress sendingTo() {
        return endpoint == null ? null : endpoint.remoteAddress();
    }

    /** When it was made (its offer accepted), on the media clock. */
    long createdMillis() {
        return createdMillis;
    }

    /** When its DTLS handshake started on the media clock, or -1 when it has not (on the loop). */
    long dtlsStartedMillis() {
        return dtlsStartedMillis;
    }

    /** Gives up the handshake slot; true the first time only (on the loop). */
    boolean releaseHandshakeSlot() {
        boolean held = holdsHandshakeSlot;
        holdsHandshakeSlot = false;
        return held;
    }

    // ---- receive path (media loop) ----

    /**
     * A STUN binding request for this session; answers it and returns whether the sender's address is now a
     * valid candidate of this session.
     */
    public boolean onStun(StunMessage request, MediaEndpoint from, IceCandidate.Transport transport, byte[] out) {
        IceLiteAgent.Response response = ice.onBindingRequest(request, from.remoteAddress(), transport, out, 0);
        if (response.length() > 0) {
            from.send(out, 0, response.length());
            from.flush();
        }
        if (!response.isSuccess()) {
            return false;
        }
        lastCheckedEndpoint = from;
        if (response.isNominated() || endpoint == null) {
            endpoint = from;
        }
        if (dtls != null && dtls.state() == DtlsSession.State.NEW && !isEnded()) {
            dtlsStartedMillis = host.nowMillis();
            dtls.start();
        }
        return true;
    }

    /** A DTLS record from the peer, for the handshake (RFC 5764). */
    public void onDtls(byte[] buf, int off, int len) {
        if (dtls != null) {
            dtls.onDatagram(buf, off, len);
        }
    }

    /** An SRTP packet, decrypted in place and handed to the role. */
    public void onSrtp(byte[] buf, int off, int len, long nowMillis, byte[] scratch) {
        if (inbound == null || role() == null) {
            srtpDropped++;
            return;
        }
        int plain = inbound.unprotectRtp(buf, off, len);
        if (plain < 0 || !packet.wrap(buf, off, plain)) {
            srtpDropped++;
            return;
        }
        role().onRtp(packet, nowMillis, scratch);
    }

    /** An SRTCP compound packet, decrypted in place and handed to the role. */
    public void onSrtcp(byte[] buf, int off, int len, long nowMillis, byte[] scratch) {
        if (inbound == null || role() == null) {
            srtpDropped++;
            return;
        }
        int plain = inbound.unprotectRtcp(buf, off, len);
        if (plain < 0) {
            srtpDropped++;
            return;
        }
        role().onRtcp(buf, off, plain, nowMillis, scratch);
    }

    /** Periodic work: ICE consent and the role's repair and reports (the server signals the lanes after). */
    @Override
    void tick(long nowMillis, byte[] scratch) {
        IceConnectionState state = ice.poll();
        if (state != iceState) {
            iceState = state;
            if (state == IceConnectionState.FAILED) {
                host.endSession(this, EndReason.ICE_FAILED);
                return;
            }
        }
        if (outbound != null && role() != null && endpoint != null) {
            role().tick(nowMillis, scratch);
            endpoint.flush();
        }
    }

    void flush() {
        if (endpoint != null) {
            endpoint.flush();
        }
    }

    // ---- send path (media loop) ----

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        if (outbound == null || endpoint == null) {
            return;
        }
        if (lane != null) {
            lane.offer(egressTarget(), buf, off, len);
            return;
        }
        int protectedLength = outbound.protectRtp(buf, off, len);
        if (protectedLength > 0) {
            endpoint.send(buf, off, protectedLength);
        }
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        if (outbound == null || endpoint == null) {
            return;
        }
        if (lane != null) {
            lane.offer(egressTarget(), buf, off, len);
            return;
        }
        int protectedLength = outbound.protectRtcp(buf, off, len);
        if (protectedLength > 0) {
            endpoint.send(buf, off, protectedLength);
        }
    }

    /** With a lane, every outbound packet is protected there: the outbound context never crosses back. */
    private EgressTarget egressTarget() {
        EgressTarget target = egress;
        if (target == null || !target.isFor(endpoint)) {
            target = new EgressTarget(outbound, endpoint);
            egress = target;
        }
        return target;
    }

    // ---- DTLS (its executor's threads) ----

    @Override
    public void send(byte[] buf, int off, int len) {
        byte[] copy = Arrays.copyOfRange(buf, off, off + len);
        loop.execute(() -> {
            MediaEndpoint target = endpoint != null ? endpoint : lastCheckedEndpoint;
            if (target != null && !isEnded()) {
                target.send(copy, 0, copy.length);
                target.flush();
            }
        });
    }

    @Override
    public void onDtlsConnected(DtlsSession session, DtlsSrtpKeyingMaterial keys) {
        SrtpContext in = keys.newInboundContext();
        SrtpContext out = keys.newOutboundContext();
        loop.execute(() -> {
            host.onHandshakeFinished(this);
            if (!isEnded()) {
                inbound = in;
                outbound = out;
                LOG.debug("session {} connected ({}) via {}", id(), keys.profile(),
                        endpoint == null ? "?" : endpoint.remoteAddress());
                host.onSessionConnected(this);
            }
        });
    }

    @Override
    public void onDtlsFailed(DtlsSession session, DtlsException cause) {
        LOG.info("session {}: DTLS failed: {}", id(), cause.getMessage());
        loop.execute(() -> {
            host.onHandshakeFinished(this);
            host.endSession(this, EndReason.DTLS_FAILED);
        });
    }

    @Override
    public void onDtlsClosed(DtlsSession session, DtlsCloseReason reason) {
        loop.execute(() -> host.endSession(this, EndReason.DTLS_CLOSED));
    }

    @Override
    void onEnded() {
        if (dtls != null) {
            dtls.close();
        }
    }

    /** SRTP/SRTCP packets dropped (before keys, failed authentication, replays, malformed RTP). */
    long srtpDropped() {
        return srtpDropped;
    }
}
