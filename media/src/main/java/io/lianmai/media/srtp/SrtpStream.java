package io.lianmai.media.srtp;

/**
 * What a context remembers about one SSRC (RFC 3711 §3.2.3): the rollover counter and highest sequence number
 * of each direction it is used in, the replay windows of received packets, and the next SRTCP index to send.
 * Created once per SSRC, so steady-state packets allocate nothing.
 */
final class SrtpStream {
    /** SRTP indices are 48 bits (RFC 3711 §3.3.1). */
    static final long MAX_SRTP_INDEX = (1L << 48) - 1;
    /** SRTCP indices are 31 bits (RFC 3711 §3.4). */
    static final long MAX_SRTCP_INDEX = (1L << 31) - 1;

    final int ssrc;

    // Sender side: the index of the newest packet protected (-1: none yet).
    long sentIndex = -1;
    long nextSrtcpIndex;

    // Receiver side: the index of the newest authenticated packet (-1: none yet), and the replay windows,
    // made on first use so a send-only stream does not carry them.
    long receivedIndex = -1;
    ReplayWindow rtpReplay;
    ReplayWindow rtcpReplay;

    SrtpStream(int ssrc) {
        this.ssrc = ssrc;
    }

    /**
     * The packet index that sequence number {@code seq} most likely has, given {@code highest}, the index of the
     * newest packet so far (RFC 3711 §3.3.1 and Appendix A). Returns {@code seq} itself for a first packet, and
     * may return a negative value (a packet from before index 0) or one above {@link #MAX_SRTP_INDEX}.
     */
    static long estimateIndex(long highest, int seq) {
        if (highest < 0) {
            return seq;
        }
        long roc = highest >>> 16;
        int highestSeq = (int) (highest & 0xFFFF);
        long guessedRoc;
        if (highestSeq < 0x8000) {
            guessedRoc = seq - highestSeq > 0x8000 ? roc - 1 : roc;
        } else {
            guessedRoc = highestSeq - 0x8000 > seq ? roc + 1 : roc;
        }
        return (guessedRoc << 16) + seq;
    }
}
