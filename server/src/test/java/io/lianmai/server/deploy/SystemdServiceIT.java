package io.lianmai.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.NetworkNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/lianmai.service}'s command run as systemd would run it, inside the sandbox its directives ask for,
 * built by hand because this machine's PID 1 is not systemd (and booting one would touch the shared machine):
 * {@code ExecStart} with {@code %C}, {@code Environment=} and the env file's {@code JAVA_OPTS} expanded, as an
 * unprivileged user with no capabilities and no new privileges ({@code setpriv}), the file system read-only but for
 * the state and cache directories ({@code ProtectSystem=strict}), a private /tmp, /home hidden, the unit's
 * {@code LimitNOFILE} and {@code UMask}, in a network namespace of its own. The server starts, answers
 * {@code /healthz}, loads FFmpeg into the cache directory, keeps its database in the state directory, and stops on
 * SIGTERM within {@code TimeoutStopSec} with a status {@code SuccessExitStatus} counts as clean. Not reproduced:
 * {@code SystemCallFilter}, {@code RestrictAddressFamilies} and the other seccomp- and cgroup-based directives
 * ({@code SystemdUnitTest} has systemd check the unit). Needs root, {@code ip} and util-linux: skipped loudly
 * without them, failed under CI.
 */
class SystemdServiceIT {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "lianmai.jar").toAbsolutePath();
    /** An unprivileged uid with no name, as a dedicated system user would be; the server needs no passwd entry. */
    private static final String UID = "10002";

    @Test
    void serverRunsInTheUnitsSandboxAndStopsCleanly() throws Exception {
        Path unshare = ExternalTools.require("unshare (util-linux)", "/usr/bin/unshare");
        ExternalTools.require("setpriv (util-linux)", "/usr/bin/setpriv");
        ExternalTools.require("prlimit (util-linux)", "/usr/bin/prlimit");
        ExternalTools.require("java at the unit's path", "/usr/bin/java");
        if (!"root".equals(System.getProperty("user.name"))) {
            ExternalTools.unavailable("the unit's sandbox needs root (namespaces, mounts, another user)");
        }
        assertThat(JAR).as("the shaded jar is built in the package phase").exists();
        Map<String, String> unit = directives(Files.readAllLines(DEPLOY.resolve("lianmai.service")));

        // StateDirectory= and CacheDirectory=: made by systemd, owned by the service's user.
        Path root = Files.createDirectories(Path.of("target", "systemd-it").toAbsolutePath());
        Path state = fresh(root.resolve("state/" + unit.get("StateDirectory")));
        Path cache = fresh(root.resolve("cache/" + unit.get("CacheDirectory")));
        Path log = root.resolve("service.log");

        Map<String, String> environment = new LinkedHashMap<>(envFile(DEPLOY.resolve("lianmai.env")));
        String stateDirectory = "/var/lib/" + unit.get("StateDirectory");
        for (String assignment : unit.get("Environment").split(" ")) {
            int equals = assignment.indexOf('=');
            environment.put(assignment.substring(0, equals),
                    assignment.substring(equals + 1).replace(stateDirectory, state.toString()));
        }
        environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        assertThat(unit.get("WorkingDirectory")).isEqualTo(stateDirectory);
        List<String> command = new ArrayList<>();
        for (String word : unit.get("ExecStart").split(" ")) {
            if (word.equals("$JAVA_OPTS")) {
                command.addAll(Arrays.asList(environment.getOrDefault("JAVA_OPTS", "").split(" ")));
            } else {
                command.add(word.replace("%C/" + unit.get("CacheDirectory"), cache.toString())
                        .replace("/opt/lianmai/lianmai.jar", JAR.toString()));
            }
        }
        int stopSeconds = Integer.parseInt(unit.get("TimeoutStopSec"));

        try (NetworkNamespace namespace = NetworkNamespace.create("systemd")) {
            List<String> launch = new ArrayList<>(namespace.command(unshare.toString(), "--mount", "--propagation",
                    "private", "/bin/sh", "-ec", SANDBOX, "sandbox", state.toString(), cache.toString(),
                    unit.get("LimitNOFILE"), unit.get("UMask"), UID));
            launch.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(launch).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process service = builder.start();
            try {
                String banner = awaitLog(service, log, "Press Ctrl-C to stop.");
                assertThat(banner).contains("HTTP listening on 0.0.0.0:8800", "RTMP listening on 0.0.0.0:1935",
                        "media listening on UDP 8801 and TCP 8801", "Data       " + state);
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + namespace.address() + ":8800/healthz"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"status\":\"ok\"");

                // ip netns exec, unshare, sh, prlimit and setpriv each exec the next: the service is the JVM.
                ProcessHandle java = Stream.concat(Stream.of(service.toHandle()), service.descendants())
                        .filter(process -> process.info().command().orElse("").endsWith("/java"))
                        .findFirst().orElseThrow(() -> new AssertionError("no java process"));
                List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(java.pid()), "status"));
                assertThat(status).contains("Uid:\t" + UID + "\t" + UID + "\t" + UID + "\t" + UID, "NoNewPrivs:\t1",
                        "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000");
                String nofile = unit.get("LimitNOFILE");
                if (banner.contains("sandbox: LimitNOFILE=")) {
                    // A container that may not raise limits (this machine): the JVM still gets the most it can.
                    System.err.println("SKIPPED: LimitNOFILE=" + nofile + " itself: " + banner.lines()
                            .filter(line -> line.startsWith("sandbox:")).findFirst().orElseThrow());
                    nofile = banner.replaceAll("(?s).*no CAP_SYS_RESOURCE\\): (\\d+).*", "$1");
                }
                String limit = nofile;
                assertThat(Files.readAllLines(Path.of("/proc", Long.toString(java.pid()), "limits")))
                        .anyMatch(line -> line.matches("Max open files\\s+" + limit + "\\s+" + limit + "\\s+files\\s*"));

                RtmpProbe.publishAndCheckFfmpegLoads(namespace, banner, log, cache.resolve("javacpp"));
                Path database = state.resolve("lianmai.mv.db");
                assertThat(database).exists();
                assertThat(Files.getAttribute(database, "unix:uid")).isEqualTo(Integer.parseInt(UID));
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(database)))
                        .as("UMask=" + unit.get("UMask")).endsWith("---");

                Instant stopping = Instant.now();
                java.destroy(); // systemctl stop: KillSignal=SIGTERM
                assertThat(service.waitFor(stopSeconds, TimeUnit.SECONDS)).as("stops within TimeoutStopSec").isTrue();
                System.out.println("SystemdServiceIT: stopped " + Duration.between(stopping, Instant.now()).toMillis()
                        + " ms after SIGTERM");
                assertThat(unit.get("SuccessExitStatus").split(" ")).contains(Integer.toString(service.exitValue()));
                assertThat(Files.readString(log)).contains("stopped (");
            } finally {
                service.descendants().forEach(ProcessHandle::destroyForcibly);
                service.destroyForcibly();
                service.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The unit's sandbox, in a new mount namespace: the state and cache directories stay writable
     * ({@code StateDirectory=}, {@code CacheDirectory=}), everything else read-only ({@code ProtectSystem=strict}),
     * /tmp and /var/tmp private ({@code PrivateTmp=}), /home and /root empty ({@code ProtectHome=}); then the
     * limits, umask, user, no capabilities and no new privileges, and the working directory. Arguments: state
     * directory, cache directory, LimitNOFILE, UMask, uid, then the command.
     */
    private static final String SANDBOX = String.join("\n",
            "state=$1; cache=$2; nofile=$3; umask=$4; uid=$5; shift 5",
            "mount --bind \"$state\" \"$state\"; mount --bind \"$cache\" \"$cache\"",
            "mount -o remount,bind,ro /",
            "mount -t tmpfs -o mode=1777 tmpfs /tmp; mount -t tmpfs -o mode=1777 tmpfs /var/tmp",
            "mount -t tmpfs -o ro,mode=755 tmpfs /home; mount -t tmpfs -o ro,mode=700 tmpfs /root",
            "if ! prlimit --nofile=\"$nofile:$nofile\" true 2>/dev/null; then",
            "  echo \"sandbox: LimitNOFILE=$nofile cannot be set here (no CAP_SYS_RESOURCE): $(ulimit -Hn)\"",
            "  nofile=$(ulimit -Hn)",
            "fi",
            "cd \"$state\"",
            "umask \"$umask\"",
            "exec prlimit --nofile=\"$nofile:$nofile\" setpriv --reuid=\"$uid\" --regid=\"$uid\" --clear-groups "
                    + "--no-new-privs --bounding-set=-all --inh-caps=-all \"$@\"");

    private static Path fresh(Path directory) throws Exception {
        if (Files.exists(directory)) {
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setAttribute(directory, "unix:uid", Integer.parseInt(UID));
        Files.setAttribute(directory, "unix:gid", Integer.parseInt(UID));
        return directory;
    }

    /** The [Service] directives, the last assignment winning (Environment= lines joined). */
    private static Map<String, String> directives(List<String> lines) {
        Map<String, String> directives = new LinkedHashMap<>();
        for (String line : lines) {
            String text = line.strip();
            int equals = text.indexOf('=');
            if (text.isEmpty() || text.startsWith("#") || text.startsWith("[") || equals < 0) {
                continue;
            }
            String key = text.substring(0, equals);
            String value = text.substring(equals + 1);
            directives.merge(key, value, (old, added) -> key.equals("Environment") ? old + " " + added : added);
        }
        return directives;
    }

    /** systemd's EnvironmentFile= format: KEY=VALUE lines, # comments, double quotes removed. */
    private static Map<String, String> envFile(Path file) throws Exception {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String text = line.strip();
            int equals = text.indexOf('=');
            if (text.isEmpty() || text.startsWith("#") || equals < 0) {
                continue;
            }
            String value = text.substring(equals + 1);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            environment.put(text.substring(0, equals), value);
        }
        return environment;
    }

    private static String awaitLog(Process service, Path log, String line) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains(line)) {
                return text;
            }
            if (!service.isAlive()) {
                throw new AssertionError("the service exited with " + service.exitValue() + ":\n" + text);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' within 90 s:\n" + Files.readString(log));
    }
}
