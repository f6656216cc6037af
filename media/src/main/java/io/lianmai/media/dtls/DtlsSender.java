package io.lianmai.media.dtls;

/**
 * Where a session's outgoing DTLS datagrams go: the transport sends each one to the remote address of the ICE
 * pair in use.
 *
 * <p>Called on the session's handshake or drain thread (an executor thread, not the transport's event loop), one
 * call at a time per session; the implementation must be safe to call from such a thread. The array is only
 * lent for the call: copy the bytes before returning if they are sent later.
 */
@FunctionalInterface
public interface DtlsSender {
    /** Sends one datagram, {@code buf[off, off + len)}; never blocks for long, drops rather than waits. */
    void send(byte[] buf, int off, int len);
}
