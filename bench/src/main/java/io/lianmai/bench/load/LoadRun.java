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
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * One run of a {@link Scenario}: starts (or reaches) the server, joins the publishers through WHIP and then the
 * subscribers through WHEP over the ramp, measures for the window, stops, and builds the {@link LoadReport}.
 *
 * <p>Threads: the client event loops ({@code --client-threads}, default 1) carry every simulated client; up to
 * {@value #DTLS_THREADS} DTLS handshake threads and two HTTP threads exist while clients join (and a server's own
 * signalling threads, e.g. Janus's); the caller's thread orchestrates.
 */
final class LoadRun {
    private static final long JOIN_TIMEOUT_SECONDS = 30;
    /**
     * BouncyCastle's handshake holds a thread until it ends, and every browser has its own: with few threads, one
     * slow handshake (a flight retransmitted after 1 s, 2 s, …) keeps the next clients' ClientHellos queued here
     * past the server's wait for them (Lianmai's: 10 s), and joins then fail one after another on a loaded machine.
     * Sixteen keep that queue short; idle ones end after 5 s.
     */
    private static final int DTLS_THREADS = 16;
    /** After the window the publishers stop; this long lets packets in flight and their repairs arrive. */
    private static final long DRAIN_MILLIS = 500;
    private static final int MAX_FAILURES_LISTED = 10;
    /** Names of the server's media loop threads (lianmai-media, lianmai-media-2, ...): their CPU is reported apart. */
    private static final String MEDIA_LOOP_THREADS = "lianmai-media";

    private final LoadOptions options;
    private final Scenario scenario;
    private final PrintStream log;

    LoadRun(LoadOptions options, Scenario scenario, PrintStream log) {
        this.options = options;
        this.scenario = scenario;
        this.log = log;
    }

    /** Runs the scenario against the target of the options; the report says what failed. */
    LoadReport run() throws InterruptedException {
        try (ServerTarget target = target()) {
            return run(target);
        }
    }

    /**
     * Runs the scenario against {@code target}, which the caller closes; the report says what failed, this throws
     * only when nothing could run.
     */
    LoadReport run(LoadTarget target) throws InterruptedException {
        return run(target, options.mediaShape(), options.pacing(), options.impairment());
    }

    /** The Lianmai server of the options: {@code --url} or a child process. */
    private ServerTarget target() {
        return lianmai(options, options.url, this::say);
    }

    /**
     * A Lianmai server: the one running at {@code url} (with the options' {@code --sdkappid}, {@code --secret} and
     * {@code --pid}), or, when {@code url} is null, a child process started with the options' server settings.
     */
    static ServerTarget lianmai(LoadOptions options, String url, java.util.function.Consumer<String> say) {
        if (url != null) {
            if (options.sdkAppId == null || options.secret == null) {
                throw new IllegalArgumentException("a running Lianmai (" + url + ") needs --sdkappid and --secret");
            }
            String base = url.endsWith("/") ? url : url + "/";
            OptionalLong pid = options.pid == null ? OptionalLong.empty() : OptionalLong.of(options.pid);
            return new ExistingServer(URI.create(base), options.sdkAppId, options.secret, pid);
        }
        Path jar = options.serverJar;
        if (jar == null) {
            String home = System.getProperty("lianmai.home", ".");
            jar = Path.of(home, "server", "target", "lianmai.jar");
        }
        say.accept("starting the server: " + jar);
        ChildServer server = ChildServer.start(jar, options.serverJavaOpts, options.serverSettings,
                options.serverCpus);
        say.accept(server.describe());
        return server;
    }

    private LoadReport run(LoadTarget target, MediaShape shape, Pacing pacing, Impairment impairment)
            throws InterruptedException {
        OptionalLong pid = target.pid();
        AtomicInteger threadIds = new AtomicInteger();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.clientThreads, runnable -> {
            Thread thread = new Thread(runnable, "bench-client-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ThreadPoolExecutor dtlsExecutor = new ThreadPoolExecutor(DTLS_THREADS, DTLS_THREADS, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "bench-dtls-" + threadIds.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        dtlsExecutor.allowCoreThreadTimeOut(true);
        ExecutorService httpExecutor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "bench-http-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Signalling signalling = null;
        try {
            List<ClientLoop> loops = new ArrayList<>();
            for (EventExecutor executor : group) {
                ClientLoop loop = new ClientLoop((EventLoop) executor);
                loop.start();
                loops.add(loop);
            }
            // Handshakes queue behind each other during a fast ramp: give them time, the server's own limit applies.
            DtlsContext dtls = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT
                    .withHandshakeTimeout(Duration.ofSeconds(JOIN_TIMEOUT_SECONDS))
                    .withSrtpProfiles(options.srtpProfiles()), dtlsExecutor, Clock.systemUTC());
            // HTTP/1.1 as a browser page's fetch() to a plain-http server: one connection per request in flight.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpExecutor)
                    .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(10)).build();
            signalling = target.signalling(http, shape, this::say);
            if (signalling instanceof Joiner joiner) {
                joiner.playersAt(bases(options.playerUrls));
                joiner.publishersAt(bases(options.publisherUrls));
            }
            boolean lianmai = target instanceof ServerTarget;
            SecureRandom random = new SecureRandom();
            long seed = random.nextLong();

            // Publishers first: a WHEP player needs its stream published.
            List<PublisherPeer> publishers = new ArrayList<>();
            Map<String, PublisherPeer> byStream = new HashMap<>();
            for (int i = 0; i < scenario.publishers().size(); i++) {
                Scenario.Publisher p = scenario.publishers().get(i);
                PublisherPeer peer = new PublisherPeer(loops.get(i % loops.size()), p.userId(), shape, pacing,
                        impairment, dtls, random, seed + i);
                publishers.add(peer);
                byStream.put(p.roomId() + "/" + p.streamId(), peer);
                signalling.publish(peer, p);
            }
            say("joining " + publishers.size() + " publisher(s)");
            awaitConnected(publishers);
            if (publishers.stream().noneMatch(p -> p.state() == SimulatedPeer.State.CONNECTED)) {
                throw new IllegalStateException("no publisher could join; the first: " + publishers.get(0).failure());
            }
            ProcStat before = pid.isPresent() ? ProcStat.read(pid.getAsLong()) : null;

            List<SubscriberPeer> subscribers = new ArrayList<>();
            List<Scenario.Subscription> subscriptions = scenario.subscriptions();
            long lateNanos = options.late.toNanos();
            say("joining " + subscriptions.size() + " subscriber(s) over " + options.ramp.toMillis() + " ms");
            long rampStart = System.nanoTime();
            for (int i = 0; i < subscriptions.size(); i++) {
                Scenario.Subscription s = subscriptions.get(i);
                long due = rampStart + options.ramp.toNanos() * i / Math.max(1, subscriptions.size());
                sleepUntil(due);
                SubscriberPeer peer = new SubscriberPeer(loops.get(i % loops.size()), s.userId(), s.streamId(),
                        lateNanos, options.bwe(), impairment, dtls, random, seed + 1_000_000 + i);
                if (!lianmai) {
                    peer.tolerateMissingTransportCc();
                }
                if (options.lightPlayers) {
                    peer.receiveLightly();
                }
                if (options.measureEvery > 1 && i % options.measureEvery != 0) {
                    peer.deafAfterFirstMedia();
                }
                subscribers.add(peer);
                PublisherPeer source = byStream.get(s.roomId() + "/" + s.streamId());
                if (source != null && source.state() == SimulatedPeer.State.FAILED) {
                    peer.fail("its publisher failed to join");
                    continue;
                }
                signalling.subscribe(peer, s);
            }
            awaitFirstMedia(subscribers);
            if (!options.warmup.isZero()) {
                say("warming up for " + options.warmup.toMillis() + " ms");
                Thread.sleep(options.warmup.toMillis());
            }

            // The window; the server's estimator figures are read just outside it, so the reads cost it no CPU.
            ServerMediaStats statsStart = mediaStats(target, http);
            say("measuring for " + options.duration.toMillis() + " ms");
            onLoops(loops, ClientLoop::startWindow);
            long windowStart = System.nanoTime();
            ProcStat serverStart = pid.isPresent() ? ProcStat.read(pid.getAsLong()) : null;
            Map<String, Double> loopsStart = pid.isPresent()
                    ? ProcStat.threadCpuSeconds(pid.getAsLong(), MEDIA_LOOP_THREADS) : Map.of();
            ProcStat selfStart = ProcStat.read(ProcessHandle.current().pid());
            sleepUntil(windowStart + options.duration.toNanos());
            long windowEnd = System.nanoTime();
            ProcStat serverEnd = pid.isPresent() ? ProcStat.read(pid.getAsLong()) : null;
            Map<String, Double> loopsEnd = pid.isPresent()
                    ? ProcStat.threadCpuSeconds(pid.getAsLong(), MEDIA_LOOP_THREADS) : Map.of();
            ProcStat selfEnd = ProcStat.read(ProcessHandle.current().pid());
            ServerMediaStats statsEnd = mediaStats(target, http);
            for (PublisherPeer publisher : publishers) {
                publisher.stopSending();
            }
            Thread.sleep(DRAIN_MILLIS);

            Collected collected = collect(loops, publishers, subscribers);
            // Transports first, as a page closes its peer connections before it tells the server: a server that
            // ends the session first (Janus sends close_notify) then meets clients that have left already.
            onLoops(loops, loop -> {
                for (SimulatedPeer peer : loop.peers()) {
                    peer.closeTransport();
                }
            });
            List<SimulatedPeer> leaving = new ArrayList<>(subscribers);
            leaving.addAll(publishers);
            signalling.leave(leaving);
            LoadReport.Bwe bwe = bwe(subscribers, collected, statsStart, statsEnd);
            return report(target, shape, pacing, impairment, (windowEnd - windowStart) / 1e9, publishers, subscribers,
                    collected, before, serverStart, serverEnd, selfStart, selfEnd, bwe,
                    loopCores(loopsStart, loopsEnd, (windowEnd - windowStart) / 1e9));
        } finally {
            if (signalling != null) {
                signalling.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            dtlsExecutor.shutdownNow();
            httpExecutor.shutdownNow();
        }
    }

    /** Lianmai's estimator figures ({@code DescribeMediaStats}); another server reports none. */
    private static ServerMediaStats mediaStats(LoadTarget target, HttpClient http) throws InterruptedException {
        if (target instanceof ServerTarget lianmai) {
            return ServerMediaStats.read(lianmai, new UserSigSigner(lianmai.sdkAppId(), lianmai.secretKey(),
                    Clock.systemUTC()), http);
        }
        return ServerMediaStats.unavailable(target.kind() + " reports no per-player estimates");
    }

    private void awaitConnected(List<PublisherPeer> publishers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_TIMEOUT_SECONDS);
        for (PublisherPeer publisher : publishers) {
            try {
                publisher.connected.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                say("publisher " + publisher.userId + " failed: " + publisher.failure());
            } catch (TimeoutException e) {
                publisher.fail("not connected within " + JOIN_TIMEOUT_SECONDS + " s");
            }
        }
    }

    private void awaitFirstMedia(List<SubscriberPeer> subscribers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            int waiting = 0;
            for (SubscriberPeer subscriber : subscribers) {
                if (subscriber.firstMediaNanos == 0 && subscriber.state() != SimulatedPeer.State.FAILED) {
                    waiting++;
                }
            }
            if (waiting == 0) {
                return;
            }
            Thread.sleep(50);
        }
        for (SubscriberPeer subscriber : subscribers) {
            if (subscriber.firstMediaNanos == 0) {
                subscriber.fail("no media within " + JOIN_TIMEOUT_SECONDS + " s of the ramp's end (state "
                        + subscriber.state() + ")");
            }
        }
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000L));
        }
    }

    interface LoopTask {
        void run(ClientLoop loop);
    }

    static void onLoops(List<ClientLoop> loops, LoopTask task) throws InterruptedException {
        List<io.netty.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (ClientLoop loop : loops) {
            futures.add(loop.eventLoop().submit(() -> task.run(loop)));
        }
        for (io.netty.util.concurrent.Future<?> future : futures) {
            future.await(10, TimeUnit.SECONDS);
            if (!future.isSuccess()) {
                throw new IllegalStateException("a client loop failed: " + future.cause(), future.cause());
            }
        }
    }

    /** What the loops hold at the end, copied on their threads. */
    private record Collected(Histogram latency, Histogram recovery, Map<SubscriberPeer, SubscriberPeer.Result> results,
            long maxTickLagNanos, long publisherPackets, long publisherBytes, long retransmissions, long nacks,
            long plis, long skippedFrames, long publisherImpairmentDrops, long pacerHeld, long pacerOverflows,
            long pacerMaxWaitNanos) {
    }

    private Collected collect(List<ClientLoop> loops, List<PublisherPeer> publishers,
            List<SubscriberPeer> subscribers) throws InterruptedException {
        Histogram latency = new Histogram(60_000_000L, 3);
        Histogram recovery = new Histogram(60_000_000L, 3);
        Map<SubscriberPeer, SubscriberPeer.Result> results = new java.util.concurrent.ConcurrentHashMap<>();
        long[] sums = new long[11];
        onLoops(loops, loop -> {
            synchronized (sums) {
                latency.add(loop.latency);
                recovery.add(loop.recoveryLatency);
                sums[0] = Math.max(sums[0], loop.maxTickLagNanos());
                for (SimulatedPeer peer : loop.peers()) {
                    if (peer instanceof SubscriberPeer subscriber) {
                        results.put(subscriber, subscriber.result());
                    } else if (peer instanceof PublisherPeer publisher) {
                        sums[1] += publisher.windowPackets();
                        sums[2] += publisher.windowBytes();
                        sums[3] += publisher.retransmitted();
                        sums[4] += publisher.nacksReceived();
                        sums[5] += publisher.plisReceived();
                        sums[6] += publisher.skippedFrames();
                        sums[7] += publisher.impairedDrops();
                        sums[8] += publisher.windowPacerHeld();
                        sums[9] += publisher.windowPacerOverflows();
                        sums[10] = Math.max(sums[10], publisher.pacerMaxWaitNanos());
                    }
                }
            }
        });
        return new Collected(latency, recovery, results, sums[0], sums[1], sums[2], sums[3], sums[4], sums[5],
                sums[6], sums[7], sums[8], sums[9], sums[10]);
    }

    /** The figures of the measured players only ({@code --measure-every}). */
    private static double[] only(double[] values, boolean[] measured) {
        int n = 0;
        for (boolean m : measured) {
            n += m ? 1 : 0;
        }
        if (n == values.length) {
            return values;
        }
        double[] kept = new double[n];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (measured[i]) {
                kept[k++] = values[i];
            }
        }
        return kept;
    }

    /** Each media loop thread's cores busy over the window (its CPU seconds in it ÷ the window). */
    private static Map<String, Double> loopCores(Map<String, Double> start,
            Map<String, Double> end, double seconds) {
        Map<String, Double> cores = new TreeMap<>();
        end.forEach((name, cpu) -> cores.put(name, (cpu - start.getOrDefault(name, 0.0)) / seconds));
        return cores;
    }

    private LoadReport report(LoadTarget target, MediaShape shape, Pacing pacing, Impairment impairment,
            double seconds,
            List<PublisherPeer> publishers, List<SubscriberPeer> subscribers, Collected c, ProcStat before,
            ProcStat serverStart, ProcStat serverEnd, ProcStat selfStart, ProcStat selfEnd, LoadReport.Bwe bwe,
            Map<String, Double> loopCores) {
        List<String> failures = new ArrayList<>();
        int failed = 0;
        List<SimulatedPeer> everyone = new ArrayList<>(publishers);
        everyone.addAll(subscribers);
        for (SimulatedPeer peer : everyone) {
            if (peer.state() == SimulatedPeer.State.FAILED) {
                failed++;
                if (failures.size() < MAX_FAILURES_LISTED) {
                    failures.add(peer.userId + (peer instanceof SubscriberPeer s ? " playing " + s.streamId() : "")
                            + ": " + peer.failure());
                }
            }
        }
        if (failed > failures.size()) {
            failures.add("… and " + (failed - failures.size()) + " more");
        }
        int joined = 0;
        int withMedia = 0;
        List<Double> joinAnswer = new ArrayList<>();
        List<Double> joinConnected = new ArrayList<>();
        List<Double> joinMedia = new ArrayList<>();
        List<Double> joinVideo = new ArrayList<>();
        double[] pps = new double[subscribers.size()];
        double[] loss = new double[subscribers.size()];
        double[] videoLoss = new double[subscribers.size()];
        double[] audioLoss = new double[subscribers.size()];
        long videoExpected = 0;
        long videoLost = 0;
        long audioExpected = 0;
        long audioLost = 0;
        double[] late = new double[subscribers.size()];
        double[] recovered = new double[subscribers.size()];
        long expected = 0;
        long received = 0;
        long lost = 0;
        long recoveredTotal = 0;
        long lateTotal = 0;
        long duplicates = 0;
        long reordered = 0;
        long nacked = 0;
        long nackPackets = 0;
        long drops = c.publisherImpairmentDrops;
        long srtpErrors = 0;
        long forwardedPackets = 0;
        long forwardedBytes = 0;
        boolean[] measured = new boolean[subscribers.size()];
        int measuredWithMedia = 0;
        for (int i = 0; i < subscribers.size(); i++) {
            SubscriberPeer s = subscribers.get(i);
            if (s.answeredNanos != 0) {
                joinAnswer.add((s.answeredNanos - s.joinStartNanos) / 1e6);
            }
            if (s.connectedNanos != 0) {
                joined++;
                joinConnected.add((s.connectedNanos - s.joinStartNanos) / 1e6);
            }
            if (s.firstMediaNanos != 0) {
                withMedia++;
                joinMedia.add((s.firstMediaNanos - s.joinStartNanos) / 1e6);
            }
            if (s.firstVideoNanos != 0) {
                joinVideo.add((s.firstVideoNanos - s.joinStartNanos) / 1e6);
            }
            SubscriberPeer.Result r = c.results.get(s);
            if (r == null || s.deaf()) {
                continue;
            }
            measured[i] = true;
            if (s.firstMediaNanos != 0) {
                measuredWithMedia++;
            }
            pps[i] = r.packets() / seconds;
            loss[i] = r.expected() == 0 ? (s.state() == SimulatedPeer.State.FAILED ? 100 : 0)
                    : 100.0 * r.lost() / r.expected();
            videoLoss[i] = r.videoExpected() == 0 ? 0 : 100.0 * r.videoLost() / r.videoExpected();
            audioLoss[i] = r.audioExpected() == 0 ? 0 : 100.0 * r.audioLost() / r.audioExpected();
            videoExpected += r.videoExpected();
            videoLost += r.videoLost();
            audioExpected += r.audioExpected();
            audioLost += r.audioLost();
            late[i] = r.late();
            recovered[i] = r.recovered();
            expected += r.expected();
            received += r.packets() - r.duplicates();
            lost += r.lost();
            recoveredTotal += r.recovered();
            lateTotal += r.late();
            duplicates += r.duplicates() + r.srtpReplays();
            reordered += r.reordered();
            nacked += r.nacked();
            nackPackets += r.nackPackets();
            drops += r.impairedDrops();
            srtpErrors += r.srtpErrors();
            forwardedPackets += s.windowRtpPacketsIn();
            forwardedBytes += s.windowRtpBytesIn();
        }
        if (measuredWithMedia > 0 && measuredWithMedia < withMedia) {
            // --measure-every: the unmeasured players were sent what the measured ones received.
            forwardedPackets = Math.round((double) forwardedPackets * withMedia / measuredWithMedia);
            forwardedBytes = Math.round((double) forwardedBytes * withMedia / measuredWithMedia);
        }
        pps = only(pps, measured);
        loss = only(loss, measured);
        videoLoss = only(videoLoss, measured);
        audioLoss = only(audioLoss, measured);
        late = only(late, measured);
        recovered = only(recovered, measured);
        LoadReport.Server server;
        LoadReport.PerCore perCore;
        if (serverStart != null && serverEnd != null) {
            double cpu = serverEnd.cpuSeconds() - serverStart.cpuSeconds();
            double cores = cpu / seconds;
            double rssPerSubscriber = subscribers.isEmpty() ? 0
                    : (double) (serverEnd.rssKb() - before.rssKb()) / subscribers.size();
            server = new LoadReport.Server(target.pid().getAsLong(), cpu, cores, before.rssKb() / 1024.0,
                    serverEnd.rssKb() / 1024.0, serverEnd.hwmKb() / 1024.0, serverEnd.threads(), rssPerSubscriber,
                    loopCores);
            double forwardedPerSecond = forwardedPackets / seconds;
            perCore = new LoadReport.PerCore(cores > 0 ? withMedia / cores : 0,
                    cores > 0 ? forwardedPerSecond / cores : 0,
                    forwardedPackets > 0 ? cpu * 1e6 / forwardedPackets : 0,
                    withMedia > 0 ? cores * 1e6 / withMedia : 0);
        } else {
            server = new LoadReport.Server(null, 0, 0, 0, 0, 0, 0, 0, Map.of());
            perCore = new LoadReport.PerCore(0, 0, 0, 0);
        }
        double selfCpu = selfEnd.cpuSeconds() - selfStart.cpuSeconds();
        boolean rtxNegotiated = false;
        for (SubscriberPeer s : subscribers) {
            rtxNegotiated |= s.rtxNegotiated();
        }
        java.util.Set<String> profiles = new java.util.TreeSet<>();
        for (SimulatedPeer peer : everyone) {
            if (peer.srtpProfile != null) {
                profiles.add(peer.srtpProfile);
            }
        }
        return new LoadReport(scenario.name(), scenario.shape(), shape.describe(),
                pacing.describe(shape.totalVideoBitrate()), pacing.factor(), pacing.burstIntervalMillis(),
                String.join(", ", profiles), impairment.describe(),
                target.kind(), target.describe() + (options.measureEvery > 1 ? "; every " + options.measureEvery
                        + ". player measured, the others stop reading at their first video packet" : ""),
                rtxNegotiated, machine(), seconds,
                options.warmup.toMillis() / 1000.0, publishers.size(), subscribers.size(), joined, withMedia,
                failures,
                new LoadReport.Rate(c.publisherPackets / seconds, c.publisherBytes * 8 / seconds / 1e6),
                new LoadReport.Rate(forwardedPackets / seconds, forwardedBytes * 8 / seconds / 1e6),
                LoadReport.Spread.of(pps), LoadReport.Spread.of(loss), LoadReport.Spread.of(videoLoss),
                LoadReport.Spread.of(audioLoss), LoadReport.Spread.of(late),
                LoadReport.Spread.of(recovered),
                new LoadReport.Totals(expected, received, lost, videoExpected, videoLost, audioExpected, audioLost,
                        recoveredTotal, lateTotal, duplicates, reordered,
                        nacked, nackPackets, drops, srtpErrors, c.retransmissions, c.nacks, c.plis),
                latency(c.latency), latency(c.recovery), latency(joinAnswer), latency(joinConnected),
                latency(joinMedia), latency(joinVideo), server, perCore,
                new LoadReport.Generator(selfCpu, selfCpu / seconds, selfEnd.threads(), c.maxTickLagNanos / 1e6,
                        c.skippedFrames, c.pacerHeld, c.pacerOverflows, c.pacerMaxWaitNanos / 1e6), bwe);
    }

    /**
     * What bandwidth estimation did in the window: the players' own counts, and the server's estimates and layer
     * counters of each of them (matched by WHEP session id), differences between the window's start and end.
     */
    private LoadReport.Bwe bwe(List<SubscriberPeer> subscribers, Collected c, ServerMediaStats start,
            ServerMediaStats end) {
        long paddingPackets = 0;
        long paddingBytes = 0;
        long rtx = 0;
        long feedbacks = 0;
        for (SubscriberPeer.Result r : c.results.values()) {
            paddingPackets += r.paddingPackets();
            paddingBytes += r.paddingBytes();
            rtx += r.rtxPackets();
            feedbacks += r.feedbacks();
        }
        String failure = !end.available() ? end.failure() : start.failure();
        int estimated = 0;
        List<Double> estimates = new ArrayList<>();
        List<Double> switches = new ArrayList<>();
        long switchTotal = 0;
        long pauses = 0;
        long probes = 0;
        long raised = 0;
        long padding = 0;
        long octets = 0;
        Map<String, Integer> layers = new TreeMap<>();
        long[] sinceJoin = new long[5];
        for (SubscriberPeer s : subscribers) {
            String session = sessionId(s);
            ServerMediaStats.Player now = session == null ? null : end.players().get(session);
            if (now == null) {
                continue;
            }
            ServerMediaStats.Player then = start.players().get(session);
            if (now.estimator().equals("transport-cc")) {
                estimated++;
            }
            if (now.estimateBps() >= 0) {
                estimates.add(now.estimateBps() / 1000.0);
            }
            long switched = now.layerSwitches() - (then == null ? 0 : then.layerSwitches());
            switches.add((double) switched);
            switchTotal += switched;
            pauses += now.pauses() - (then == null ? 0 : then.pauses());
            probes += now.probesStarted() - (then == null ? 0 : then.probesStarted());
            raised += now.probesRaised() - (then == null ? 0 : then.probesRaised());
            padding += now.paddingBytes() - (then == null ? 0 : then.paddingBytes());
            octets += now.octetsSent() - (then == null ? 0 : then.octetsSent());
            layers.merge(now.currentLayer() < 0 ? "none" : "layer " + now.currentLayer(), 1, Integer::sum);
            sinceJoin[0] += now.layerSwitches();
            sinceJoin[1] += now.pauses();
            sinceJoin[2] += now.probesStarted();
            sinceJoin[3] += now.probesRaised();
            sinceJoin[4] += now.paddingBytes();
        }
        double paddingShare = padding + octets == 0 ? 0 : 100.0 * padding / (padding + octets);
        return new LoadReport.Bwe(options.bwe(), failure, estimated,
                LoadReport.Distribution.of(estimates.stream().mapToDouble(Double::doubleValue).toArray()),
                switchTotal, LoadReport.Spread.of(switches.stream().mapToDouble(Double::doubleValue).toArray()),
                pauses, probes, raised, layers, padding, paddingShare, paddingPackets, paddingBytes, rtx, feedbacks,
                new LoadReport.SinceJoin(sinceJoin[0], sinceJoin[1], sinceJoin[2], sinceJoin[3], sinceJoin[4]));
    }

    /** The WHEP session id: the last segment of the Location the server answered. */
    private static String sessionId(SimulatedPeer peer) {
        URI location = peer.location();
        if (location == null || location.getPath() == null) {
            return null;
        }
        String path = location.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static LoadReport.Latency latency(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LoadReport.Latency(0, 0, 0, 0, 0);
        }
        return new LoadReport.Latency(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    private static LoadReport.Latency latency(List<Double> values) {
        if (values.isEmpty()) {
            return new LoadReport.Latency(0, 0, 0, 0, 0);
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new LoadReport.Latency(sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                percentile(sorted, 99.9), sorted[sorted.length - 1]);
    }

    private static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String machine() {
        String model = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // Not Linux: the model stays unknown.
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + model + "), Java "
                + System.getProperty("java.version") + ", " + (Epoll.isAvailable() ? "epoll" : "nio");
    }

    private void say(String message) {
        if (!options.quiet) {
            log.println("bench: " + message);
        }
    }

    /** Base URLs ending in {@code /}. */
    private static List<URI> bases(List<String> urls) {
        return urls.stream().map(url -> URI.create(url.endsWith("/") ? url : url + "/")).toList();
    }
}
