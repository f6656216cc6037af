package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sfu.RetransmissionLimits;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The media plane's limits against real clients on loopback UDP (docs/security.md, "Media plane"): DTLS handshake
 * slots and threads, per-session address tables under a flood of valid checks, and the NACK budget under a storm.
 */
@Timeout(120)
class MediaPlaneLimitsIT {
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private MediaServer server;

    private void start(MediaLimits limits) {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)).withLimits(limits));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void offersBeyondTheHandshakeSlotsAreRefusedAndTheDtlsThreadsStayBounded() throws Exception {
        start(MediaLimits.DEFAULT.withDtls(2, 2));
        int peers = 12;
        List<RawPeer> clients = new ArrayList<>();
        ExecutorService connectors = Executors.newFixedThreadPool(peers);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger connected = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong mostDtlsThreads = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                mostDtlsThreads.accumulateAndGet(dtlsThreads(), Math::max);
                sleep(2);
            }
        });
        sampler.start();
        try {
            List<Future<?>> joins = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                RawPeer peer = new RawPeer(server.udpPort());
                clients.add(peer);
                String key = "app/burst/user" + i + "_main";
                joins.add(connectors.submit(() -> {
                    MediaPlane.MediaSession session;
                    try {
                        session = server.publish(key, peer.offer(true)).toCompletableFuture().join();
                    } catch (CompletionException e) {
                        assertThat(e.getCause()).isInstanceOf(MediaException.class);
                        MediaException refusal = (MediaException) e.getCause();
                        assertThat(refusal.reason()).isEqualTo(MediaException.Reason.UNAVAILABLE);
                        assertThat(refusal.retryAfterSeconds()).isPositive();
                        refused.incrementAndGet();
                        return null;
                    }
                    peer.connect(session.answerSdp(), CONNECT);
                    connected.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> join : joins) {
                join.get(30, TimeUnit.SECONDS);
            }
        } finally {
            sampling.set(false);
            sampler.join(2_000);
            connectors.shutdownNow();
        }

        assertThat(refused.get()).as("offers refused beyond 2 threads + 2 queued").isPositive();
        assertThat(connected.get()).as("admitted clients connect").isGreaterThanOrEqualTo(4);
        assertThat(connected.get() + refused.get()).isEqualTo(peers);
        assertThat(mostDtlsThreads.get()).as("lianmai-dtls threads alive at once").isLessThanOrEqualTo(2);
        MediaServer.Stats stats = server.stats();
        assertThat(stats.refusedHandshakes()).isEqualTo(refused.get());
        assertThat(stats.handshakesInProgress()).as("connected sessions give their slot back").isZero();

        // Slots came back: a new client joins and its media flows.
        try (RawPeer late = new RawPeer(server.udpPort())) {
            MediaPlane.MediaSession session = await(server.publish("app/burst/late_main", late.offer(true)));
            late.connect(session.answerSdp(), CONNECT);
        }
        for (RawPeer peer : clients) {
            peer.close();
        }
    }

    @Test
    void theNodeRefusesSessionsBeyondItsMaximum() {
        start(MediaLimits.DEFAULT.withMaxSessions(3));
        List<String> ids = new ArrayList<>();
        try (RawPeer peer = new RawPeer(server.udpPort())) {
            for (int i = 0; i < 3; i++) {
                ids.add(await(server.publish("app/cap/u" + i + "_main", peer.offer(true))).sessionId());
            }
            assertThatThrownBy(() -> await(server.publish("app/cap/u3_main", peer.offer(true))))
                    .isInstanceOf(MediaException.class)
                    .hasMessageContaining("maximum of 3 sessions")
                    .satisfies(e -> assertThat(((MediaException) e).retryAfterSeconds()).isPositive());

            assertThat(server.end(ids.get(0))).isTrue();
            awaitStats(stats -> stats.webRtcSessions() == 2);
            assertThat(await(server.publish("app/cap/u4_main", peer.offer(true))).sessionId()).isNotBlank();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void validChecksFromTenThousandSourcePortsDoNotGrowTheAddressTables() throws Exception {
        start(MediaLimits.DEFAULT.withMaxAddressesPerSession(4));
        try (RawPeer publisher = new RawPeer(server.udpPort())) {
            MediaPlane.MediaSession session = await(server.publish("app/flood/alice_main", publisher.offer(true)));
            publisher.connect(session.answerSdp(), CONNECT);
            CountingSink sink = new CountingSink();
            await(server.playLocal("app/flood/alice_main", sink));
            int seq = 0;
            for (; seq < 20; seq++) {
                publisher.sendRtp(seq, seq * 960L, 100);
            }
            sink.await(20);

            int answered = 0;
            for (int batch = 0; batch < 50; batch++) {
                List<DatagramSocket> sockets = new ArrayList<>();
                try {
                    for (int i = 0; i < 200; i++) {
                        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                        sockets.add(socket);
                        publisher.sendCheck(socket, false);
                    }
                    answered += successResponses(sockets.get(sockets.size() - 1));
                } finally {
                    sockets.forEach(DatagramSocket::close);
                }
                publisher.sendRtp(seq, seq * 960L, 100);
                seq++;
            }
            assertThat(answered).as("the flood's checks carry valid credentials").isEqualTo(50);

            MediaServer.Stats stats = server.stats();
            assertThat(stats.routedAddresses()).as("by-address demultiplexing map").isLessThanOrEqualTo(4);
            assertThat(stats.udpEndpoints()).isLessThanOrEqualTo(4);
            long before = sink.count();
            for (int i = 0; i < 50; i++, seq++) {
                publisher.sendRtp(seq, seq * 960L, 100);
            }
            sink.await(before + 50);
        }
    }

    @Test
    void aNackStormIsAnsweredWithinTheBudgetWhileAnOrdinaryNackIsStillAnswered() throws Exception {
        int perSecond = 100;
        start(MediaLimits.DEFAULT.withRetransmission(new RetransmissionLimits(100, perSecond, 50)));
        try (RawPeer publisher = new RawPeer(server.udpPort());
                RawPeer stormer = new RawPeer(server.udpPort());
                RawPeer player = new RawPeer(server.udpPort())) {
            publisher.connect(await(server.publish("app/nack/alice_main", publisher.offer(true))).answerSdp(),
                    CONNECT);
            stormer.connect(await(server.play("app/nack/alice_main", stormer.offer(false))).answerSdp(), CONNECT);
            player.connect(await(server.play("app/nack/alice_main", player.offer(false))).answerSdp(), CONNECT);

            AtomicBoolean sending = new AtomicBoolean(true);
            Thread media = new Thread(() -> {
                // 200 packets/s of 1,000 bytes: 200 kB/s forwarded to each player.
                for (int seq = 0; sending.get() && seq < 2_000; seq++) {
                    try {
                        publisher.sendRtp(seq, seq * 960L, 1_000);
                    } catch (IOException e) {
                        return;
                    }
                    sleep(5);
                }
            });
            media.start();
            awaitTrue(() -> stormer.rtpReceived() > 50 && player.rtpReceived() > 50);

            long stormStart = System.nanoTime();
            int[] everything = new int[2_000];
            int storms = 0;
            while (System.nanoTime() - stormStart < 3_000_000_000L) {
                int last = stormer.lastSequenceNumber();
                for (int i = 0; i < everything.length; i++) {
                    everything[i] = (last - everything.length + 1 + i) & 0xFFFF;
                }
                stormer.sendNack(everything, everything.length);
                storms++;
                if (storms == 50) {
                    // Mid-storm, the other player NACKs three packets: its own budget answers them.
                    int latest = player.lastSequenceNumber();
                    int[] asked = {(latest - 7) & 0xFFFF, (latest - 6) & 0xFFFF, (latest - 5) & 0xFFFF};
                    player.sendNack(asked, asked.length);
                    awaitTrue(() -> player.timesReceived(asked[0]) >= 2 && player.timesReceived(asked[1]) >= 2
                            && player.timesReceived(asked[2]) >= 2);
                }
                sleep(20);
            }
            double seconds = (System.nanoTime() - stormStart) / 1e9;
            sleep(200);
            sending.set(false);
            media.join(5_000);

            long resent = 0;
            for (int seq = 0; seq < 65536; seq++) {
                resent += Math.max(0, stormer.timesReceived(seq) - 1);
            }
            System.out.printf("NACK storm: %d NACKs of %d seqs in %.1f s, %d packets resent (%.0f/s)%n", storms,
                    everything.length, seconds, resent, resent / seconds);
            assertThat(storms).isGreaterThan(50);
            assertThat(resent).as("retransmissions to the storming player").isPositive()
                    .isLessThanOrEqualTo((long) (perSecond * (seconds + 1.5)));
            assertThat(server.stats().refusedRetransmissions()).isGreaterThan(1_000);
        }
    }

    /**
     * A burst of joins (a class starting, or one user's offers up to the per-user cap) must not stall forwarding:
     * offers are answered and their sessions built off the media thread, which only registers them. Before, each
     * offer cost the media thread its SDP answer and session state (0.2 ms warm, several ms cold), so 1,000 offers
     * held a running call's packets back for hundreds of milliseconds.
     */
    @Test
    void aBurstOfOffersDoesNotHoldBackACallsPackets() throws Exception {
        int offers = 1_000;
        start(MediaLimits.DEFAULT.withDtls(2, offers));
        try (RawPeer publisher = new RawPeer(server.udpPort());
                RawPeer player = new RawPeer(server.udpPort())) {
            publisher.connect(await(server.publish("app/call/alice_main", publisher.offer(true))).answerSdp(),
                    CONNECT);
            player.connect(await(server.play("app/call/alice_main", player.offer(false))).answerSdp(), CONNECT);
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread media = new Thread(() -> {
                // A packet every 5 ms: a stalled media thread shows as a gap at the player.
                for (int seq = 0; sending.get() && seq < 6_000; seq++) {
                    try {
                        publisher.sendRtp(seq, seq * 240L, 100);
                    } catch (IOException e) {
                        return;
                    }
                    sleep(5);
                }
            });
            media.start();
            awaitTrue(() -> player.rtpReceived() > 100);
            sleep(500);
            double quietGap = player.takeLongestGapMillis();

            ExecutorService joiners = Executors.newFixedThreadPool(8);
            List<Future<MediaPlane.MediaSession>> joins = new ArrayList<>();
            try {
                for (int i = 0; i < offers; i++) {
                    String key = "app/burst" + i + "/user" + i + "_main";
                    String offer = RawPeer.unconnectedPublishOffer();
                    joins.add(joiners.submit(() -> await(server.publish(key, offer))));
                }
                int answered = 0;
                for (Future<MediaPlane.MediaSession> join : joins) {
                    join.get(60, TimeUnit.SECONDS);
                    answered++;
                }
                assertThat(answered).isEqualTo(offers);
            } finally {
                joiners.shutdownNow();
            }
            sleep(200);
            double burstGap = player.takeLongestGapMillis();
            sending.set(false);
            media.join(5_000);
            System.out.printf("%d offers: longest gap between a call's packets %.1f ms (%.1f ms before)%n", offers,
                    burstGap, quietGap);
            assertThat(burstGap).as("longest gap (ms) between packets of a call during a burst of %d offers", offers)
                    .isLessThan(Math.max(100, 3 * quietGap));
        }
    }

    private static int successResponses(DatagramSocket socket) throws IOException {
        socket.setSoTimeout(2_000);
        byte[] buf = new byte[512];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        socket.receive(packet);
        return (buf[0] == 0x01 && buf[1] == 0x01) ? 1 : 0;
    }

    private static int dtlsThreads() {
        int count = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("lianmai-dtls-") && thread.isAlive()) {
                count++;
            }
        }
        return count;
    }

    private void awaitStats(Predicate<MediaServer.Stats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.test(server.stats())) {
            assertThat(System.nanoTime()).as("stats condition within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts the packets a local player receives. */
    private static final class CountingSink implements LocalSink {
        private long packets;

        @Override
        public void onStart(List<RtpCodec> tracks) {
        }

        @Override
        public synchronized void onRtp(int track, byte[] buf, int off, int len) {
            packets++;
            notifyAll();
        }

        @Override
        public void onEnd() {
        }

        synchronized long count() {
            return packets;
        }

        synchronized void await(long atLeast) throws InterruptedException {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (packets < atLeast) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                assertThat(left).as("%d packets within 5 s, got %d", atLeast, packets).isPositive();
                wait(left);
            }
        }
    }
}
