package io.lianmai.media.transport;

import io.lianmai.media.srtp.SrtpContext;
import java.net.InetSocketAddress;

/**
 * Where an egress thread sends a session's packets, and with which keys: the session's outbound SRTP context and
 * its selected endpoint. Made on the media loop when a session's keys or endpoint change (not per packet) and read
 * by the session's {@link EgressLane}, which from then on is the only thread that uses the context.
 */
public final class EgressTarget {
    final SrtpContext srtp;
    final MediaEndpoint endpoint;
    /** The UDP address, or null for an ICE-TCP connection (sent through the connection, not the lane's socket). */
    final InetSocketAddress udpRemote;
    /** The lane's batch towards {@link #udpRemote}, made by the lane on its first send; lane thread only. */
    UdpCoalescer laneCoalescer;

    public EgressTarget(SrtpContext srtp, MediaEndpoint endpoint) {
        this.srtp = srtp;
        this.endpoint = endpoint;
        this.udpRemote = endpoint instanceof UdpEndpoint ? endpoint.remoteAddress() : null;
    }

    /** Whether this target sends to {@code other}: a session remakes its target when its endpoint changes. */
    public boolean isFor(MediaEndpoint other) {
        return endpoint == other;
    }
}
