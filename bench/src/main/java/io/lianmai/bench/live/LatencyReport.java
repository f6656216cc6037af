package io.lianmai.bench.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.bench.live.LatencyRecorder.Summary;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of {@link LiveLatency} measured, per path, with the machine and settings it ran on; printed as a
 * table for people and as JSON for scripts.
 *
 * @param at            when the run ended
 * @param machine       where it ran
 * @param settings      what the anchor sent
 * @param seconds       measured seconds per viewer
 * @param warmupMillis  time after a viewer's request whose samples are not kept
 * @param inProcess     whether the node ran in the same JVM as the clients
 * @param pusher        the anchor's side
 * @param paths         one entry per viewer
 */
record LatencyReport(Instant at, Machine machine, RtmpAnchor.Settings settings, int seconds, double warmupMillis,
        boolean inProcess, Pusher pusher, List<PathResult> paths) {

    /**
     * The machine.
     *
     * @param cores       available processors
     * @param cpu         model name from {@code /proc/cpuinfo}
     * @param java        runtime name and version
     * @param os          OS name and kernel version
     * @param ffmpeg      FFmpeg version of the bytedeco natives
     * @param loadBefore  1-minute load average when the run started
     * @param loadAfter   1-minute load average when it ended
     */
    record Machine(int cores, String cpu, String java, String os, String ffmpeg, double loadBefore,
            double loadAfter) {
        static Machine now(String ffmpeg, double loadBefore) {
            return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"), ffmpeg, loadBefore,
                    loadAverage());
        }

        static double loadAverage() {
            return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }

        private static String cpuModel() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or not readable
            }
            return System.getProperty("os.arch");
        }
    }

    /**
     * The anchor's side.
     *
     * @param frames      pictures sent
     * @param keyframes   IDRs sent
     * @param audioFrames AAC frames sent
     * @param videoKbps   H.264 bit rate achieved, kbit/s
     * @param encode      stamp → access unit out of libopenh264, ms
     * @param failure     why the push ended early, or null
     */
    record Pusher(long frames, long keyframes, long audioFrames, double videoKbps, Summary encode, String failure) {
    }

    /**
     * One viewer's path.
     *
     * @param name                 e.g. {@code FLV ?lowlatency=1}
     * @param pictures             pictures decoded (warm-up included)
     * @param unreadable           pictures whose barcode failed its CRC
     * @param latency              glass-to-glass (stamp → decoded picture), after the warm-up
     * @param firstPictureMillis   request → first readable picture, ms
     * @param firstPictureLatency  that picture's latency, ms (its age: a GOP-cache start shows here)
     * @param steps                parts of the figure this path can see, by name
     * @param figures              other figures (e.g. libwebrtc's stats), by name
     * @param failure              what went wrong, or null
     */
    record PathResult(String name, long pictures, long unreadable, Summary latency, double firstPictureMillis,
            double firstPictureLatency, Map<String, Summary> steps, Map<String, Double> figures, String failure) {
        /** Share of decoded pictures whose barcode was read, 0..1 (0 without pictures). */
        double readable() {
            return pictures == 0 ? 0 : (pictures - unreadable) / (double) pictures;
        }
    }

    /** The table printed at the end of a run. */
    String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Live latency: RTMP anchor %dx%d@%d H.264 CBP %d kbit/s, GOP %d ms, "
                + "+ AAC; %d s measured per viewer after %.1f s warm-up; node %s%n", settings.width(),
                settings.height(), settings.fps(), settings.bitrate() / 1000, settings.gopMillis(), seconds,
                warmupMillis / 1000, inProcess ? "in-process on loopback" : "remote"));
        out.append(String.format(Locale.ROOT, "machine: %d cores, %s; %s; %s; FFmpeg %s; load %.2f -> %.2f%n%n",
                machine.cores(), machine.cpu(), machine.java(), machine.os(), machine.ffmpeg(), machine.loadBefore(),
                machine.loadAfter()));
        out.append(String.format(Locale.ROOT, "%-22s %8s %9s %7s %7s %7s %7s   %s%n", "path", "pictures", "readable",
                "p50 ms", "p90 ms", "p99 ms", "max ms", "first picture: after request / its latency"));
        for (PathResult path : paths) {
            Summary s = path.latency();
            out.append(String.format(Locale.ROOT, "%-22s %8d %8.1f%% %7s %7s %7s %7s   %s / %s%s%n", path.name(),
                    path.pictures(), 100 * path.readable(), ms(s.p50()), ms(s.p90()), ms(s.p99()), ms(s.max()),
                    ms(path.firstPictureMillis()), ms(path.firstPictureLatency()),
                    path.failure() == null ? "" : "   FAILED: " + path.failure()));
        }
        out.append(String.format(Locale.ROOT, "%n%-38s %7s %7s %7s %7s%n", "steps", "p50 ms", "p90 ms", "p99 ms",
                "max ms"));
        step(out, "pusher: stamp -> encoded", pusher.encode());
        for (PathResult path : paths) {
            for (Map.Entry<String, Summary> step : path.steps().entrySet()) {
                step(out, path.name() + ": " + step.getKey(), step.getValue());
            }
        }
        for (PathResult path : paths) {
            if (!path.figures().isEmpty()) {
                out.append(path.name()).append(": ");
                StringBuilder figures = new StringBuilder();
                for (Map.Entry<String, Double> figure : path.figures().entrySet()) {
                    figures.append(figures.length() == 0 ? "" : ", ").append(figure.getKey()).append(' ')
                            .append(ms(figure.getValue()));
                }
                out.append(figures).append(System.lineSeparator());
            }
        }
        out.append(String.format(Locale.ROOT, "pusher: %d pictures (%d IDR), %d AAC frames, %.0f kbit/s video%s%n",
                pusher.frames(), pusher.keyframes(), pusher.audioFrames(), pusher.videoKbps(),
                pusher.failure() == null ? "" : ", FAILED: " + pusher.failure()));
        return out.toString();
    }

    private static void step(StringBuilder out, String name, Summary s) {
        out.append(String.format(Locale.ROOT, "%-38s %7s %7s %7s %7s%n", name, ms(s.p50()), ms(s.p90()),
                ms(s.p99()), ms(s.max())));
    }

    private static String ms(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return Math.abs(value) >= 100 || value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    /** The report as one JSON object; NaN (nothing measured) is null. */
    String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("at", at.toString());
        ObjectNode m = root.putObject("machine");
        m.put("cores", machine.cores());
        m.put("cpu", machine.cpu());
        m.put("java", machine.java());
        m.put("os", machine.os());
        m.put("ffmpeg", machine.ffmpeg());
        number(m, "loadBefore", machine.loadBefore());
        number(m, "loadAfter", machine.loadAfter());
        ObjectNode a = root.putObject("anchor");
        a.put("width", settings.width());
        a.put("height", settings.height());
        a.put("fps", settings.fps());
        a.put("bitrate", settings.bitrate());
        a.put("gopMillis", settings.gopMillis());
        a.put("frames", pusher.frames());
        a.put("keyframes", pusher.keyframes());
        a.put("audioFrames", pusher.audioFrames());
        number(a, "videoKbps", pusher.videoKbps());
        summary(a.putObject("encodeMillis"), pusher.encode());
        a.put("failure", pusher.failure());
        root.put("seconds", seconds);
        root.put("warmupMillis", warmupMillis);
        root.put("inProcess", inProcess);
        var list = root.putArray("paths");
        for (PathResult path : paths) {
            ObjectNode p = list.addObject();
            p.put("name", path.name());
            p.put("pictures", path.pictures());
            p.put("unreadable", path.unreadable());
            number(p, "readable", path.readable());
            summary(p.putObject("latencyMillis"), path.latency());
            number(p, "firstPictureMillis", path.firstPictureMillis());
            number(p, "firstPictureLatencyMillis", path.firstPictureLatency());
            ObjectNode steps = p.putObject("stepsMillis");
            for (Map.Entry<String, Summary> step : path.steps().entrySet()) {
                summary(steps.putObject(step.getKey()), step.getValue());
            }
            ObjectNode figures = p.putObject("figures");
            for (Map.Entry<String, Double> figure : path.figures().entrySet()) {
                number(figures, figure.getKey(), figure.getValue());
            }
            p.put("failure", path.failure());
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static void summary(ObjectNode node, Summary s) {
        node.put("samples", s.samples());
        number(node, "p50", s.p50());
        number(node, "p90", s.p90());
        number(node, "p99", s.p99());
        number(node, "max", s.max());
        number(node, "mean", s.mean());
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(name);
        } else {
            node.put(name, Math.round(value * 100) / 100.0);
        }
    }
}
