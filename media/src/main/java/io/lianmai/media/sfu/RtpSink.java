package io.lianmai.media.sfu;

/**
 * Where a subscriber's packets go: its session, which encrypts (SRTP) and sends them.
 *
 * <p>Called on the media thread. The sink may encrypt in place (the buffer has {@link Buffers#TAILROOM} bytes of
 * room after {@code len}) and has consumed the bytes when it returns, so the caller reuses the buffer at once.
 */
public interface RtpSink {
    /** Sends one plaintext RTP packet. */
    void sendRtp(byte[] buf, int off, int len);

    /** Sends one plaintext RTCP (compound) packet. */
    void sendRtcp(byte[] buf, int off, int len);
}
