package io.lianmai.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Plain TCP sockets as a hostile client holds them: a WebSocket upgrade and masked text frames written by hand, the
 * RTMP handshake, and sweeps over many held sockets that tell which ones the server has closed (without threads:
 * non-blocking reads that discard what arrives).
 */
final class RawSockets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RawSockets() {
    }

    /** A blocking channel to {@code address}, 5 s read timeout for handshakes ({@code rcvbuf} 0: the default). */
    static SocketChannel open(InetSocketAddress address, int rcvbuf) throws IOException {
        SocketChannel channel = SocketChannel.open();
        if (rcvbuf > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf);
        }
        channel.socket().connect(address, 5_000);
        channel.socket().setSoTimeout(5_000);
        return channel;
    }

    /** Sends a WebSocket upgrade for {@code path} and reads the answer's head; returns its status code. */
    static int upgrade(SocketChannel channel, String host, String path) throws IOException {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        writeFully(channel, request.getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        var in = channel.socket().getInputStream();
        while (head.length() < 8192 && !head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the upgrade");
            }
            head.append((char) b);
        }
        String[] status = head.toString().split(" ", 3);
        return status.length > 1 ? Integer.parseInt(status[1]) : -1;
    }

    /** Writes one masked text frame (as a client must). */
    static void writeText(SocketChannel channel, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int headerLength = payload.length < 126 ? 2 : payload.length < 65_536 ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(headerLength + 4 + payload.length);
        frame.put((byte) 0x81);
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65_536) {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        frame.flip();
        boolean blocking = channel.isBlocking();
        while (frame.hasRemaining()) {
            if (channel.write(frame) == 0 && !blocking) {
                Thread.onSpinWait();
            }
        }
    }

    /** The RTMP client handshake: C0+C1, reads S0+S1+S2, C2 (the echo of S1). */
    static void rtmpHandshake(SocketChannel channel) throws IOException {
        byte[] c0c1 = new byte[1 + 1536];
        c0c1[0] = 3;
        RANDOM.nextBytes(c0c1);
        c0c1[0] = 3;
        for (int i = 1; i < 9; i++) {
            c0c1[i] = 0;
        }
        writeFully(channel, c0c1);
        byte[] s = channel.socket().getInputStream().readNBytes(1 + 1536 + 1536);
        if (s.length < 1 + 1536 + 1536) {
            throw new IOException("closed during the RTMP handshake");
        }
        byte[] c2 = new byte[1536];
        System.arraycopy(s, 1, c2, 0, 1536);
        writeFully(channel, c2);
    }

    static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Held sockets: {@link #sweep} reads and discards what each has received (at most {@code 64 KiB} per socket per
     * sweep) and counts those the server closed (end of stream or reset).
     */
    static final class Held implements AutoCloseable {
        private final List<SocketChannel> open = new ArrayList<>();
        private final ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
        private int closedByServer;
        private long bytesRead;

        void add(SocketChannel channel) throws IOException {
            channel.configureBlocking(false);
            open.add(channel);
        }

        List<SocketChannel> open() {
            return open;
        }

        /** Returns how many are still open. */
        int sweep() {
            for (int i = open.size() - 1; i >= 0; i--) {
                SocketChannel channel = open.get(i);
                boolean closed;
                try {
                    scratch.clear();
                    int n = channel.read(scratch);
                    closed = n < 0;
                    if (n > 0) {
                        bytesRead += n;
                    }
                } catch (IOException e) {
                    closed = true;
                }
                if (closed) {
                    closedByServer++;
                    open.remove(i);
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // Closed already.
                    }
                }
            }
            return open.size();
        }

        int closedByServer() {
            return closedByServer;
        }

        long bytesRead() {
            return bytesRead;
        }

        @Override
        public void close() {
            for (SocketChannel channel : open) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Nothing to do.
                }
            }
            open.clear();
        }
    }
}
