package io.lianmai.bench.load;

import io.lianmai.common.SdkAppId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Lianmai server started as a child process ({@code java -jar lianmai.jar serve}) on loopback with free ports, a
 * fresh data directory and its default app: a process of its own, so that its CPU time and memory in {@code /proc}
 * are the server's alone. The base URL and the app's key come from the banner it prints; its output goes to
 * {@code server.log} in the data directory's parent.
 */
public final class ChildServer implements ServerTarget {
    private static final long START_TIMEOUT_SECONDS = 90;

    private final Process process;
    private final Path dir;
    private final URI baseUrl;
    private final SdkAppId sdkAppId;
    private final String secretKey;
    private final int rtmpPort;
    private final Path jar;
    private final String javaCommand;

    private ChildServer(Process process, Path dir, URI baseUrl, SdkAppId sdkAppId, String secretKey, int rtmpPort,
            Path jar, String javaCommand) {
        this.process = process;
        this.dir = dir;
        this.baseUrl = baseUrl;
        this.sdkAppId = sdkAppId;
        this.secretKey = secretKey;
        this.rtmpPort = rtmpPort;
        this.jar = jar;
        this.javaCommand = javaCommand;
    }

    /**
     * Starts {@code jar} with {@code javaOptions} (space-separated) and {@code settings} ({@code key=value}, after
     * the bench's own, so they win) and waits for its banner.
     *
     * @throws IllegalStateException when it exits or prints no banner in time, with the end of its output
     */
    public static ChildServer start(Path jar, String javaOptions, List<String> settings) {
        return start(jar, javaOptions, settings, null);
    }

    /**
     * As {@link #start(Path, String, List)}, on the CPUs {@code cpus} names ({@code taskset -c} syntax, e.g.
     * {@code 0,1}; null: wherever this process may run), so that a generator pinned to its own share can give the
     * server the rest.
     */
    public static ChildServer start(Path jar, String javaOptions, List<String> settings, String cpus) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no server jar at " + jar + ": build it with ./mvnw -pl server -am "
                    + "package -DskipTests (./lianmai bench does), or pass --server-jar or --url");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("lianmai-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            if (!cpus.matches("[0-9]+([,-][0-9]+)*")) {
                throw new IllegalArgumentException("--server-cpus takes a CPU list such as 0,1 or 0-3: " + cpus);
            }
            command.addAll(List.of("taskset", "-c", cpus)); // taskset execs java: the pid stays the server's
        }
        command.add(java);
        for (String option : javaOptions.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "serve",
                "--data-dir", dir.resolve("data").toString(),
                "--set", "http.host=127.0.0.1", "--set", "http.port=0",
                "--set", "media.host=127.0.0.1", "--set", "media.udpPort=0", "--set", "media.tcpPort=0",
                "--set", "media.publicIp=127.0.0.1",
                "--set", "rtmp.host=127.0.0.1", "--set", "rtmp.port=0"));
        for (String setting : settings) {
            command.add("--set");
            command.add(setting);
        }
        Process process;
        try {
            // Its own working directory: whatever it writes relative to it (uploads) stays apart and can be checked.
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        Banner banner = new Banner();
        Thread reader = new Thread(() -> banner.read(process, dir.resolve("server.log")), "lianmai-bench-server-log");
        reader.setDaemon(true);
        reader.start();
        try {
            boolean ready = banner.ready.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!ready || banner.url == null || banner.secretKey == null) {
                process.destroyForcibly();
                throw new IllegalStateException("the server did not start within " + START_TIMEOUT_SECONDS
                        + " s (exit " + (process.isAlive() ? "-" : process.exitValue()) + "); its last output:\n"
                        + banner.tail());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the server started", e);
        }
        return new ChildServer(process, dir, URI.create(banner.url.replace("//localhost:", "//127.0.0.1:")),
                banner.sdkAppId, banner.secretKey, banner.rtmpPort, jar.toAbsolutePath(), java);
    }

    /** Reads the child's output: logs it, remembers the tail and picks out the banner's values. */
    private static final class Banner {
        final CountDownLatch ready = new CountDownLatch(1);
        final Deque<String> tail = new ArrayDeque<>();
        volatile String url;
        volatile SdkAppId sdkAppId;
        volatile String secretKey;
        volatile int rtmpPort = -1;

        void read(Process process, Path log) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 40) {
                            tail.removeFirst();
                        }
                    }
                    String trimmed = line.trim();
                    if (trimmed.startsWith("URL ")) {
                        url = trimmed.substring(4).trim();
                    } else if (trimmed.startsWith("SDKAppID ")) {
                        sdkAppId = SdkAppId.parse(trimmed.substring(9));
                    } else if (trimmed.startsWith("SecretKey ")) {
                        secretKey = trimmed.substring(10).trim();
                    } else if (trimmed.startsWith("RTMP ") && trimmed.contains("<host>:")) {
                        String rest = trimmed.substring(trimmed.indexOf("<host>:") + 7);
                        rtmpPort = Integer.parseInt(rest.substring(0, rest.indexOf('/')));
                    } else if (trimmed.startsWith("Press Ctrl-C")) {
                        ready.countDown();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The process ended or the log cannot be written: the start timeout reports it.
            } finally {
                ready.countDown();
            }
        }

        String tail() {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }
    }

    @Override
    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public SdkAppId sdkAppId() {
        return sdkAppId;
    }

    @Override
    public String secretKey() {
        return secretKey;
    }

    /** The RTMP listener's port, or -1 when RTMP is off. */
    public int rtmpPort() {
        return rtmpPort;
    }

    /** The server's working directory (its data directory is {@code data} in it). */
    Path workingDirectory() {
        return dir;
    }

    /** Whether the process still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Runs the server jar's command line ({@code java -jar lianmai.jar ARGS --data-dir DIR}) against this server's
     * data, as an operator would while it runs, and returns its exit status and output (bounded to 60 s).
     */
    public CliResult cli(List<String> args) {
        List<String> command = new ArrayList<>(List.of(javaCommand, "-jar", jar.toString()));
        command.addAll(args);
        command.add("--data-dir");
        command.add(dir.resolve("data").toString());
        try {
            Process cli = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            cli.getOutputStream().close();
            byte[] out = cli.getInputStream().readNBytes(1 << 20);
            if (!cli.waitFor(60, TimeUnit.SECONDS)) {
                cli.destroyForcibly();
                return new CliResult(-1, "timed out: " + String.join(" ", args));
            }
            return new CliResult(cli.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new CliResult(-1, "cannot run the CLI: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CliResult(-1, "interrupted");
        }
    }

    /** What a {@link #cli} command did. */
    public record CliResult(int exitCode, String output) {
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    @Override
    public String describe() {
        return "child server pid " + process.pid() + " at " + baseUrl + " (log " + dir.resolve("server.log") + ")";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A temp directory left behind is harmless.
        }
    }
}
