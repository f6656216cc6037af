package io.lianmai.wire.rtp;

/** Receives the RTP packets a packetizer produces, on the packetizer's calling thread, during the call. */
@FunctionalInterface
public interface RtpPacketSink {
    /**
     * One complete RTP packet (12-byte header and payload) at {@code buf[off, off + len)}. The buffer belongs to the
     * packetizer and is overwritten by the next packet: copy what must outlive the call (e.g. into a pooled buffer with
     * headroom for SRTP).
     */
    void onRtpPacket(byte[] buf, int off, int len);
}
