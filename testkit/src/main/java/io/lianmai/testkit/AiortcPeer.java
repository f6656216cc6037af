package io.lianmai.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A WHIP publisher or WHEP viewer on aiortc, a WebRTC stack written independently of libwebrtc (Python; Debian's
 * {@code python3-aiortc}, run with {@code /usr/bin/python3}). It runs {@code aiortc_peer.py} (beside this class)
 * as a child process and reads the JSON lines it prints: when its POST was answered, when it connected, a viewer's
 * first decoded frame (ms after its POST) and every half second its decoded frames, audio frames, the received
 * tone's frequency, the picture's brightness and the latest REMB its own receive-side estimator sent; a publisher's
 * every half second the latest REMB its video sender got and its video encoder's target bitrate. Closing it
 * closes the script's stdin, which ends the session.
 */
public final class AiortcPeer implements AutoCloseable {
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path scriptFile;
    private final Process process;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final StringBuilder stderr = new StringBuilder();

    private AiortcPeer(List<String> command) {
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("aiortc-stdout", () -> {
            try (BufferedReader lines = reader(process.getInputStream())) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("{")) {
                        events.add(JSON.readTree(line));
                    }
                }
            }
        });
        daemon("aiortc-stderr", () -> {
            try (BufferedReader lines = reader(process.getErrorStream())) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (stderr) {
                        if (stderr.length() < 20_000) {
                            stderr.append(line).append('\n');
                        }
                    }
                }
            }
        });
    }

    /** Publishes over WHIP: a 640×360 picture at 30 fps in {@code codec} ("vp8" or "h264") and a {@code toneHz} sine. */
    public static AiortcPeer publish(URI whip, String userSig, String codec, double toneHz) {
        return new AiortcPeer(List.of(PYTHON, script().toString(), "publish", whip.toString(), userSig, "--codec",
                codec, "--tone", String.valueOf(toneHz)));
    }

    /**
     * Publishes VP8 of faint random noise at 640×360 and 30 fps, on which its encoder spends about its target bitrate
     * (aiortc's VP8: 500 kbit/s until a REMB), so that it sends what REMB allows, and a 440 Hz tone. With {@code
     * relayPort} &gt; 0 through a test relay: the WHIP answer's UDP candidates on {@code serverPort} are pointed at
     * {@code relayPort} (as {@link ShapedUdpRelay#redirect} does), its TCP candidates dropped.
     */
    public static AiortcPeer publishNoise(URI whip, String userSig, int serverPort, int relayPort) {
        return new AiortcPeer(List.of(PYTHON, script().toString(), "publish", whip.toString(), userSig, "--codec",
                "vp8", "--noise", "--redirect", relayPort > 0 ? serverPort + ":" + relayPort : ""));
    }

    /**
     * Publishes {@link AvSyncSignal}'s pattern over WHIP in VP8 and Opus, made on the wall clock as aiortc paces each
     * track (a white flash and a 1000 Hz beep for the first 0.2 s of every second), through a test relay as
     * {@link #publishNoise} does. aiortc's sender reports map each track's RTP time to when it sent it.
     */
    public static AiortcPeer publishAvSync(URI whip, String userSig, int serverPort, int relayPort) {
        return new AiortcPeer(List.of(PYTHON, script().toString(), "publish", whip.toString(), userSig, "--codec",
                "vp8", "--avsync", "--redirect", serverPort + ":" + relayPort));
    }

    /** Plays over WHEP, receiving one audio and one video track. */
    public static AiortcPeer play(URI whep, String userSig) {
        return new AiortcPeer(List.of(PYTHON, script().toString(), "play", whep.toString(), userSig));
    }

    /**
     * Plays over WHEP through a test relay: the answer's UDP candidates on {@code serverPort} are pointed at
     * {@code relayPort} (as {@link ShapedUdpRelay#redirect} does), its TCP candidates dropped.
     */
    public static AiortcPeer play(URI whep, String userSig, int serverPort, int relayPort) {
        return new AiortcPeer(List.of(PYTHON, script().toString(), "play", whep.toString(), userSig, "--redirect",
                serverPort + ":" + relayPort));
    }

    /** Skips the test (fails it under CI) unless Debian's python3 with aiortc is installed. */
    public static void requireInstalled() {
        ExternalTools.require("python3 (Debian package python3-aiortc)", PYTHON);
        try {
            Process probe = new ProcessBuilder(PYTHON, "-c", "import aiortc").redirectErrorStream(true).start();
            if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                probe.destroyForcibly();
                ExternalTools.unavailable("aiortc is not installed for " + PYTHON + " (Debian package python3-aiortc)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The first event named {@code name}, waiting up to {@code timeout}; fails if an error event comes first. */
    public JsonNode await(String name, Duration timeout) {
        JsonNode[] found = new JsonNode[1];
        Await.until("aiortc " + name, timeout, () -> {
            found[0] = first(name).orElse(null);
            Optional<JsonNode> error = first("error");
            if (found[0] == null && (error.isPresent() || !process.isAlive())) {
                throw new AssertionError("aiortc failed before " + name + ": " + diagnostics());
            }
            return found[0] != null;
        }, this::diagnostics);
        return found[0];
    }

    /** The latest periodic statistics of a viewer (empty until the first report). */
    public Optional<JsonNode> stats() {
        return latest("stats");
    }

    /**
     * The latest periodic report of a publisher's video sender (empty until the first): {@code remb_bps}, the latest
     * REMB it got for its SSRC (0 before one), {@code rembs}, REMBs read, and {@code target_bps}, its encoder's
     * target bitrate (0 before the encoder starts).
     */
    public Optional<JsonNode> senderStats() {
        return latest("sender");
    }

    /** The bitrate of the latest REMB the publisher's video sender got, bit/s; 0 before the first. */
    public long rembReceivedBitrate() {
        return senderStats().map(s -> s.path("remb_bps").asLong()).orElse(0L);
    }

    /** The publisher's video encoder's target bitrate, bit/s (aiortc follows REMB with it); 0 before it starts. */
    public long encoderTargetBitrate() {
        return senderStats().map(s -> s.path("target_bps").asLong()).orElse(0L);
    }

    private Optional<JsonNode> latest(String name) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).path("event").asText().equals(name)) {
                return Optional.of(events.get(i));
            }
        }
        return Optional.empty();
    }

    /** Decoded video frames so far (viewer). */
    public long framesDecoded() {
        return stats().map(s -> s.path("frames").asLong()).orElse(0L);
    }

    /** The received audio's dominant frequency over the last second, 0 for silence (viewer). */
    public double toneHz() {
        return stats().map(s -> s.path("tone_hz").asDouble()).orElse(0.0);
    }

    /** The width of the last decoded video frame, 0 before the first (viewer). */
    public int frameWidth() {
        return stats().map(s -> s.path("width").asInt()).orElse(0);
    }

    /** Received audio frames so far (viewer). */
    public long audioFrames() {
        return stats().map(s -> s.path("audio_frames").asLong()).orElse(0L);
    }

    /**
     * The bitrate in the latest REMB the viewer sent (aiortc estimates it from the abs-send-time of the video it
     * receives), bit/s; 0 before the first.
     */
    public long rembBitrate() {
        return stats().map(s -> s.path("remb_bps").asLong()).orElse(0L);
    }

    /** What the script printed, for failure messages. */
    public String diagnostics() {
        List<JsonNode> seen = new ArrayList<>();
        for (JsonNode event : events) {
            String name = event.path("event").asText();
            if (!name.equals("stats") && !name.equals("sender")) {
                seen.add(event);
            }
        }
        stats().ifPresent(seen::add);
        senderStats().ifPresent(seen::add);
        String tail;
        synchronized (stderr) {
            tail = stderr.toString();
        }
        return "events " + seen + " (the last stats and sender reports only); stderr: " + tail;
    }

    private Optional<JsonNode> first(String name) {
        return events.stream().filter(e -> e.path("event").asText().equals(name)).findFirst();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private static void daemon(String name, IoTask task) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } catch (IOException e) {
                // The process ended: nothing more to read.
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The script, copied once per JVM out of the jar into a temporary file python can run. */
    private static synchronized Path script() {
        try {
            if (scriptFile == null) {
                Path file = Files.createTempFile("aiortc_peer", ".py");
                file.toFile().deleteOnExit();
                try (InputStream in = AiortcPeer.class.getResourceAsStream("aiortc_peer.py")) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                scriptFile = file;
            }
            return scriptFile;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
