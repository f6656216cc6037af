package io.lianmai.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Signalling sockets that never enter a room: each upgrades {@code /ws} and then only sends a {@code heartbeat} every
 * {@link #HEARTBEAT_MILLIS} (so that the silence timeout cannot be what closes it). Each holds a connection, a
 * file descriptor and buffers; the server must close sockets that have not entered within its enter timeout.
 */
final class IdleWsAttack implements Attack {
    static final long HEARTBEAT_MILLIS = 4_000;

    @Override
    public String name() {
        return "idle-ws";
    }

    @Override
    public String description(AttackScale scale) {
        return scale.wsSockets() + " /ws sockets that never enter (heartbeats only)";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "every socket closed by the server within " + scale.wsCloseWithin().toSeconds() + " s";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return (int) scale.wsCloseWithin().toSeconds() + 15;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", context.baseUrl().getPort());
        String host = "127.0.0.1:" + context.baseUrl().getPort();
        long openDeadline = System.nanoTime() + 10_000_000_000L;
        try (RawSockets.Held held = new RawSockets.Held()) {
            long start = System.nanoTime();
            for (int i = 0; i < context.scale.wsSockets() && System.nanoTime() < openDeadline; i++) {
                outcome.sent();
                SocketChannel channel = null;
                try {
                    channel = RawSockets.open(address, 0);
                    int status = RawSockets.upgrade(channel, host, "/ws");
                    if (status != 101) {
                        outcome.count("upgrade answered " + status);
                        channel.close();
                        continue;
                    }
                    held.add(channel);
                } catch (IOException e) {
                    outcome.count("upgrade failed: " + AttackOutcome.failure(e));
                    if (channel != null) {
                        channel.close();
                    }
                }
            }
            int opened = held.open().size();
            long deadline = start + context.scale.wsCloseWithin().toNanos();
            long nextHeartbeat = 0;
            int id = 0;
            int open = held.sweep();
            while (open > 0 && System.nanoTime() < deadline) {
                if (System.nanoTime() >= nextHeartbeat) {
                    id++;
                    for (SocketChannel channel : held.open()) {
                        try {
                            RawSockets.writeText(channel, "{\"v\":1,\"type\":\"request\",\"id\":" + id
                                    + ",\"action\":\"heartbeat\",\"data\":{}}");
                        } catch (IOException e) {
                            // The sweep counts it as closed.
                        }
                    }
                    nextHeartbeat = System.nanoTime() + HEARTBEAT_MILLIS * 1_000_000L;
                }
                Thread.sleep(250);
                open = held.sweep();
            }
            for (int i = 0; i < held.closedByServer(); i++) {
                outcome.count("closed by the server");
            }
            for (int i = 0; i < open; i++) {
                outcome.count("still open at the deadline");
            }
            String detail = held.closedByServer() + " of " + opened + " idle sockets closed by the server; " + open
                    + " still open after " + context.scale.wsCloseWithin().toSeconds() + " s";
            return open == 0 && opened > 0 ? Verdict.pass(detail) : Verdict.fail(detail);
        }
    }
}
