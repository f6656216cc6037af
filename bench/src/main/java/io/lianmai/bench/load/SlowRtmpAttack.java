package io.lianmai.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Slow RTMP clients: each completes the handshake, raises its chunk size to 16 MiB and declares a 16 MiB command
 * message of which it sends one kilobyte, then holds the connection without a word more. Before it has
 * authenticated, a client may cost the server only a small budget of memory, and a connection that makes no progress
 * must be closed by the handshake/idle timeout.
 */
final class SlowRtmpAttack implements Attack {
    private static final int DECLARED = 0xFF_FFFF;
    private static final int SENT = 1024;

    @Override
    public String name() {
        return "slow-rtmp";
    }

    @Override
    public String description(AttackScale scale) {
        return scale.rtmpConnections() + " RTMP connections: handshake, chunk size and a message of 16 MiB "
                + "declared, 1 KiB sent, then silence";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "every connection closed by the server within " + scale.rtmpCloseWithin().toSeconds() + " s";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return (int) scale.rtmpCloseWithin().toSeconds() + 15;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        int port = context.server.rtmpPort();
        if (port < 0) {
            return Verdict.notAvailable("the server runs no RTMP listener");
        }
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        byte[] partial = partialMessage();
        long openDeadline = System.nanoTime() + 10_000_000_000L;
        try (RawSockets.Held held = new RawSockets.Held()) {
            long start = System.nanoTime();
            for (int i = 0; i < context.scale.rtmpConnections() && System.nanoTime() < openDeadline; i++) {
                outcome.sent();
                SocketChannel channel = null;
                try {
                    channel = RawSockets.open(address, 0);
                    RawSockets.rtmpHandshake(channel);
                    RawSockets.writeFully(channel, partial);
                    held.add(channel);
                } catch (IOException e) {
                    outcome.count("handshake failed: " + AttackOutcome.failure(e));
                    if (channel != null) {
                        channel.close();
                    }
                }
            }
            int opened = held.open().size();
            long deadline = start + context.scale.rtmpCloseWithin().toNanos();
            long lastClose = 0;
            int open = held.sweep();
            while (open > 0 && System.nanoTime() < deadline) {
                Thread.sleep(250);
                int now = held.sweep();
                if (now < open) {
                    lastClose = System.nanoTime();
                }
                open = now;
            }
            for (int i = 0; i < held.closedByServer(); i++) {
                outcome.count("closed by the server");
            }
            for (int i = 0; i < open; i++) {
                outcome.count("still open at the deadline");
            }
            String detail = held.closedByServer() + " of " + opened + " held connections closed by the server"
                    + (lastClose > 0 ? ", the last after " + (lastClose - start) / 1_000_000_000L + " s" : "")
                    + "; " + open + " still open after " + context.scale.rtmpCloseWithin().toSeconds() + " s";
            return open == 0 && opened > 0 ? Verdict.pass(detail) : Verdict.fail(detail);
        }
    }

    /**
     * Set Chunk Size 16 MiB - 1 (the largest RTMP allows), then a type-0 chunk declaring a 16 MiB - 1 AMF0 command
     * of which {@link #SENT} bytes follow.
     */
    static byte[] partialMessage() {
        ByteBuffer b = ByteBuffer.allocate(12 + 4 + 12 + SENT);
        // Set Chunk Size (type 1) on chunk stream 2, message stream 0.
        b.put((byte) 0x02).put(new byte[] {0, 0, 0}).put(new byte[] {0, 0, 4}).put((byte) 1).putInt(0);
        b.putInt(0xFF_FFFF);
        // AMF0 command (type 20) on chunk stream 3, 16 MiB - 1 declared.
        b.put((byte) 0x03).put(new byte[] {0, 0, 0})
                .put((byte) (DECLARED >> 16)).put((byte) (DECLARED >> 8)).put((byte) DECLARED)
                .put((byte) 20).putInt(0);
        b.put(new byte[SENT]);
        return b.array();
    }
}
