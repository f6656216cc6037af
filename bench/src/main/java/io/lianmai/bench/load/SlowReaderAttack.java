package io.lianmai.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A member that stops reading: it enters a room through {@code /ws} with a 4 KiB receive buffer, then only writes (a
 * heartbeat every few seconds, so it never looks silent) while other members chat as fast as the custom-message rate
 * allows. Everything the room says to it piles up in the server unless the server drops it.
 */
final class SlowReaderAttack implements Attack {
    private static final int MESSAGES_PER_SECOND = 30;
    private static final String PAYLOAD = "x".repeat(1000);

    @Override
    public String name() {
        return "slow-reader";
    }

    @Override
    public String description(AttackScale scale) {
        return "a member stops reading its /ws while " + scale.slowReaderSenders() + " members send 1 KB custom "
                + "messages at " + MESSAGES_PER_SECOND + "/s each for " + scale.slowReaderSeconds() + " s";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "the slow reader's socket closed by the server";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return scale.slowReaderSeconds() + 25;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        long room = AttackContext.freshRoom();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", context.baseUrl().getPort());
        SocketChannel slow = RawSockets.open(address, 4096);
        List<WsMember> senders = new ArrayList<>();
        try {
            if (RawSockets.upgrade(slow, "127.0.0.1:" + context.baseUrl().getPort(), "/ws") != 101) {
                return Verdict.fail("the slow reader's upgrade was refused");
            }
            RawSockets.writeText(slow, "{\"v\":1,\"type\":\"request\",\"id\":1,\"action\":\"enter\",\"data\":"
                    + WsMember.enterData(context.sdkAppId(), "slow", context.signer.genUserSig("slow", 3600), room,
                    null) + "}");
            String entered = readUntil(slow, "\"id\":1", 5_000);
            if (!entered.contains("\"ok\":true")) {
                return Verdict.fail("the slow reader could not enter: " + entered);
            }
            for (int i = 0; i < context.scale.slowReaderSenders(); i++) {
                WsMember sender = WsMember.connect(context.http, context.wsUri());
                senders.add(sender);
                String user = "chat" + i;
                String reply = sender.request("enter", WsMember.enterData(context.sdkAppId(), user,
                        context.signer.genUserSig(user, 3600), room, null)).get(10, TimeUnit.SECONDS);
                if (!WsMember.ok(reply)) {
                    return Verdict.fail("a chatting member could not enter: " + reply);
                }
            }
            slow.configureBlocking(false);
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            long start = System.nanoTime();
            long end = start + context.scale.slowReaderSeconds() * 1_000_000_000L;
            long interval = 1_000_000_000L / MESSAGES_PER_SECOND;
            long nextHeartbeat = start;
            int heartbeatId = 1;
            for (long tick = 0; System.nanoTime() < end; tick++) {
                LoadRun.sleepUntil(start + tick * interval);
                for (WsMember sender : senders) {
                    if (sender.isClosed()) {
                        continue;
                    }
                    outcome.sent();
                    sender.request("message", "{\"cmdID\":1,\"data\":\"" + PAYLOAD + "\"}")
                            .whenComplete((r, e) -> (e == null && WsMember.ok(r) ? accepted : refused)
                                    .incrementAndGet());
                }
                if (System.nanoTime() >= nextHeartbeat) {
                    heartbeatId++;
                    try {
                        RawSockets.writeText(slow, "{\"v\":1,\"type\":\"request\",\"id\":" + heartbeatId
                                + ",\"action\":\"heartbeat\",\"data\":{}}");
                    } catch (IOException e) {
                        // Closed by the server: seen below.
                    }
                    nextHeartbeat = System.nanoTime() + 4_000_000_000L;
                }
            }
            Thread.sleep(500);
            outcome.count("messages accepted: " + accepted.get());
            outcome.count("messages refused: " + refused.get());
            // Read what the server holds for the slow reader until it closes the socket (bounded: 5 s, 256 MiB).
            long[] drained = drain(slow, 5_000, 256L << 20);
            boolean dropped = drained[1] == 1;
            outcome.count(dropped ? "slow reader closed by the server" : "slow reader still served");
            String detail = (dropped ? "dropped" : "not dropped") + "; " + drained[0] / 1024 + " KiB were still "
                    + "queued for it; " + accepted.get() + " messages accepted, " + refused.get() + " refused";
            return dropped ? Verdict.pass(detail) : Verdict.fail(detail);
        } finally {
            for (WsMember sender : senders) {
                sender.close();
            }
            slow.close();
        }
    }

    /** Reads (blocking, up to {@code millis}) until {@code marker} appears; returns what was read. */
    private static String readUntil(SocketChannel channel, String marker, long millis) throws IOException {
        StringBuilder text = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        var in = channel.socket().getInputStream();
        while (System.nanoTime() < deadline && text.indexOf(marker) < 0) {
            int n = in.read(buffer.array());
            if (n < 0) {
                break;
            }
            text.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    /** Reads and discards until end of stream; returns {bytes, 1 if closed else 0}. */
    private static long[] drain(SocketChannel channel, long millis, long maxBytes) throws InterruptedException {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        long total = 0;
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && total < maxBytes) {
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                return new long[] {total, 1};
            }
            if (n < 0) {
                return new long[] {total, 1};
            }
            if (n == 0) {
                if (System.nanoTime() - quietSince > 1_000_000_000L) {
                    // A second without data and without an end. A reset can have been taken by an earlier write
                    // (the heartbeats): ask the connection once more by writing; a dropped one refuses it.
                    try {
                        RawSockets.writeText(channel, "{\"v\":1,\"type\":\"request\",\"id\":999999,"
                                + "\"action\":\"heartbeat\",\"data\":{}}");
                        Thread.sleep(200);
                        buffer.clear();
                        if (channel.read(buffer) < 0) {
                            return new long[] {total, 1};
                        }
                    } catch (IOException e) {
                        return new long[] {total, 1};
                    }
                    // The server keeps the socket.
                    break;
                }
                Thread.sleep(5);
            } else {
                total += n;
                quietSince = System.nanoTime();
            }
        }
        return new long[] {total, 0};
    }
}
