package io.lianmai.server.cluster;

import io.lianmai.media.LocalPublisher;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sfu.PacketQueue;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import io.lianmai.wire.rtp.RtpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receiving node's step for one relayed packet, as {@link RelayPeer} runs it on its event loop: copy out of
 * Netty's buffer, SRTP-unprotect with the leg's context, wrap, splice the sequence number, and copy it into the local
 * publisher's queue (a {@link PacketQueue} as {@code LocalPublisherSession}'s, popped at once). Not measured: the
 * socket receive and the local publication's own forward step on the media loop, which is
 * {@code ForwardBenchmark}'s (a relayed stream costs there what any publisher's does).
 *
 * <p>It lives in the package of the class it measures (not {@code io.lianmai.bench.server.cluster}) because
 * {@link RelayPeer} is package-private; the benchmark jar holds both. One op is one packet; each invocation receives a
 * batch of {@value #BATCH} packets protected just before (SRTP refuses replays). The teardown fails the run unless
 * every packet reached the publisher.
 *
 * <p>{@code java -jar bench/target/lianmai-benchmarks.jar RelayReceive -f 1 -wi 3 -i 5 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RelayReceiveBenchmark {
    static final int BATCH = 256;
    private static final int VIDEO_PT = 96;

    @Param({"1200", "160"})
    public int packetBytes;

    @Param({"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    private final ByteBuf[] batch = new ByteBuf[BATCH];
    private final byte[][] datagrams = new byte[BATCH][];
    private DefaultEventLoop loop;
    private EmbeddedChannel channel;
    private SrtpContext source;
    private RelayPeer peer;
    private QueueingPublisher publisher;
    private int sequence = 65_000;
    private long sent;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(18);
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        SrtpMasterKey master = SrtpMasterKey.of(profile, key, salt);
        source = SrtpContext.create(master);
        loop = new DefaultEventLoop();
        channel = new EmbeddedChannel();
        publisher = new QueueingPublisher();
        peer = new RelayPeer(loop, DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, Runnable::run,
                Clock.systemUTC()), new SecureRandom(), new RelayPeer.Listener() {
                    @Override
                    public void onRelayConnected(RelayPeer p) {
                    }

                    @Override
                    public void onRelayEnded(RelayPeer p, String why) {
                    }
                });
        peer.connectedForTest(new RelayPeer.Negotiated(Optional.empty(), Optional.of(RtpCodec.of(VIDEO_PT, "VP8",
                90_000, 0)), 97), publisher, -1, 0, SrtpContext.create(master), SrtpContext.create(master), channel);
        for (int i = 0; i < BATCH; i++) {
            datagrams[i] = new byte[2048];
            // One buffer per slot for the whole run, retained before each use (the peer releases what it reads), so
            // that the GC profiler sees the relay's allocations only.
            batch[i] = Unpooled.wrappedBuffer(datagrams[i]);
        }
    }

    @Setup(Level.Invocation)
    public void protectBatch() {
        int len = RtpPacket.FIXED_HEADER_LENGTH + packetBytes;
        for (int i = 0; i < BATCH; i++) {
            byte[] buf = datagrams[i];
            RtpPacket.writeFixedHeader(buf, 0, false, VIDEO_PT, sequence & 0xFFFF, sequence * 3000L, 0x1234_5678L);
            sequence++;
            int protectedLength = source.protectRtp(buf, 0, len);
            batch[i].retain().setIndex(0, protectedLength);
        }
        sent += BATCH;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void receive() {
        for (int i = 0; i < BATCH; i++) {
            peer.channelRead(null, batch[i]);
        }
    }

    @TearDown(Level.Trial)
    public void check() {
        loop.shutdownGracefully();
        channel.finishAndReleaseAll();
        if (publisher.received != sent || peer.dropped != 0) {
            throw new IllegalStateException("the relay passed on " + publisher.received + " of " + sent
                    + " packets (" + peer.dropped + " dropped)");
        }
    }

    /** Copies each packet into a queue as LocalPublisherSession does, and takes it out again. */
    private static final class QueueingPublisher implements LocalPublisher {
        private final PacketQueue queue = new PacketQueue(512);
        long received;

        @Override
        public String sessionId() {
            return "bench";
        }

        @Override
        public boolean send(int track, byte[] rtp, int off, int len) {
            if (!queue.offer(rtp, off, len)) {
                return false;
            }
            queue.pop();
            received++;
            return true;
        }

        @Override
        public boolean senderReport(int track, long ntpTimestamp, long rtpTimestamp) {
            return true;
        }

        @Override
        public void onKeyframeRequest(Runnable listener) {
        }

        @Override
        public void onNack(NackListener listener) {
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public void end() {
        }
    }
}
