package io.lianmai.bench.load;

import io.lianmai.common.SdkAppId;
import io.lianmai.media.srtp.SrtpProfile;
import io.lianmai.server.cli.SdkAppIdConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The options every scenario of {@code lianmai bench} shares: the target server, the run's timing, the media shape,
 * network impairment and the report. Defaults carry their units and the reason for their value.
 */
final class LoadOptions {

    // ---- target ----

    @Option(names = "--url", paramLabel = "URL",
            description = "An existing server's base URL (http://host:8800). Default: start one as a child process.")
    String url;

    @Option(names = "--player-url", paramLabel = "URL",
            description = "A cluster's node for WHEP players (repeatable: players go to each in turn, as edges of the "
                    + "room; publishers go to --url). Default: --url.")
    java.util.List<String> playerUrls = new java.util.ArrayList<>();

    @Option(names = "--publisher-url", paramLabel = "URL",
            description = "A cluster's node for WHIP publishers (repeatable: publishers go to each in turn; a node "
                    + "keeps them once the room's node holds cluster.roomMembersPerNode members). Default: --url.")
    java.util.List<String> publisherUrls = new java.util.ArrayList<>();

    @Option(names = "--sdkappid", paramLabel = "ID", converter = SdkAppIdConverter.class,
            description = "SDKAppID on the existing server (with --url).")
    SdkAppId sdkAppId;

    @Option(names = "--secret", paramLabel = "KEY", description = "That app's secret key, to sign UserSigs.")
    String secret;

    @Option(names = "--pid", paramLabel = "PID",
            description = "The existing server's process id, to read its CPU and memory from /proc (optional).")
    Long pid;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "Server jar for the child server. Default: server/target/lianmai.jar under the repository.")
    Path serverJar;

    @Option(names = "--server-java-opts", paramLabel = "OPTS", description = "JVM options of the child server.")
    String serverJavaOpts = "";

    @Option(names = "--server-cpus", paramLabel = "LIST",
            description = "Run the child server on these CPUs (taskset -c syntax: 0,1 or 0-3), e.g. all of them "
                    + "while this generator runs under taskset on its own share. Default: as this process.")
    String serverCpus;

    @Option(names = "--server-set", paramLabel = "KEY=VALUE",
            description = "A setting of the child server (its --set), repeatable, e.g. media.egressThreads=0.")
    List<String> serverSettings = new ArrayList<>();

    // ---- timing ----

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Measurement window after everyone joined (e.g. 30s, 2m). Default: 10s.")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--ramp", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Spread subscriber joins over this long (0s: all at once). Default: 5s.")
    Duration ramp = Duration.ofSeconds(5);

    @Option(names = "--warmup", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Run this long after the joins before measuring, so both JITs have compiled the media "
                    + "path. Default: 3s.")
    Duration warmup = Duration.ofSeconds(3);

    @Option(names = "--rooms", paramLabel = "N", description = "Independent rooms of the scenario's size. "
            + "Default: ${DEFAULT-VALUE}.")
    int rooms = 1;

    // ---- media shape ----

    @Option(names = "--codec", paramLabel = "vp8|h264", description = "Video payload format. Default: vp8.")
    String codec = "vp8";

    @Option(names = "--video-bitrate", paramLabel = "RATE", converter = BitrateConverter.class,
            description = "Video bits per second per layer-set (1200k, 2.5M; 0: no video). Default: 1000k.")
    long videoBitrate = 1_000_000;

    @Option(names = "--fps", paramLabel = "N", description = "Video frames per second. Default: ${DEFAULT-VALUE}.")
    int fps = 30;

    @Option(names = "--keyframe-interval", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Time between keyframes (also sent at once on PLI). Default: 2s.")
    Duration keyframeInterval = Duration.ofSeconds(2);

    @Option(names = "--simulcast", paramLabel = "N",
            description = "Simulcast layers per video track, 1..3 (quarter, half, full bitrate). Default: 1.")
    int simulcast = 1;

    @Option(names = "--no-bwe",
            description = "Players offer no transport-wide congestion control (the players of earlier runs). By "
                    + "default they negotiate it and send transport-cc feedback as Chrome does, so the server "
                    + "estimates their downlinks and picks their simulcast layers.")
    boolean noBwe;

    @Option(names = "--light-players",
            description = "Players skip SRTP authentication and decrypt only what they read (the first 16 bytes "
                    + "of a payload: RTX's original sequence number, and the send-time stamp at its end; AES-CM "
                    + "only, GCM players decrypt all): a fraction of a full unprotect, so that a generator pinned to "
                    + "one core can load a server on several. Loss, latency and feedback are measured as before; "
                    + "corrupted payloads would go unnoticed.")
    boolean lightPlayers;

    @Option(names = "--measure-every", paramLabel = "K",
            description = "Only every K-th player reads and measures what it receives; the others stop reading "
                    + "at their first video packet (the server still sends them everything, and the kernel drops "
                    + "it at their full sockets), so that a generator on one core can load a server on several. "
                    + "Loss and latency are the measured players'; forwarded packets are their average × all "
                    + "players with media. Default: 1 (every player).")
    int measureEvery = 1;

    @Option(names = "--audio-bitrate", paramLabel = "RATE", converter = BitrateConverter.class,
            description = "Opus-sized audio at 50 packets/s (0: no audio). Default: 48k.")
    long audioBitrate = 48_000;

    @Option(names = "--pacing", paramLabel = "FACTOR",
            description = "Pace each publisher's video and RTX at FACTOR × its video bitrate, as libwebrtc's pacer "
                    + "does (0: no pacer, every frame leaves in one burst). Default: ${DEFAULT-VALUE}.")
    double pacingFactor = Pacing.DEFAULT_FACTOR;

    @Option(names = "--burst-interval", paramLabel = "TIME", converter = DurationConverter.class,
            description = "How much of the pacing rate may leave at once, ahead of time (libwebrtc's burst "
                    + "interval). Default: 40ms.")
    Duration burstInterval = Pacing.DEFAULT_BURST_INTERVAL;

    @Option(names = "--srtp", paramLabel = "any|aes-cm|gcm",
            description = "SRTP profiles the clients offer: any (AEAD_AES_128_GCM then AES128_CM_HMAC_SHA1_80, as "
                    + "Chrome), aes-cm or gcm (only that one, to fix the profile on every server of a comparison). "
                    + "Default: any; compare: aes-cm.")
    String srtp;

    // ---- impairment ----

    @Option(names = "--loss", paramLabel = "PERCENT", converter = PercentConverter.class,
            description = "Drop this share of media packets (5%%) on the impaired paths. Default: 0.")
    double loss;

    @Option(names = "--jitter", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Delay media packets by up to this much more (20ms), order kept. Default: 0.")
    Duration jitter = Duration.ZERO;

    @Option(names = "--reorder", paramLabel = "PERCENT", converter = PercentConverter.class,
            description = "Hold this share of media packets back behind later ones (1%%). Default: 0.")
    double reorder;

    @Option(names = "--impair", paramLabel = "up|down|both",
            description = "Which paths the impairment acts on: up (clients to server), down, both. Default: both.")
    String impair = "both";

    @Option(names = "--late", paramLabel = "TIME", converter = DurationConverter.class,
            description = "A packet arriving more than this after it was sent counts as late (a jitter buffer's "
                    + "depth). Default: 200ms.")
    Duration late = Duration.ofMillis(200);

    // ---- run ----

    @Option(names = "--client-threads", paramLabel = "N",
            description = "Event loops carrying all simulated clients. Default: ${DEFAULT-VALUE}.")
    int clientThreads = 1;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path json;

    @Option(names = "--quiet", description = "Print only the report.")
    boolean quiet;

    /** The checked media shape. */
    MediaShape mediaShape() {
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("--fps must be 1..120, got " + fps);
        }
        if (simulcast < 1 || simulcast > 3) {
            throw new IllegalArgumentException("--simulcast must be 1..3, got " + simulcast);
        }
        if (measureEvery < 1) {
            throw new IllegalArgumentException("--measure-every must be at least 1, got " + measureEvery);
        }
        if (videoBitrate < 0 || audioBitrate < 0 || videoBitrate == 0 && audioBitrate == 0) {
            throw new IllegalArgumentException("some audio or video is needed");
        }
        String name = codec.toLowerCase(Locale.ROOT);
        if (!name.equals("vp8") && !name.equals("h264")) {
            throw new IllegalArgumentException("--codec must be vp8 or h264, got " + codec);
        }
        return new MediaShape(audioBitrate, videoBitrate, fps, keyframeInterval, simulcast, name.equals("h264"));
    }

    /** The SRTP profiles the clients offer, most preferred first ({@code --srtp}, else {@code fallback}). */
    List<SrtpProfile> srtpProfiles(String fallback) {
        String choice = (srtp == null ? fallback : srtp).toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "any" -> List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80);
            case "aes-cm" -> List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80);
            case "gcm" -> List.of(SrtpProfile.AEAD_AES_128_GCM);
            default -> throw new IllegalArgumentException("--srtp must be any, aes-cm or gcm, got " + srtp);
        };
    }

    /** The SRTP profiles of an ordinary run: {@code --srtp}, else any. */
    List<SrtpProfile> srtpProfiles() {
        return srtpProfiles("any");
    }

    /** Whether players negotiate transport-cc and send feedback (not {@code --no-bwe}). */
    boolean bwe() {
        return !noBwe;
    }

    /** The checked pacing. */
    Pacing pacing() {
        return new Pacing(pacingFactor, burstInterval);
    }

    /** The checked impairment. */
    Impairment impairment() {
        String where = impair.toLowerCase(Locale.ROOT);
        if (!where.equals("up") && !where.equals("down") && !where.equals("both")) {
            throw new IllegalArgumentException("--impair must be up, down or both, got " + impair);
        }
        return new Impairment(loss, jitter.toNanos(), reorder, !where.equals("down"), !where.equals("up"));
    }

    /** Parses {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, or bare seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                if (v.endsWith("m")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
                }
                if (v.endsWith("h")) {
                    return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a duration: '" + value + "' (try 30s, 500ms, 2m)");
            }
        }
    }

    /** Parses {@code 1200k}, {@code 2.5M}, {@code 48000}. */
    static final class BitrateConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            double factor = 1;
            if (v.endsWith("k")) {
                factor = 1_000;
                v = v.substring(0, v.length() - 1);
            } else if (v.endsWith("m")) {
                factor = 1_000_000;
                v = v.substring(0, v.length() - 1);
            }
            try {
                return Math.round(Double.parseDouble(v) * factor);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a bitrate: '" + value + "' (try 1200k, 2.5M)");
            }
        }
    }

    /** Parses {@code 5%} or {@code 0.05} into a fraction 0..1. */
    static final class PercentConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String v = value.trim();
            double fraction;
            try {
                fraction = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100
                        : Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a percentage: '" + value + "' (try 5%)");
            }
            if (fraction < 0 || fraction > 0.5) {
                throw new IllegalArgumentException("a percentage of 0..50% is needed, got " + value);
            }
            return fraction;
        }
    }
}
