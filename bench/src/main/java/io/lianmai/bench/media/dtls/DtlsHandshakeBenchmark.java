package io.lianmai.bench.media.dtls;

import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.dtls.DtlsSrtpKeyingMaterial;
import io.lianmai.media.srtp.SrtpProfile;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Full DTLS 1.2 handshakes per second between Lianmai's own {@code DtlsServerSession} (what every joining browser
 * talks to) and {@code DtlsClientSession} (playing the browser), including the SRTP key export (RFC 5764 §4.2).
 * Both sides present the ECDSA P-256 certificate of {@code DtlsCertificate}, as the server and Chrome do; the server
 * is configured as {@code SessionFactory} configures it (AES-CM first), the client offers {@link DtlsConfig#DEFAULT}'s
 * profiles (GCM first, as Chrome), so X25519 and {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256} are negotiated:
 * per side one ECDSA signature, one ECDSA verification, one X25519 key pair and agreement.
 *
 * <p>One op is one handshake, from {@code start()} of both sessions until both report connected, through the real
 * session code: each side's handshake runs as a task on its context's executor, datagrams cross an in-memory pipe
 * ({@link PipedHandshake}) and wait in the receiving session's queue. No sockets, no ICE. The two sides run one after
 * the other (each waits for the other's flight), so one benchmark thread keeps about one core busy; {@code -t 2}
 * runs two handshakes at once. Every handshake is checked: both sides connected with the same SRTP keys of the
 * expected profile, or the run fails.
 *
 * <p>Each side has its own pool of threads, so the trial's teardown can print the CPU time and the bytes allocated
 * per handshake by the server's threads apart from the client's: the server's CPU per handshake is what a join burst
 * costs the server. {@code -prof gc} counts every thread, both sides together.
 *
 * <p>{@code java -jar bench/target/lianmai-benchmarks.jar DtlsHandshake -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class DtlsHandshakeBenchmark {
    /** What the server picks: its first profile that the client offers. */
    static final SrtpProfile EXPECTED_PROFILE = SrtpProfile.AES128_CM_HMAC_SHA1_80;
    /** Longer than the sessions' own handshake timeout, so a stuck handshake reports its own cause first. */
    private static final long TIMEOUT_MILLIS = DtlsConfig.DEFAULT.handshakeTimeout().toMillis() + 5_000;

    private MeteredPool serverPool;
    private MeteredPool clientPool;
    private DtlsContext serverContext;
    private DtlsContext clientContext;

    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong octets = new AtomicLong();
    private boolean measuring;
    private long iterationStartHandshakes;
    private long iterationStartServerCpu;
    private long iterationStartClientCpu;
    private long iterationStartServerBytes;
    private long iterationStartClientBytes;
    private long measuredHandshakes;
    private long measuredServerCpu;
    private long measuredClientCpu;
    private long measuredServerBytes;
    private long measuredClientBytes;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        // One handshake task per benchmark thread, plus one for the short drain tasks that may follow it.
        int threads = params.getThreads() + 1;
        serverPool = new MeteredPool("server-dtls", threads);
        clientPool = new MeteredPool("client-dtls", threads);
        Clock clock = Clock.systemUTC();
        // As SessionFactory builds its context: a fresh certificate, AES-CM first (docs/benchmarks.md, SRTP).
        serverContext = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT.withSrtpProfiles(
                List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM)),
                serverPool.executor(), clock);
        clientContext = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, clientPool.executor(), clock);
    }

    /** One full handshake, both sides; returns the server's keys after checking the client derived the same. */
    @Benchmark
    public DtlsSrtpKeyingMaterial handshake() throws InterruptedException {
        PipedHandshake handshake = new PipedHandshake(serverContext, clientContext);
        DtlsSrtpKeyingMaterial keys = handshake.run(TIMEOUT_MILLIS, EXPECTED_PROFILE);
        handshakes.incrementAndGet();
        datagrams.addAndGet(handshake.datagrams());
        octets.addAndGet(handshake.octets());
        return keys;
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        iterationStartHandshakes = handshakes.get();
        iterationStartServerCpu = serverPool.cpuNanos();
        iterationStartClientCpu = clientPool.cpuNanos();
        iterationStartServerBytes = serverPool.allocatedBytes();
        iterationStartClientBytes = clientPool.allocatedBytes();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (measuring) {
            measuredHandshakes += handshakes.get() - iterationStartHandshakes;
            measuredServerCpu += serverPool.cpuNanos() - iterationStartServerCpu;
            measuredClientCpu += clientPool.cpuNanos() - iterationStartClientCpu;
            measuredServerBytes += serverPool.allocatedBytes() - iterationStartServerBytes;
            measuredClientBytes += clientPool.allocatedBytes() - iterationStartClientBytes;
        }
    }

    @TearDown(Level.Trial)
    public void report() throws InterruptedException {
        serverPool.close();
        clientPool.close();
        long all = handshakes.get();
        if (all == 0 || measuredHandshakes == 0) {
            throw new IllegalStateException("no DTLS handshake completed");
        }
        double n = measuredHandshakes;
        // JMH shows the forked VM's output among the iteration lines; these are the per-side figures of the table.
        System.out.printf("%nper handshake over %d measured handshakes: server threads %.0f µs CPU, %.1f KB"
                + " allocated; client threads %.0f µs CPU, %.1f KB allocated; %.1f datagrams, %.0f bytes of DTLS"
                + " (all %d handshakes connected with matching %s keys)%n",
                measuredHandshakes, measuredServerCpu / n / 1e3, measuredServerBytes / n / 1024,
                measuredClientCpu / n / 1e3, measuredClientBytes / n / 1024, (double) datagrams.get() / all,
                (double) octets.get() / all, all, EXPECTED_PROFILE);
    }
}
