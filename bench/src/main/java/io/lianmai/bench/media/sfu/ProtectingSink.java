package io.lianmai.bench.media.sfu;

import io.lianmai.media.sfu.RtpSink;
import io.lianmai.media.srtp.SrtpContext;

/**
 * A subscriber's session as far as the forward path goes: SRTP-protects each packet in place with its own context,
 * as {@code WebRtcSession#sendRtp} does, then counts it instead of queueing it on a socket.
 */
final class ProtectingSink implements RtpSink {
    private final SrtpContext outbound;
    private long packets;
    private long octets;
    private long refused;

    ProtectingSink(SrtpContext outbound) {
        this.outbound = outbound;
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        count(outbound.protectRtp(buf, off, len));
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        count(outbound.protectRtcp(buf, off, len));
    }

    private void count(int protectedLength) {
        if (protectedLength < 0) {
            refused++;
        } else {
            packets++;
            octets += protectedLength;
        }
    }

    /** Packets protected. */
    long packets() {
        return packets;
    }

    /** SRTP bytes that would have been sent. */
    long octets() {
        return octets;
    }

    /** Packets the context refused (must stay 0). */
    long refused() {
        return refused;
    }
}
