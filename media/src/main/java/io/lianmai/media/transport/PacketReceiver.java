package io.lianmai.media.transport;

import java.net.InetSocketAddress;

/**
 * Where {@link MediaSockets} hands what it reads: the demultiplexer. Called on the media loop only; {@code buf} is
 * the sockets' receive array (a packet array, see {@code sfu.Buffers}), which the receiver may decrypt in place and
 * must not keep beyond the call. Nothing is allocated per call.
 */
public interface PacketReceiver {
    /** One UDP datagram in {@code buf[0, len)}, {@code 1 <= len <= Buffers.MAX_PACKET}, from the socket or a lane. */
    void onDatagram(byte[] buf, int len, InetSocketAddress sender);

    /**
     * One RFC 4571 frame of an ICE-TCP connection in {@code buf[0, len)}.
     *
     * @param bound the peer connection a valid check bound this TCP connection to, or null before any
     * @param from the TCP connection, where answers go
     * @return the peer connection bound after this frame, or null when the TCP connection must be closed
     */
    PeerConnection onTcpFrame(PeerConnection bound, MediaEndpoint from, byte[] buf, int len);
}
