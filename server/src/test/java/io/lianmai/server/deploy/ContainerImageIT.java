package io.lianmai.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.NetworkNamespace;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image {@code target/lianmai-image.tar} (built by {@code -Pimage}, and always in CI) as a container
 * runtime would use it: its config declares the server, its ports, a non-root user, the data volume and a health
 * check; unpacked layer by layer into a root file system and started with that config — entrypoint, command,
 * environment, working directory and user — in namespaces of its own (network, mount, PID, with /proc, /dev and
 * the root changed, as {@code docker run} does), it starts, answers {@code /healthz} on port 8800 from outside its
 * network namespace, passes its own health check command run inside it (as {@code docker exec} does), loads its
 * FFmpeg natives for an RTMP publisher's audio, writes its database into the volume as the image's user, and stops
 * cleanly on SIGTERM.
 *
 * <p>Running it needs root (namespaces, chroot, mounts), {@code ip}, {@code unshare} and {@code nsenter}
 * (util-linux): without them the run is skipped loudly, and fails under CI.
 */
class ContainerImageIT {
    private static final Path IMAGE = Path.of("target", "lianmai-image.tar").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);

    @TempDir
    static Path unpacked;

    private static JsonNode config;
    private static List<Path> layers;

    @BeforeAll
    static void unpackArchive() throws Exception {
        if (!Files.exists(IMAGE)) {
            ExternalTools.unavailable("no container image at " + IMAGE + ": build it with "
                    + "./mvnw -pl server -am verify -Pimage (CI builds it always)");
        }
        Path tar = ExternalTools.require("tar", "/usr/bin/tar", "/bin/tar");
        Path archive = Files.createDirectories(unpacked.resolve("archive"));
        run(List.of(tar.toString(), "-xf", IMAGE.toString(), "-C", archive.toString()), Duration.ofSeconds(60));
        JsonNode manifest = JSON.readTree(archive.resolve("manifest.json").toFile());
        assertThat(manifest).as("docker-archive manifest: one image").hasSize(1);
        config = JSON.readTree(archive.resolve(manifest.get(0).get("Config").asText()).toFile());
        layers = StreamSupport.stream(manifest.get(0).get("Layers").spliterator(), false)
                .map(layer -> archive.resolve(layer.asText())).toList();
        assertThat(config.at("/rootfs/diff_ids")).as("a diff id per layer").hasSize(layers.size());
    }

    @Test
    void configRunsTheServerAsANonRootUserWithItsPortsVolumeAndHealthCheck() {
        JsonNode container = config.get("config");
        assertThat(config.get("os").asText()).isEqualTo("linux");
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");
        assertThat(strings(container.get("Entrypoint"))).startsWith("/opt/java/bin/java")
                .endsWith("-cp", "@/app/jib-classpath-file", "io.lianmai.server.Main");
        assertThat(strings(container.get("Cmd"))).containsExactly("serve");
        assertThat(fieldNames(container.get("ExposedPorts")))
                .containsExactlyInAnyOrder("8800/tcp", "8801/udp", "8801/tcp", "1935/tcp");
        assertThat(container.get("User").asText()).isEqualTo("10001:10001");
        assertThat(container.get("WorkingDir").asText()).isEqualTo("/data");
        assertThat(fieldNames(container.get("Volumes"))).containsExactly("/data");
        assertThat(strings(container.get("Env"))).contains("LIANMAI_DATA_DIR=/data", "JAVA_HOME=/opt/java")
                .anyMatch(env -> env.startsWith("PATH=/opt/java/bin:"));
        assertThat(strings(container.at("/Healthcheck/Test"))).startsWith("CMD", "/opt/java/bin/java")
                .endsWith("io.lianmai.server.Main", "health");
    }

    @Test
    void layersHoldTheRuntimeTheAppAndADataDirectoryOwnedByTheUser() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        for (Path layer : layers) {
            // "drwxr-x--- 10001/10001 0 1970-01-01 00:00 data/": mode, owner, size, date, time, name.
            for (String line : run(List.of("tar", "--numeric-owner", "-tvzf", layer.toString()),
                    Duration.ofSeconds(60)).lines().toList()) {
                String[] fields = line.split("\\s+", 6);
                if (fields.length == 6) {
                    String name = fields[5].replaceFirst("^\\./", "").replaceFirst(" -> .*", "");
                    entries.put(name.endsWith("/") ? name.substring(0, name.length() - 1) : name,
                            fields[0] + " " + fields[1]);
                }
            }
        }
        assertThat(entries).containsKeys("opt/java/bin/java", "opt/java/lib/server/libjvm.so",
                "opt/java/lib/security/cacerts", "usr/lib/x86_64-linux-gnu/libc.so.6",
                "usr/lib/x86_64-linux-gnu/libstdc++.so.6", "usr/lib64/ld-linux-x86-64.so.2", "etc/passwd",
                "etc/nsswitch.conf", "app/jib-classpath-file", "usr/share/lianmai/base-packages.txt");
        assertThat(entries.keySet()).anyMatch(name -> name.matches("app/classpath/lianmai-server-.*\\.jar"))
                .anyMatch(name -> name.matches("app/libs/ffmpeg-.*-linux-x86_64\\.jar"))
                .noneMatch(name -> name.contains(".wh."));
        assertThat(entries.get("data")).isEqualTo("drwxr-x--- 10001/10001");
        assertThat(entries.get("home/lianmai")).isEqualTo("drwxr-x--- 10001/10001");
        assertThat(entries.get("tmp")).isEqualTo("drwxrwxrwt 0/0");
        assertThat(entries.get("opt/java/bin/java")).startsWith("-rwxr-xr-x 0/0");
    }

    @Test
    void startsAsItsUserAnswersHealthAndStopsCleanly() throws Exception {
        Path ip = ExternalTools.require("ip (Debian package iproute2)", "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip");
        Path unshare = ExternalTools.require("unshare (util-linux)", "/usr/bin/unshare");
        Path nsenter = ExternalTools.require("nsenter (util-linux)", "/usr/bin/nsenter");
        if (!"root".equals(System.getProperty("user.name"))) {
            ExternalTools.unavailable("running the image needs root (namespaces, chroot, mounts); this runs as "
                    + System.getProperty("user.name"));
        }
        Path rootfs = Files.createDirectories(unpacked.resolve("rootfs"));
        for (Path layer : layers) {
            run(List.of("tar", "--numeric-owner", "--same-owner", "-xpzf", layer.toString(), "-C", rootfs.toString()),
                    Duration.ofSeconds(120));
        }
        JsonNode container = config.get("config");
        String[] user = container.get("User").asText().split(":");
        List<String> command = new ArrayList<>(strings(container.get("Entrypoint")));
        command.addAll(strings(container.get("Cmd")));

        try (NetworkNamespace namespace = NetworkNamespace.create("image")) {
            List<String> launch = new ArrayList<>(namespace.command(unshare.toString(), "--mount", "--pid",
                    "--fork", "--kill-child", "--propagation", "private", "/bin/sh", "-ec", RUNTIME, "runtime",
                    rootfs.toString(), container.get("WorkingDir").asText(), user[0], user[1]));
            launch.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(launch).redirectErrorStream(true)
                    .redirectOutput(unpacked.resolve("container.log").toFile());
            builder.environment().clear();
            for (String env : strings(container.get("Env"))) {
                builder.environment().put(env.substring(0, env.indexOf('=')), env.substring(env.indexOf('=') + 1));
            }
            Process runtime = builder.start();
            try {
                String base = "http://" + namespace.address() + ":8800/";
                String log = awaitLog(runtime, "Press Ctrl-C to stop.");
                assertThat(log).contains("HTTP listening on 0.0.0.0:8800", "media listening on UDP 8801 and TCP 8801",
                        "RTMP listening on 0.0.0.0:1935", "Data       /data (embedded H2 database)",
                        "HTTP on the native transport (epoll)");

                HttpResponse<String> health = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(base + "healthz")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                JsonNode body = JSON.readTree(health.body());
                assertThat(body.get("status").asText()).isEqualTo("ok");
                assertThat(body.get("version").asText()).as("the version from the jar's manifest")
                        .isNotEqualTo("dev").isEqualTo(config.at("/config/Labels/org.opencontainers.image.version")
                                .asText());

                ProcessHandle java = runtime.descendants()
                        .filter(process -> process.info().command().orElse("").endsWith("/opt/java/bin/java"))
                        .findFirst().orElseThrow(() -> new AssertionError("no java process in the container"));
                assertThat(Files.readAllLines(Path.of("/proc", Long.toString(java.pid()), "status")))
                        .as("runs as the image's user").contains("Uid:\t" + user[0] + "\t" + user[0] + "\t"
                                + user[0] + "\t" + user[0]);

                // The image's health check, run as `docker exec` would: in the container's namespaces and root.
                List<String> check = new ArrayList<>(List.of(nsenter.toString(), "--target",
                        Long.toString(java.pid()), "--mount", "--pid", "--net", "--root", "--wd",
                        "--setuid", user[0], "--setgid", user[1]));
                List<String> test = strings(container.at("/Healthcheck/Test"));
                check.addAll(test.subList(1, test.size()));
                ProcessBuilder checkBuilder = new ProcessBuilder(check);
                checkBuilder.environment().clear();
                checkBuilder.environment().putAll(builder.environment());
                String checked = run(checkBuilder, Duration.ofSeconds(30));
                assertThat(checked).contains("200").contains("\"status\":\"ok\"");

                RtmpProbe.publishAndCheckFfmpegLoads(namespace, log, unpacked.resolve("container.log"),
                        rootfs.resolve("tmp/javacpp"));

                // The database went into the volume, owned by the image's user.
                Path database = rootfs.resolve("data/lianmai.mv.db");
                assertThat(database).exists();
                assertThat(Files.getAttribute(database, "unix:uid")).isEqualTo(Integer.parseInt(user[0]));

                java.destroy(); // SIGTERM, as docker stop sends
                assertThat(runtime.waitFor(30, TimeUnit.SECONDS)).as("stops within 30 s of SIGTERM").isTrue();
                assertThat(Files.readString(unpacked.resolve("container.log")))
                        .contains("stopping: telling signalling clients").contains("stopped (0 member(s)");
            } finally {
                runtime.descendants().forEach(ProcessHandle::destroyForcibly);
                runtime.destroyForcibly();
                runtime.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * What a container runtime does before it starts the entrypoint (in new mount and PID namespaces): /proc of
     * the new PID namespace, the usual /dev nodes, then the root, working directory and user of the image.
     * Arguments: rootfs, working directory, uid, gid, then the command.
     */
    private static final String RUNTIME = String.join("\n",
            "root=$1; wd=$2; uid=$3; gid=$4; shift 4",
            "mount -t proc proc \"$root/proc\"",
            "for node in null zero full random urandom tty; do",
            "  touch \"$root/dev/$node\"; mount --bind \"/dev/$node\" \"$root/dev/$node\"",
            "done",
            "exec unshare --root=\"$root\" --wd=\"$wd\" --setuid=\"$uid\" --setgid=\"$gid\" \"$@\"");

    private String awaitLog(Process runtime, String line) throws Exception {
        Path log = unpacked.resolve("container.log");
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains(line)) {
                return text;
            }
            if (!runtime.isAlive()) {
                throw new AssertionError("the container exited with " + runtime.exitValue() + ":\n" + text);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' within " + START_DEADLINE + ":\n" + Files.readString(log));
    }

    private static String run(List<String> command, Duration timeout) throws Exception {
        return run(new ProcessBuilder(command), timeout);
    }

    private static String run(ProcessBuilder builder, Duration timeout) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        byte[][] output = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", builder.command()) + " did not finish within " + timeout);
        }
        reader.join(timeout.toMillis());
        String text = new String(Optional.ofNullable(output[0]).orElse(new byte[0]), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", builder.command()) + ":\n" + text).isZero();
        return text;
    }

    private static List<String> strings(JsonNode array) {
        assertThat(array).as("a JSON array").isNotNull();
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static List<String> fieldNames(JsonNode object) {
        assertThat(object).as("a JSON object").isNotNull();
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
