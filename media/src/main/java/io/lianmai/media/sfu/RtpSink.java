package io.lianmai.media.sfu;

import io.lianmai.wire.rtp.RtpPacket;

/**
 * Where a subscriber's packets go: its session, which encrypts (SRTP) and sends them.
 *
 * <p>Called on the media thread. The sink may encrypt in place (the buffer has {@link Buffers#TAILROOM} bytes of
 * room after {@code len}) and has consumed the bytes when it returns, so the caller reuses the buffer at once.
 */
public interface RtpSink {
    /** Sends one plaintext RTP packet. */
    void sendRtp(byte[] buf, int off, int len);

    /**
     * Sends one plaintext RTP packet bound to {@code packet}, a validated view over its bytes. A stage that rewrites
     * header extensions does so through the view (growing it if it must) and passes the view on, so that a
     * subscriber's stages share one parse of the header; the default sends the view's bytes.
     */
    default void sendRtp(RtpPacket packet) {
        sendRtp(packet.buffer(), packet.offset(), packet.length());
    }

    /** Sends one plaintext RTCP (compound) packet. */
    void sendRtcp(byte[] buf, int off, int len);
}
