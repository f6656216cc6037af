package io.lianmai.bench.load;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code lianmai bench attack}: starts one server as a child process, starts a 1:1 call on it and measures its
 * baseline, then runs each {@link Attack} in turn while the call goes on, measuring the call (frame rate, added p99
 * latency) and the server (peak threads, file descriptors, RSS) during each, and judges every criterion.
 *
 * <p>Threads: two client event loops (the call's, and the attackers' simulated peers'), four DTLS threads, four HTTP
 * threads, the resource sampler, and the caller's thread, on which the attacks run one after another.
 */
final class AttackSuite {
    /** Every attack (new instances: each runs once), in the order they run: the costliest for the server last. */
    static List<Attack> all() {
        return List.of(new PermissionsAttack(), new CdnRelayAttack(), new AnonymousJoinAttack(),
                new MultipartAttack(), new IdleWsAttack(), new SlowReaderAttack(), new StunPortsAttack(),
                new NackStormAttack(), new WhipFloodAttack(), new ApiFloodAttack(), new AnonymousPlaybackAttack(),
                new SignedPlaybackAttack(), new SlowRtmpAttack());
    }

    /** After an attack the server counts as recovered with at most this many threads more than before it. */
    private static final int RECOVERED_THREADS = 10;
    /** … and at most this many open file descriptors more. */
    private static final int RECOVERED_FDS = 16;

    private static final int BASELINE_ATTEMPTS = 3;
    /** A baseline below this share of the call's nominal frame rate is measured again. */
    private static final double STEADY_BASELINE = 0.9;
    /** A shorter window's p99 latency is mostly noise: short attacks are measured this long. */
    private static final long MIN_WINDOW_MILLIS = 4_000;
    /** Between attacks: lets what the last one left (sessions, sockets) go before the next is measured. */
    private static final long SETTLE_MILLIS = 1_000;

    /** How the suite runs. */
    record Settings(Path serverJar, String serverJavaOpts, List<String> serverSettings, AttackScale scale,
            Duration baseline, Duration recovery, AttackReport.Bounds bounds, List<String> names) {
    }

    private final Settings settings;
    private final PrintStream log;

    AttackSuite(Settings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** The attacks named (all when none), in suite order; unknown names are an error. */
    static List<Attack> select(List<String> names) {
        List<Attack> all = all();
        if (names == null || names.isEmpty()) {
            return all;
        }
        Map<String, Attack> byName = new LinkedHashMap<>();
        all.forEach(a -> byName.put(a.name(), a));
        List<Attack> chosen = new ArrayList<>();
        for (Attack a : all) {
            if (names.contains(a.name())) {
                chosen.add(a);
            }
        }
        for (String name : names) {
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("no attack named '" + name + "'; the attacks: "
                        + String.join(", ", byName.keySet()));
            }
        }
        return chosen;
    }

    AttackReport run() throws InterruptedException {
        List<Attack> attacks = select(settings.names());
        say("starting the server: " + settings.serverJar());
        try (ChildServer server = ChildServer.start(settings.serverJar(), settings.serverJavaOpts(),
                settings.serverSettings())) {
            say(server.describe());
            return run(server, attacks);
        }
    }

    private AttackReport run(ChildServer server, List<Attack> attacks) throws InterruptedException {
        AtomicInteger threadIds = new AtomicInteger();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, runnable -> {
            Thread thread = new Thread(runnable, "attack-client-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ThreadPoolExecutor dtlsExecutor = new ThreadPoolExecutor(4, 4, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "attack-dtls-" + threadIds.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        dtlsExecutor.allowCoreThreadTimeOut(true);
        ExecutorService httpExecutor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "attack-http-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try (ServerSampler sampler = new ServerSampler(server.pid().getAsLong())) {
            List<ClientLoop> loops = new ArrayList<>();
            for (EventExecutor executor : group) {
                ClientLoop loop = new ClientLoop((EventLoop) executor);
                loop.start();
                loops.add(loop);
            }
            DtlsContext dtls = DtlsContext.withNewCertificate(
                    DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(15)), dtlsExecutor, Clock.systemUTC());
            UserSigSigner signer = new UserSigSigner(server.sdkAppId(), server.secretKey(), Clock.systemUTC());
            HttpClient callHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(httpExecutor).connectTimeout(Duration.ofSeconds(10)).build();
            // The attackers' own client, so that their connections never queue the call's requests.
            HttpClient attackHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(httpExecutor).connectTimeout(Duration.ofSeconds(5)).build();
            Joiner joiner = new Joiner(server, signer, callHttp, 15, this::say);
            MediaShape shape = new LoadOptions().mediaShape();
            Pacing pacing = new LoadOptions().pacing();
            CallUnderTest call = startCall(loops.get(0), joiner, shape, pacing, dtls);

            CallUnderTest.Window base = null;
            ServerSampler.Peak basePeak = null;
            // A baseline taken while the machine is busy with something else would excuse every attack: retry.
            for (int attempt = 1; attempt <= BASELINE_ATTEMPTS; attempt++) {
                say("baseline: measuring the call for " + settings.baseline().toMillis() + " ms");
                sampler.reset();
                call.startWindow();
                Thread.sleep(settings.baseline().toMillis());
                base = call.endWindow();
                basePeak = sampler.peak();
                if (base.framesPerSecond() >= STEADY_BASELINE * shape.fps()) {
                    break;
                }
                say(String.format(java.util.Locale.ROOT, "baseline unsteady: %.1f fps of %d (load average %.1f)",
                        base.framesPerSecond(), shape.fps(), loadAverage()));
            }
            AttackReport.Baseline baseline = new AttackReport.Baseline(base.seconds(), base.framesPerSecond(),
                    base.p99Millis(), basePeak.threads(), basePeak.fds(), basePeak.rssMb());
            if (base.framesPerSecond() <= 0) {
                throw new IllegalStateException("the call gets no video: no baseline to measure attacks against");
            }

            AttackContext context = new AttackContext(server, settings.scale(), call, signer, attackHttp,
                    loops.get(1), dtls, joiner, shape, pacing, log);
            List<AttackReport.Result> results = new ArrayList<>();
            for (Attack attack : attacks) {
                results.add(runOne(attack, context, call, sampler, server, baseline));
            }
            List<SimulatedPeer> leaving = new ArrayList<>(call.subscribers());
            leaving.addAll(call.publishers());
            if (server.isAlive()) {
                joiner.leave(leaving);
            }
            return new AttackReport(settings.scale().name(), server.describe(), machine(), settings.bounds(),
                    baseline, results);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            dtlsExecutor.shutdownNow();
            httpExecutor.shutdownNow();
        }
    }

    private CallUnderTest startCall(ClientLoop loop, Joiner joiner, MediaShape shape, Pacing pacing,
            DtlsContext dtls) throws InterruptedException {
        SecureRandom random = new SecureRandom();
        long room = AttackContext.freshRoom();
        List<PublisherPeer> publishers = new ArrayList<>();
        for (String user : new String[] {"alice", "bob"}) {
            PublisherPeer p = new PublisherPeer(loop, user, shape, pacing, Impairment.NONE, dtls, random,
                    random.nextLong());
            publishers.add(p);
            joiner.join(p, "whip", room, null);
        }
        for (PublisherPeer p : publishers) {
            try {
                p.connected.get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the call's publisher " + p.userId + " could not join: "
                        + p.failure());
            }
        }
        List<SubscriberPeer> subscribers = new ArrayList<>();
        subscribers.add(new SubscriberPeer(loop, "alice", "bob_main", 200_000_000L, false, Impairment.NONE, dtls,
                random, random.nextLong()));
        subscribers.add(new SubscriberPeer(loop, "bob", "alice_main", 200_000_000L, false, Impairment.NONE, dtls,
                random, random.nextLong()));
        for (SubscriberPeer s : subscribers) {
            joiner.join(s, "whep", room, s.streamId());
        }
        CallUnderTest call = new CallUnderTest(loop, room, publishers, subscribers);
        if (!call.awaitMedia(20)) {
            throw new IllegalStateException("the call's players got no video within 20 s: "
                    + subscribers.stream().map(s -> s.userId + " " + s.state() + " " + s.failure()).toList());
        }
        say("1:1 call up in room " + room + "; warming up for 2 s");
        Thread.sleep(2_000);
        return call;
    }

    private AttackReport.Result runOne(Attack attack, AttackContext context, CallUnderTest call,
            ServerSampler sampler, ChildServer server, AttackReport.Baseline baseline) throws InterruptedException {
        AttackScale scale = settings.scale();
        AttackReport.Bounds bounds = settings.bounds();
        AttackOutcome outcome = new AttackOutcome();
        if (!server.isAlive()) {
            return result(attack, scale, outcome, Attack.Verdict.fail("the server is no longer running"), 0,
                    new CallUnderTest.Window(0, 0, Double.NaN, 0), false, new ServerSampler.Peak(0, 0, 0), baseline,
                    -1);
        }
        Thread.sleep(SETTLE_MILLIS);
        say(attack.name() + ": " + attack.description(scale));
        try {
            attack.prepare(context);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            say(attack.name() + ": its preparation failed: " + e);
        }
        long pid = server.pid().getAsLong();
        int threadsBefore = ProcStat.read(pid).threads();
        int fdsBefore = ServerSampler.fds(pid);
        sampler.reset();
        call.startWindow();
        long start = System.nanoTime();
        Attack.Verdict verdict;
        try {
            verdict = attack.run(context, outcome);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            verdict = Attack.Verdict.fail("the attack itself failed: " + e);
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        if (elapsed < MIN_WINDOW_MILLIS) {
            Thread.sleep(MIN_WINDOW_MILLIS - elapsed);
        }
        CallUnderTest.Window window = call.endWindow();
        ServerSampler.Peak peak = sampler.peak();
        if (!server.isAlive()) {
            verdict = Attack.Verdict.fail("the server died: " + verdict.detail());
        }
        say(attack.name() + ": " + verdict.status().label() + ": " + verdict.detail());
        boolean connected = call.connected();
        double recovered = awaitRecovery(server, threadsBefore, fdsBefore);
        return result(attack, scale, outcome, verdict, elapsed / 1000.0, window, connected, peak, baseline,
                recovered);
    }

    /**
     * Waits (up to {@link Settings#recovery}) until the server is back near the threads and descriptors it had before
     * the attack, so that the next attack is not measured against this one's leftovers; returns how long it took, or
     * -1.
     */
    private double awaitRecovery(ChildServer server, int threads, int fds) throws InterruptedException {
        long pid = server.pid().getAsLong();
        long start = System.nanoTime();
        long deadline = start + settings.recovery().toNanos();
        do {
            if (!server.isAlive()) {
                return -1;
            }
            try {
                if (ProcStat.read(pid).threads() <= threads + RECOVERED_THREADS
                        && ServerSampler.fds(pid) <= fds + RECOVERED_FDS) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (RuntimeException e) {
                return -1;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return -1;
    }

    private AttackReport.Result result(Attack attack, AttackScale scale, AttackOutcome outcome,
            Attack.Verdict verdict, double seconds, CallUnderTest.Window window, boolean connected,
            ServerSampler.Peak peak, AttackReport.Baseline baseline, double recoverySeconds) {
        AttackReport.Bounds bounds = settings.bounds();
        double percent = 100.0 * window.framesPerSecond() / baseline.framesPerSecond();
        double added = Double.isNaN(window.p99Millis()) ? Double.POSITIVE_INFINITY
                : window.p99Millis() - baseline.p99Millis();
        boolean callOk = connected && percent >= bounds.minFrameRatePercent();
        boolean latencyOk = added < bounds.maxAddedP99Millis();
        boolean threadsOk = peak.threads() <= bounds.maxThreads();
        boolean fdsOk = peak.fds() <= bounds.maxFds();
        boolean rssOk = peak.rssMb() <= bounds.maxRssMb();
        boolean pass = verdict.status() == Attack.Status.PASS && callOk && latencyOk && threadsOk && fdsOk && rssOk;
        return new AttackReport.Result(attack.name(), attack.description(scale), attack.expectation(scale),
                outcome.sentCount(), outcome.histogram(), verdict.status().name(), verdict.detail(), seconds,
                window.framesPerSecond(), percent, window.p99Millis(), Double.isInfinite(added) ? 9_999 : added,
                connected, peak.threads(), peak.fds(), peak.rssMb(), recoverySeconds, loadAverage(), callOk,
                latencyOk, threadsOk, fdsOk, rssOk, pass);
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + String.format(java.util.Locale.ROOT, ", load average %.1f at the end", loadAverage());
    }

    /** The 1-minute load average ({@code /proc/loadavg}), or -1: figures taken on a busy machine say little. */
    static double loadAverage() {
        try {
            return Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private void say(String message) {
        if (log != null) {
            log.println("attack: " + message);
        }
    }
}
