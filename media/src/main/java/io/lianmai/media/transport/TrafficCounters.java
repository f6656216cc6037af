package io.lianmai.media.transport;

/**
 * Packets and bytes the media sockets read and wrote, for metrics: four plain fields bumped once per packet on the
 * media loop (no allocation, no lock, no atomics) and read there when a snapshot is taken.
 *
 * <p>Bytes are what crossed the socket: SRTP/SRTCP, STUN and DTLS as sent, without UDP/IP headers or the ICE-TCP
 * length prefix (RFC 4571).
 */
public final class TrafficCounters {
    private long packetsIn;
    private long bytesIn;
    private long packetsOut;
    private long bytesOut;

    /** One packet of {@code len} bytes read from a socket. On the media loop. */
    void received(int len) {
        packetsIn++;
        bytesIn += len;
    }

    /** One packet of {@code len} bytes queued on a socket. On the media loop. */
    void sent(int len) {
        packetsOut++;
        bytesOut += len;
    }

    long packetsIn() {
        return packetsIn;
    }

    long bytesIn() {
        return bytesIn;
    }

    long packetsOut() {
        return packetsOut;
    }

    long bytesOut() {
        return bytesOut;
    }
}
