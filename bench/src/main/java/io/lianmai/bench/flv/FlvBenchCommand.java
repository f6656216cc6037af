package io.lianmai.bench.flv;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.bench.load.ChildServer;
import io.lianmai.bench.load.ProcStat;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lianmai bench flv}: N players of one live stream, pushed by ffmpeg from a cached 720p30 clip, against
 * Lianmai (a child server) and, back to back with the same input and players, SRS (HTTP-FLV or RTMP) and nginx-rtmp
 * (RTMP). Each server's CPU and memory are read from its process in {@code /proc}; one table compares them.
 *
 * <p>Exit status: 0 when every player of every server started and none starved, 1 otherwise, 2 on wrong usage.
 */
@Command(name = "flv", mixinStandardHelpOptions = true,
        description = "Live players: N HTTP-FLV (or RTMP) players of one ffmpeg-pushed 720p30 ~1.5 Mbit/s stream, "
                + "against Lianmai and optionally SRS and nginx-rtmp back to back; reports delivered Mbit/s, "
                + "server CPU and memory, starved players, and Lianmai ÷ peer ratios.")
public final class FlvBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--players", paramLabel = "N", description = "Players per server. Default: ${DEFAULT-VALUE}.")
    int players = 200;

    @Option(names = "--protocol", paramLabel = "flv|rtmp",
            description = "How the players play: HTTP-FLV or RTMP. Default: ${DEFAULT-VALUE}.")
    String protocol = "flv";

    @Option(names = "--target", paramLabel = "SERVER[=URLS]",
            description = "A server to measure, repeatable, run in this order: lianmai (a child server), "
                    + "srs[=http://127.0.0.1:18080,rtmp://127.0.0.1:19350], nginx[=rtmp://127.0.0.1:1935]. After "
                    + "'=', comma-separated: the URLs, pid=N (the process to read; else --srs-pid/--nginx-pid), "
                    + "label=TEXT; for lianmai jar=PATH (else --server-jar) and set=KEY=VALUE (repeatable, after "
                    + "--server-set). The Lianmai child runs with live.hls.enabled=false unless set. Default: "
                    + "lianmai.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--srs-pid", paramLabel = "PID", description = "SRS's process id, to read its CPU and memory.")
    Long srsPid;

    @Option(names = "--nginx-pid", paramLabel = "PID",
            description = "The nginx worker's process id (nginx-rtmp serves from its worker, not the master).")
    Long nginxPid;

    @Option(names = "--label", paramLabel = "SERVER=TEXT", description = "A note shown after a server's name, "
            + "repeatable, e.g. srs='mw_latency 33'.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "Server jar of the Lianmai child. Default: server/target/lianmai.jar under the repository.")
    Path serverJar;

    @Option(names = "--server-java-opts", paramLabel = "OPTS", description = "JVM options of the Lianmai child.")
    String serverJavaOpts = "";

    @Option(names = "--server-set", paramLabel = "KEY=VALUE",
            description = "A setting of the Lianmai child (its --set), repeatable, e.g. live.mergeWindowMs=100.")
    List<String> serverSettings = new ArrayList<>();

    @Option(names = "--clip", paramLabel = "FILE",
            description = "The FLV to push (looped, -c copy). Default: a 720p30 1.5 Mbit/s clip made once by ffmpeg "
                    + "under the temp directory.")
    Path clip;

    @Option(names = "--seconds", paramLabel = "N",
            description = "Measurement window once every player plays. Default: ${DEFAULT-VALUE}.")
    int seconds = 20;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Seconds between the last join and the measurement. Default: ${DEFAULT-VALUE}.")
    int warmup = 5;

    @Option(names = "--join-rate", paramLabel = "N",
            description = "Players joined per second. Default: ${DEFAULT-VALUE}.")
    int joinRate = 200;

    @Option(names = "--client-threads", paramLabel = "N",
            description = "Event loops of the players. Default: ${DEFAULT-VALUE}.")
    int clientThreads = 1;

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter out = spec.commandLine().getOut();
        PrintStream log = System.err;
        PlayerLoad.Protocol playProtocol = switch (protocol.toLowerCase(Locale.ROOT)) {
            case "flv", "http-flv" -> PlayerLoad.Protocol.FLV;
            case "rtmp" -> PlayerLoad.Protocol.RTMP;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--protocol must be flv or rtmp, not " + protocol);
        };
        if (players < 1 || seconds < 1 || warmup < 0 || joinRate < 1 || clientThreads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--players, --seconds, --join-rate and --client-threads must be >= 1, --warmup >= 0");
        }
        List<Target> servers = new ArrayList<>();
        for (String target : targets.isEmpty() ? List.of("lianmai") : targets) {
            servers.add(Target.parse(target, playProtocol, srsPid, nginxPid, labels, spec.commandLine()));
        }
        Path input = Clip.ensure(clip, log);
        double inputMbps = Clip.megabitsPerSecond(input);
        log.printf(Locale.ROOT, "input %s (%.2f Mbit/s), %d %s players per server, players on %d %s thread(s)%n",
                input, inputMbps, players, playProtocol, clientThreads, PlayerLoad.transport());
        List<Result> results = new ArrayList<>();
        for (Target target : servers) {
            results.add(run(target, playProtocol, input, log));
        }
        print(out, results, inputMbps, playProtocol);
        out.flush();
        boolean ok = results.stream().allMatch(r -> r.started == players && r.starved == 0 && r.problem == null);
        return ok ? 0 : 1;
    }

    /** One server's run: start (Lianmai) or use it, push, join the players, warm up, measure, stop. */
    private Result run(Target target, PlayerLoad.Protocol protocol, Path input, PrintStream log) throws Exception {
        String stream;
        String publishUrl;
        URI playUrl;
        ChildServer child = null;
        OptionalLong pid = target.pid;
        Path logDir = Files.createTempDirectory("lianmai-bench-flv-" + target.name);
        try {
            if (target.kind == Kind.LIANMAI) {
                Path jar = target.jar != null ? target.jar : serverJar != null ? serverJar
                        : Path.of(System.getProperty("lianmai.home", "."), "server", "target", "lianmai.jar");
                log.println("starting the Lianmai server: " + jar);
                // Every player comes from 127.0.0.1: lift the per-address caps. HLS off: the peers' players are
                // measured without HLS packaging (SRS's config has none); set=live.hls.enabled=true against
                // nginx-rtmp, whose shared config packages HLS. --server-set and set= still win.
                List<String> settings = new ArrayList<>(List.of("http.maxConnectionsPerIp=1000000",
                        "rtmp.maxConnectionsPerIp=1000000", "live.hls.enabled=false"));
                settings.addAll(serverSettings);
                settings.addAll(target.settings);
                child = ChildServer.start(jar, serverJavaOpts, settings);
                log.println(child.describe());
                pid = child.pid();
                stream = child.sdkAppId() + "_9001_anchor_main";
                String userSig = new UserSigSigner(child.sdkAppId(), child.secretKey(), Clock.systemUTC())
                        .genUserSig("anchor", 7200);
                publishUrl = "rtmp://127.0.0.1:" + child.rtmpPort() + "/live/" + stream + "?usersig="
                        + URLEncoder.encode(userSig, StandardCharsets.UTF_8);
                String query = signedQuery(child, stream);
                playUrl = protocol == PlayerLoad.Protocol.FLV
                        ? child.baseUrl().resolve("live/" + stream + ".flv?" + query)
                        : URI.create("rtmp://127.0.0.1:" + child.rtmpPort() + "/live/" + stream + "?" + query);
            } else {
                stream = "bench" + (System.currentTimeMillis() % 1_000_000);
                publishUrl = target.rtmp + "/live/" + stream;
                playUrl = protocol == PlayerLoad.Protocol.FLV ? URI.create(target.flv + "/live/" + stream + ".flv")
                        : URI.create(target.rtmp + "/live/" + stream);
            }
            return measure(target, protocol, input, publishUrl, playUrl, pid, logDir, log);
        } finally {
            if (child != null) {
                child.close();
            }
        }
    }

    /** {@code txSecret=…&txTime=…} for {@code stream}, signed by the server's own {@code lianmai live sign}. */
    private static String signedQuery(ChildServer child, String stream) {
        ChildServer.CliResult signed = child.cli(List.of("live", "sign", "--sdkappid", child.sdkAppId().toString(),
                "--stream", stream, "--expire", "7200"));
        for (String line : signed.output().split("\\R")) {
            int at = line.indexOf("txSecret=");
            if (at >= 0) {
                String query = line.substring(at).trim();
                int end = query.indexOf(' ');
                return end < 0 ? query : query.substring(0, end);
            }
        }
        throw new IllegalStateException("`lianmai live sign` gave no signed URL (exit " + signed.exitCode() + "): "
                + signed.output().trim());
    }

    private Result measure(Target target, PlayerLoad.Protocol protocol, Path input, String publishUrl, URI playUrl,
                           OptionalLong pid, Path logDir, PrintStream log) throws Exception {
        Result result = new Result(target.display());
        Process publisher = Clip.publish(input, publishUrl, logDir.resolve("ffmpeg.log"));
        try (PlayerLoad load = new PlayerLoad(clientThreads)) {
            log.println(target.display() + ": pushing to " + redact(publishUrl) + ", playing " + redact(
                    playUrl.toString()));
            Player first = null;
            long liveBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < liveBy) {
                Player probe = load.start(protocol, playUrl);
                long until = Math.min(liveBy, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
                while (!probe.started() && !probe.closed && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                if (probe.started()) {
                    first = probe;
                    break;
                }
                if (!publisher.isAlive()) {
                    break;
                }
                Thread.sleep(500);
            }
            if (first == null) {
                result.problem = "the stream did not play within 20 s (publisher "
                        + (publisher.isAlive() ? "running" : "exited " + publisher.exitValue()) + "; see "
                        + logDir.resolve("ffmpeg.log") + ")";
                return result;
            }
            long rssBefore = pid.isPresent() ? ProcStat.read(pid.getAsLong()).rssKb() : -1;
            List<Player> mine = new ArrayList<>();
            mine.add(first);
            long joinStart = System.nanoTime();
            for (int i = 1; i < players; i++) {
                long due = joinStart + i * 1_000_000_000L / joinRate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                mine.add(load.start(protocol, playUrl));
            }
            long startedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (mine.stream().anyMatch(p -> !p.started() && !p.closed) && System.nanoTime() < startedBy) {
                Thread.sleep(100);
            }
            Thread.sleep(warmup * 1000L);

            long self = ProcessHandle.current().pid();
            ProcStat server0 = pid.isPresent() ? ProcStat.read(pid.getAsLong()) : null;
            ProcStat client0 = ProcStat.read(self);
            long bytes0 = sum(mine);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long t1 = System.nanoTime();
            long bytes1 = sum(mine);
            ProcStat server1 = pid.isPresent() ? ProcStat.read(pid.getAsLong()) : null;
            ProcStat client1 = ProcStat.read(self);
            double elapsed = (t1 - t0) / 1e9;

            result.players = mine.size();
            result.started = (int) mine.stream().filter(Player::started).count();
            result.starved = (int) mine.stream().filter(p -> p.starved || (p.started() && p.closed)).count();
            result.longestGapMillis = mine.stream().mapToLong(p -> p.longestGapNanos).max().orElse(0) / 1_000_000;
            result.mbps = (bytes1 - bytes0) * 8 / elapsed / 1e6;
            result.clientCores = (client1.cpuSeconds() - client0.cpuSeconds()) / elapsed;
            if (server0 != null) {
                result.serverCores = (server1.cpuSeconds() - server0.cpuSeconds()) / elapsed;
                result.rssMb = server1.rssKb() / 1024.0;
                result.rssPerPlayerKb = (server1.rssKb() - rssBefore) / (double) mine.size();
            }
            mine.stream().filter(p -> p.problem != null).findFirst()
                    .ifPresent(p -> result.firstProblem = "player " + p.index + ": " + p.problem);
            log.printf(Locale.ROOT, "%s: %d/%d playing, %d starved, %.1f Mbit/s, server %.2f cores, client %.2f "
                            + "cores%n", target.display(), result.started, result.players, result.starved,
                    result.mbps, result.serverCores, result.clientCores);
            return result;
        } finally {
            publisher.destroy();
            if (!publisher.waitFor(5, TimeUnit.SECONDS)) {
                publisher.destroyForcibly();
            }
        }
    }

    private static long sum(List<Player> players) {
        long total = 0;
        for (Player player : players) {
            total += player.bytes;
        }
        return total;
    }

    private static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    private void print(java.io.PrintWriter out, List<Result> results, double inputMbps, PlayerLoad.Protocol protocol) {
        out.printf(Locale.ROOT, "%nLive players: %s, %d per server, input %.2f Mbit/s, %d s measured after %d s "
                + "warm-up%n", protocol == PlayerLoad.Protocol.FLV ? "HTTP-FLV" : "RTMP play", players, inputMbps,
                seconds, warmup);
        out.printf(Locale.ROOT, "%-30s %8s %8s %9s %9s %10s %11s %9s %10s %9s%n", "server", "playing", "starved",
                "gap ms", "Mbit/s", "CPU cores", "Mbit/s/core", "RSS MB", "KB/player", "client");
        for (Result r : results) {
            out.printf(Locale.ROOT, "%-30s %8s %8d %9d %9.1f %10s %11s %9s %10s %9.2f%n", r.name,
                    r.started + "/" + r.players, r.starved, r.longestGapMillis, r.mbps, fmt(r.serverCores, "%.3f"),
                    fmt(r.mbpsPerCore(), "%.0f"), fmt(r.rssMb, "%.0f"), fmt(r.rssPerPlayerKb, "%.1f"),
                    r.clientCores);
            if (r.problem != null) {
                out.println("    " + r.problem);
            }
            if (r.firstProblem != null) {
                out.println("    " + r.firstProblem);
            }
        }
        List<Result> ours = results.stream().filter(r -> r.name.startsWith("lianmai")).toList();
        List<Result> peers = results.stream().filter(r -> !r.name.startsWith("lianmai")).toList();
        if (ours.isEmpty() || peers.isEmpty()) {
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "%-48s %12s %12s %12s%n", "Lianmai ÷ peer", "CPU cores", "Mbit/s/core",
                "KB/player");
        for (Result lianmai : ours) {
            for (Result peer : peers) {
                out.printf(Locale.ROOT, "%-48s %12s %12s %12s%n", lianmai.name + " ÷ " + peer.name,
                        fmt(lianmai.serverCores / peer.serverCores, "%.2f×"),
                        fmt(lianmai.mbpsPerCore() / peer.mbpsPerCore(), "%.2f×"),
                        fmt(lianmai.rssPerPlayerKb / peer.rssPerPlayerKb, "%.2f×"));
            }
        }
    }

    private static String fmt(double value, String format) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    /** What one server delivered and cost. */
    private static final class Result {
        final String name;
        int players;
        int started;
        int starved;
        long longestGapMillis;
        double mbps;
        double serverCores = Double.NaN;
        double clientCores;
        double rssMb = Double.NaN;
        double rssPerPlayerKb = Double.NaN;
        String problem;
        String firstProblem;

        Result(String name) {
            this.name = name;
        }

        double mbpsPerCore() {
            return mbps / serverCores;
        }
    }

    private enum Kind { LIANMAI, SRS, NGINX }

    /** A server under test: which, where its RTMP ingest and HTTP-FLV output are, and its process. */
    private record Target(Kind kind, String name, String flv, String rtmp, OptionalLong pid, String label, Path jar,
                          List<String> settings) {
        String display() {
            return label == null ? name : name + " (" + label + ")";
        }

        static Target parse(String spec, PlayerLoad.Protocol protocol, Long srsPid, Long nginxPid,
                            List<String> labels, CommandLine commandLine) {
            int eq = spec.indexOf('=');
            String name = (eq < 0 ? spec : spec.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String items = eq < 0 ? "" : spec.substring(eq + 1);
            String flv = null;
            String rtmp = null;
            Long pid = name.equals("srs") ? srsPid : name.startsWith("nginx") ? nginxPid : null;
            String label = null;
            Path jar = null;
            List<String> settings = new ArrayList<>();
            for (String item : items.split(",")) {
                String u = item.trim();
                if (u.startsWith("http://") || u.startsWith("rtmp://")) {
                    u = u.replaceAll("/+$", "");
                    if (u.startsWith("http://")) {
                        flv = u;
                    } else {
                        rtmp = u;
                    }
                } else if (u.startsWith("pid=")) {
                    try {
                        pid = Long.parseLong(u.substring(4));
                    } catch (NumberFormatException e) {
                        throw new CommandLine.ParameterException(commandLine, "--target " + spec + ": " + u
                                + " is not a process id");
                    }
                } else if (u.startsWith("label=")) {
                    label = u.substring(6);
                } else if (u.startsWith("jar=") && name.equals("lianmai")) {
                    jar = Path.of(u.substring(4));
                } else if (u.startsWith("set=") && name.equals("lianmai") && u.indexOf('=', 4) > 4) {
                    settings.add(u.substring(4));
                } else if (!u.isEmpty()) {
                    throw new CommandLine.ParameterException(commandLine, "--target " + spec + ": '" + u
                            + "' is none of an http:// or rtmp:// URL, pid=N, label=TEXT"
                            + (name.equals("lianmai") ? ", jar=PATH, set=KEY=VALUE" : ""));
                }
            }
            for (String l : labels) {
                if (label == null && l.toLowerCase(Locale.ROOT).startsWith(name + "=")) {
                    label = l.substring(name.length() + 1);
                }
            }
            return switch (name) {
                case "lianmai" -> new Target(Kind.LIANMAI, name, null, null, OptionalLong.empty(), label, jar,
                        settings);
                case "srs" -> new Target(Kind.SRS, name, flv == null ? "http://127.0.0.1:18080" : flv,
                        rtmp == null ? "rtmp://127.0.0.1:19350" : rtmp, pidOf(pid), label, null, List.of());
                case "nginx", "nginx-rtmp" -> {
                    if (protocol == PlayerLoad.Protocol.FLV) {
                        throw new CommandLine.ParameterException(commandLine, "nginx-rtmp serves no HTTP-FLV: "
                                + "measure it with --protocol rtmp");
                    }
                    yield new Target(Kind.NGINX, "nginx", null, rtmp == null ? "rtmp://127.0.0.1:1935" : rtmp,
                            pidOf(pid), label, null, List.of());
                }
                default -> throw new CommandLine.ParameterException(commandLine, "--target " + spec
                        + ": the servers are lianmai, srs and nginx");
            };
        }

        private static OptionalLong pidOf(Long pid) {
            return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
        }
    }
}
