package io.lianmai.bench.live;

import ch.qos.logback.classic.Level;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.rtmp.RtmpPushClient;
import io.lianmai.live.rtmp.RtmpUrl;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glass-to-glass latency of live output from an RTMP anchor: a Java live-pusher ({@link RtmpAnchor}) burns its
 * send time into every picture, and viewers on each path decode the pictures and read the time back.
 *
 * <pre>
 * RtmpAnchor --RTMP--> Lianmai --HTTP-FLV--------------> FlvViewer  (FFmpeg h264)      "FLV (GOP cache)"
 *  (libopenh264,              --HTTP-FLV ?lowlatency=1--> FlvViewer                     "FLV ?lowlatency=1"
 *   FFmpeg aac)               --WHEP (room member)-----> WebRtcViewer (libwebrtc)       "WebRTC libwebrtc"
 *                             --WHEP, whep.html--------> ChromiumViewer (optional)      "WebRTC Chromium"
 * </pre>
 *
 * <p>Run: {@code java -cp bench/target/lianmai-benchmarks.jar io.lianmai.bench.live.LiveLatency --seconds 20}
 * ({@code --help} lists the options). It starts a node in-process on loopback unless {@code --server} names one.
 * Prints a table, then the JSON report (also written to {@code --json FILE}). Exit status 0 when every path measured
 * pictures, 1 otherwise.
 */
public final class LiveLatency {
    private static final String ANCHOR = "anchor";
    private static final long CONNECT_SECONDS = 15;
    /** Extra time a viewer gets to join (first request answered) before the run gives up waiting for it. */
    private static final long JOIN_ALLOWANCE_MILLIS = 20_000;

    /**
     * Settings of a run.
     *
     * @param seconds       measured seconds per viewer, after the warm-up
     * @param warmupMillis  time after a viewer's request whose samples are not kept (its join)
     * @param joinMillis    time from the anchor's first picture to the viewers' requests: joins land mid-GOP
     * @param anchor        what the anchor sends
     * @param roomId        the room the anchor is a member of
     * @param flv           run the two HTTP-FLV viewers
     * @param webrtc        run the libwebrtc viewer
     * @param chromium      run the headless Chromium viewer too
     * @param server        a running node's base URL, or empty to start one in-process
     * @param rtmpPort      that node's RTMP port
     * @param sdkAppId      that node's app
     * @param secretKey     that app's secret, to sign UserSigs
     * @param json          where to write the JSON report too, or empty
     * @param verbose       keep the node's INFO logs
     */
    public record Options(int seconds, long warmupMillis, long joinMillis, RtmpAnchor.Settings anchor, long roomId,
            boolean flv, boolean webrtc, boolean chromium, Optional<URI> server, int rtmpPort,
            Optional<SdkAppId> sdkAppId, String secretKey, Optional<Path> json, boolean verbose) {
        /** 20 s per viewer after a 2 s warm-up; viewers join 1.5 s into the stream; FLV and libwebrtc viewers. */
        public static final Options DEFAULT = new Options(20, 2000, 1500, RtmpAnchor.Settings.DEFAULT, 8001, true,
                true, false, Optional.empty(), 1935, Optional.empty(), null, Optional.empty(), false);

        public Options withSeconds(int seconds) {
            return new Options(seconds, warmupMillis, joinMillis, anchor, roomId, flv, webrtc, chromium, server,
                    rtmpPort, sdkAppId, secretKey, json, verbose);
        }

        public Options withWarmupMillis(long warmupMillis) {
            return new Options(seconds, warmupMillis, joinMillis, anchor, roomId, flv, webrtc, chromium, server,
                    rtmpPort, sdkAppId, secretKey, json, verbose);
        }

        public Options withChromium(boolean chromium) {
            return new Options(seconds, warmupMillis, joinMillis, anchor, roomId, flv, webrtc, chromium, server,
                    rtmpPort, sdkAppId, secretKey, json, verbose);
        }
    }

    private LiveLatency() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(usage());
            return;
        }
        LatencyReport report = run(options, System.out);
        String json = report.toJson();
        System.out.println(json);
        if (options.json().isPresent()) {
            Files.writeString(options.json().get(), json);
        }
        boolean complete = report.pusher().failure() == null
                && report.paths().stream().allMatch(p -> p.failure() == null && p.latency().samples() > 0);
        System.exit(complete ? 0 : 1);
    }

    /** Runs the benchmark; progress and the table go to {@code out}. */
    public static LatencyReport run(Options options, PrintStream out) throws Exception {
        if (!options.verbose()) {
            quietLogs();
        }
        double loadBefore = LatencyReport.Machine.loadAverage();
        Ffmpeg.load();
        StampClock clock = StampClock.start();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<LatencyViewer> viewers = new ArrayList<>();
        try (LiveTarget target = options.server().isPresent()
                ? LiveTarget.remote(options.server().get(), options.rtmpPort(), options.sdkAppId().orElseThrow(),
                        options.secretKey())
                : LiveTarget.inProcess()) {
            out.println("node: " + (target.isInProcess() ? "in-process, " : "") + "RTMP " + target.rtmpHost() + ":"
                    + target.rtmpPort());
            RtmpUrl url = RtmpUrl.parse(target.rtmpPublishUrl(options.roomId(), ANCHOR));
            RtmpPushClient client = RtmpPushClient.connect(group,
                    new InetSocketAddress(target.rtmpHost(), target.rtmpPort()), url, RtmpPushClient.Config.DEFAULT)
                    .get(CONNECT_SECONDS, TimeUnit.SECONDS);
            LatencyRecorder encode = new LatencyRecorder("encode");
            encode.measureFrom(clock.exactMillis() + options.joinMillis() + options.warmupMillis());
            long pushMillis = options.joinMillis() + options.warmupMillis() + options.seconds() * 1000L
                    + JOIN_ALLOWANCE_MILLIS;
            SendLog sent = new SendLog();
            try (RtmpAnchor anchor = new RtmpAnchor(options.anchor(), clock, client, encode, sent)) {
                anchor.start(pushMillis);
                out.println("anchor: publishing " + url);
                Thread.sleep(options.joinMillis());
                String stream = target.streamName(options.roomId(), ANCHOR);
                if (options.flv()) {
                    viewers.add(new FlvViewer("FLV (GOP cache)", target.flvUrl(stream, null), clock, sent));
                    viewers.add(new FlvViewer("FLV ?lowlatency=1", target.flvUrl(stream, "lowlatency=1"), clock,
                            sent));
                }
                if (options.webrtc()) {
                    viewers.add(new WebRtcViewer("WebRTC libwebrtc", target.whepUrl(options.roomId(), "viewer",
                            ANCHOR), target.userSig("viewer"), clock, sent));
                }
                if (options.chromium()) {
                    viewers.add(new ChromiumViewer("WebRTC Chromium",
                            target.whepPageUrl(options.roomId(), "browser", ANCHOR), clock, sent));
                }
                for (LatencyViewer viewer : viewers) {
                    viewer.start(options.warmupMillis());
                }
                out.println("viewers: " + viewers.stream().map(LatencyViewer::name).toList() + "; measuring "
                        + options.seconds() + " s after a " + options.warmupMillis() + " ms warm-up");
                awaitEnd(options, viewers, anchor, clock);
                for (LatencyViewer viewer : viewers) {
                    viewer.close();
                }
                anchor.close();
                LatencyReport report = new LatencyReport(Instant.now(),
                        LatencyReport.Machine.now(Ffmpeg.version(), loadBefore), options.anchor(), options.seconds(),
                        options.warmupMillis(), target.isInProcess(), pusher(anchor, encode, options),
                        results(viewers));
                out.println();
                out.print(report.toTable());
                return report;
            }
        } finally {
            for (LatencyViewer viewer : viewers) {
                viewer.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Waits until every viewer that joined has measured for its warm-up and {@code seconds}, bounded in time. */
    private static void awaitEnd(Options options, List<LatencyViewer> viewers, RtmpAnchor anchor, StampClock clock)
            throws InterruptedException {
        double started = clock.exactMillis();
        double giveUp = started + JOIN_ALLOWANCE_MILLIS + options.warmupMillis() + options.seconds() * 1000L;
        while (clock.exactMillis() < giveUp && !anchor.finished()) {
            boolean done = true;
            for (LatencyViewer viewer : viewers) {
                double requested = viewer.requestedAt();
                boolean joinedLongEnough = !Double.isNaN(requested)
                        && clock.exactMillis() >= requested + options.warmupMillis() + options.seconds() * 1000L;
                boolean gaveUp = viewer.failure() != null
                        || (Double.isNaN(requested) && clock.exactMillis() > started + JOIN_ALLOWANCE_MILLIS);
                done &= joinedLongEnough || gaveUp;
            }
            if (done) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static LatencyReport.Pusher pusher(RtmpAnchor anchor, LatencyRecorder encode, Options options) {
        double seconds = anchor.framesSent() / (double) options.anchor().fps();
        Throwable failure = anchor.failure();
        return new LatencyReport.Pusher(anchor.framesSent(), anchor.keyframes(), anchor.audioFramesSent(),
                seconds > 0 ? anchor.videoBytes() * 8 / seconds / 1000 : Double.NaN, encode.summary(),
                failure == null ? null : describe(failure));
    }

    private static List<LatencyReport.PathResult> results(List<LatencyViewer> viewers) {
        List<LatencyReport.PathResult> results = new ArrayList<>();
        for (LatencyViewer viewer : viewers) {
            LatencyRecorder latency = viewer.latency();
            Map<String, LatencyRecorder.Summary> steps = new LinkedHashMap<>();
            viewer.breakdown().forEach((name, series) -> steps.put(name, series.summary()));
            double first = latency.firstPictureAt() - viewer.requestedAt();
            Throwable failure = viewer.failure();
            results.add(new LatencyReport.PathResult(viewer.name(), latency.pictures(), latency.unreadable(),
                    latency.summary(), first, latency.firstPictureLatency(), steps, viewer.figures(),
                    failure == null ? null : describe(failure)));
        }
        return results;
    }

    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.toString());
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause();
                cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }

    private static void quietLogs() {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.WARN);
        }
    }

    /** The options of {@code args}, or null when help was asked for; {@link IllegalArgumentException} when wrong. */
    static Options parse(String[] args) {
        Options o = Options.DEFAULT;
        int seconds = o.seconds();
        long warmup = o.warmupMillis();
        long join = o.joinMillis();
        int width = o.anchor().width();
        int height = o.anchor().height();
        int fps = o.anchor().fps();
        int bitrate = o.anchor().bitrate();
        int gop = o.anchor().gopMillis();
        long room = o.roomId();
        boolean flv = o.flv();
        boolean webrtc = o.webrtc();
        boolean chromium = o.chromium();
        URI server = null;
        int rtmpPort = o.rtmpPort();
        SdkAppId sdkAppId = null;
        String secret = null;
        Path json = null;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--seconds" -> seconds = (int) number(args, ++i, 1, 3600);
                case "--warmup-ms" -> warmup = number(args, ++i, 0, 60_000);
                case "--join-ms" -> join = number(args, ++i, 0, 60_000);
                case "--size" -> {
                    String[] size = value(args, ++i).split("x");
                    if (size.length != 2) {
                        throw new IllegalArgumentException("--size is WIDTHxHEIGHT, e.g. 640x360");
                    }
                    width = Integer.parseInt(size[0]);
                    height = Integer.parseInt(size[1]);
                }
                case "--fps" -> fps = (int) number(args, ++i, 1, 60);
                case "--bitrate" -> bitrate = (int) number(args, ++i, 100_000, 50_000_000);
                case "--gop-ms" -> gop = (int) number(args, ++i, 100, 60_000);
                case "--room" -> room = number(args, ++i, 1, 4_294_967_294L);
                case "--no-flv" -> flv = false;
                case "--no-webrtc" -> webrtc = false;
                case "--chromium" -> chromium = true;
                case "--server" -> server = URI.create(value(args, ++i));
                case "--rtmp-port" -> rtmpPort = (int) number(args, ++i, 1, 65535);
                case "--sdkappid" -> sdkAppId = SdkAppId.parse(value(args, ++i));
                case "--secret" -> secret = value(args, ++i);
                case "--json" -> json = Path.of(value(args, ++i));
                case "--verbose" -> verbose = true;
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (server != null && (sdkAppId == null || secret == null)) {
            throw new IllegalArgumentException("--server needs --sdkappid and --secret (and --rtmp-port if not 1935)");
        }
        if (!flv && !webrtc && !chromium) {
            throw new IllegalArgumentException("nothing to measure: every viewer is off");
        }
        return new Options(seconds, warmup, join, new RtmpAnchor.Settings(width, height, fps, bitrate, gop), room,
                flv, webrtc, chromium, Optional.ofNullable(server), rtmpPort, Optional.ofNullable(sdkAppId), secret,
                Optional.ofNullable(json), verbose);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static long number(String[] args, int i, long min, long max) {
        String text = value(args, i);
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " needs a number, not " + text);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(args[i - 1] + " must be " + min + ".." + max);
        }
        return n;
    }

    static String usage() {
        return """
                usage: java -cp bench/target/lianmai-benchmarks.jar io.lianmai.bench.live.LiveLatency [options]
                  --seconds N        measured seconds per viewer (20)
                  --warmup-ms N      samples from the first N ms after a viewer's request are not kept (2000)
                  --join-ms N        viewers request N ms after the anchor starts, so they join mid-GOP (1500)
                  --size WxH         anchor picture size (640x360); at least 512x32
                  --fps N            anchor frame rate (30)
                  --bitrate N        anchor H.264 bit rate, bit/s (1000000)
                  --gop-ms N         anchor IDR interval, ms (1000)
                  --room N           room of the anchor (8001)
                  --no-flv           skip the two HTTP-FLV viewers
                  --no-webrtc        skip the libwebrtc WHEP viewer
                  --chromium         also watch with headless Chromium (/usr/bin/chromium) over whep.html
                  --server URL       measure a running node (http://host:port) instead of one started in-process;
                  --rtmp-port N        its RTMP port (1935)
                  --sdkappid N         an app of that node
                  --secret S           that app's secret key, to sign UserSigs
                  --json FILE        also write the JSON report to FILE
                  --verbose          keep the node's INFO logs
                """;
    }
}
