package io.lianmai.media.transport;

import java.net.InetSocketAddress;

/**
 * Where a session's packets go: a UDP address on the shared socket, or an ICE-TCP connection. Implementations copy
 * the bytes, so the caller keeps its buffer.
 *
 * <p>Called on the media thread. {@link #flush} pushes what {@link #send} queued (one system call for many
 * datagrams where the transport can).
 */
public interface MediaEndpoint {
    /** Queues one packet (copied from {@code buf}). */
    void send(byte[] buf, int off, int len);

    /** Sends what is queued. */
    void flush();

    /** The remote address, for logs and stats. */
    InetSocketAddress remoteAddress();

    /** Whether packets can still be sent (the TCP connection is open). */
    boolean isOpen();

    /** Closes a connection (ICE-TCP); nothing for a UDP address. Any thread. */
    default void close() {
    }
}
