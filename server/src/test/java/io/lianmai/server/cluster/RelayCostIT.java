package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.RoomRef;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.media.LocalPlayer;
import io.lianmai.media.LocalPublisher;
import io.lianmai.media.LocalSink;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Role;
import io.lianmai.room.RoomKey;
import io.lianmai.server.LianmaiServer;
import io.lianmai.server.cluster.RemoteMembers.RemotePublication;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.wire.rtp.RtpPacket;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Measures the relay (docs/benchmarks.md, "Server-to-server relay"): a stream published inside node A (1000-byte
 * packets, each stamped with its send time) is played inside A and, through a relay, inside B; the
 * difference of the two one-way latencies (1000 and then 5000 packets a second, 10 s each) is what the relay adds, and the CPU time of B's relay thread over the
 * packets it forwarded is its receive cost per packet. Prints the figures; asserts only that the relay delivered
 * and stayed within loose bounds, so that a noisy shared machine does not fail it.
 */
class RelayCostIT {
    private static final int SECONDS = 10;
    private static final int PAYLOAD = 1000;

    @Test
    void relayCostAndAddedLatency() throws Exception {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 42);
        String db = "jdbc:h2:mem:relaycost" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (LianmaiServer a = start("cost-a", db, secret); LianmaiServer b = start("cost-b", db, secret)) {
            RoomKey room = new RoomKey(a.createdDefaultApp().orElseThrow().sdkAppId(), RoomRef.parse("9700", null)
                    .key());
            String key = room.streamKey(StreamId.of(UserId.parse("source"), StreamType.MAIN)).toString();
            LocalPublisher publisher = a.media().publishLocal(key, List.of(RtpCodec.of(111, "opus", 48_000, 2)))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            b.remoteMembers().show(room, UserId.parse("source"), Role.ANCHOR, URI.create("http://127.0.0.1:"
                    + a.httpPort() + "/"), List.of(new RemotePublication(StreamType.MAIN, true, false)))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            Latencies direct = new Latencies(5000 * SECONDS + 10_000);
            Latencies relayed = new Latencies(5000 * SECONDS + 10_000);
            LocalPlayer onA = a.media().playLocal(key, direct).toCompletableFuture().get(5, TimeUnit.SECONDS);
            LocalPlayer onB = b.media().playLocal(key, relayed).toCompletableFuture().get(5, TimeUnit.SECONDS);
            // Until the leg carries packets.
            byte[] packet = new byte[RtpPacket.FIXED_HEADER_LENGTH + PAYLOAD];
            int sequence = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (relayed.count == 0 && System.nanoTime() < deadline) {
                send(publisher, packet, sequence++);
                Thread.sleep(5);
            }
            assertThat(relayed.count).as("the relay carries packets").isPositive();
            RelayPeer leg = b.remoteMembers().leg(room, UserId.parse("source"), StreamType.MAIN);
            int[] sequences = {sequence};
            for (int rate : new int[] {1000, 5000}) {
                measure(publisher, leg, direct, relayed, packet, sequences, rate);
            }
            onA.end();
            onB.end();
            b.remoteMembers().hide(room, UserId.parse("source"), LeaveReason.LEAVE).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            publisher.end();
        }
    }

    /** {@code rate} packets a second for {@link #SECONDS}; prints what the relay cost and added. */
    private static void measure(LocalPublisher publisher, RelayPeer leg, Latencies direct, Latencies relayed,
            byte[] packet, int[] sequence, int rate) throws Exception {
        int packets = rate * SECONDS;
        long interval = 1_000_000_000L / rate;
        direct.reset();
        relayed.reset();
        long forwardedBefore = leg.packetsForwarded;
        long cpuBefore = relayThreadCpuNanos();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long next = System.nanoTime();
        for (int i = 0; i < packets; i++) {
            while (System.nanoTime() < next) {
                LockSupport.parkNanos(20_000);
            }
            next += interval;
            send(publisher, packet, sequence[0]++);
        }
        Thread.sleep(500);
        long cpu = relayThreadCpuNanos() - cpuBefore;
        long forwarded = leg.packetsForwarded - forwardedBefore;
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        System.out.printf("RELAY-COST %d pps: sent %d, received direct %d, relayed %d; relay thread %.2f µs CPU per "
                + "packet (%d packets, %.1f ms CPU)%n", rate, packets, direct.count, relayed.count,
                cpu / 1000.0 / Math.max(1, forwarded), forwarded, cpu / 1e6);
        System.out.printf("RELAY-COST %d pps: latency direct (A only) p50 %.3f p99 %.3f max %.3f ms; relayed (A->B) "
                + "p50 %.3f p99 %.3f max %.3f ms%n", rate, direct.percentile(50), direct.percentile(99),
                direct.percentile(100), relayed.percentile(50), relayed.percentile(99), relayed.percentile(100));
        System.out.printf("RELAY-COST %d pps: loadavg before %s, after %s; %d cores%n", rate, loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors());
        assertThat(relayed.count).isGreaterThan(packets * 99 / 100);
        assertThat(relayed.percentile(50)).isLessThan(50.0);
    }

    private static void send(LocalPublisher publisher, byte[] packet, int sequence) {
        RtpPacket.writeFixedHeader(packet, 0, false, 111, sequence & 0xFFFF, sequence * 960L, 1);
        long now = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            packet[RtpPacket.FIXED_HEADER_LENGTH + i] = (byte) (now >>> (56 - 8 * i));
        }
        publisher.send(0, packet, 0, packet.length);
    }

    /** CPU time of the relay legs' event loop thread(s) on B (not the DTLS pool). */
    private static long relayThreadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("lianmai-relay-")
                    && !info.getThreadName().contains("dtls")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    private static LianmaiServer start(String node, String db, byte[] secret) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of("http.port", "0", "http.host", "127.0.0.1",
                "media.host", "127.0.0.1", "media.udpPort", "0", "media.tcpPort", "0",
                "media.publicIp", "127.0.0.1", "rtmp.host", "127.0.0.1", "rtmp.port", "0"));
        flags.put("store.jdbcUrl", db);
        flags.put("cluster.secret", Base64.getEncoder().encodeToString(secret));
        flags.put("cluster.nodeId", node);
        return LianmaiServer.start(new ConfigLoader(Map.of(), Files.createTempDirectory("lianmai-relay-cost"))
                .load(Optional.empty(), flags), Clock.systemUTC());
    }

    /** One-way latencies (send stamp to sink) on the media loop; read after the run. */
    private static final class Latencies implements LocalSink {
        private final long[] micros;
        private final RtpPacket view = new RtpPacket();
        volatile int count;

        Latencies(int capacity) {
            micros = new long[capacity];
        }

        void reset() {
            count = 0;
        }

        @Override
        public void onStart(List<RtpCodec> tracks) {
        }

        @Override
        public void onRtp(int track, byte[] buf, int off, int len) {
            long now = System.nanoTime();
            if (!view.wrap(buf, off, len) || view.payloadLength() < 8) {
                return;
            }
            int payload = view.payloadOffset();
            long stamp = 0;
            for (int i = 0; i < 8; i++) {
                stamp = (stamp << 8) | (buf[payload + i] & 0xFF);
            }
            int n = count;
            if (n < micros.length) {
                micros[n] = (now - stamp) / 1000;
                count = n + 1;
            }
        }

        @Override
        public void onEnd() {
        }

        double percentile(int p) {
            int n = Math.min(count, micros.length);
            if (n == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(micros, n);
            Arrays.sort(sorted);
            int index = Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1);
            return sorted[Math.max(0, index)] / 1000.0;
        }
    }
}
