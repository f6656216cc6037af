package io.lianmai.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.config.ConfigKey;
import io.lianmai.testkit.ExternalTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/lianmai.service} and {@code deploy/lianmai.env}: systemd accepts the unit ({@code systemd-analyze
 * verify}) and rates its sandbox well ({@code systemd-analyze security --offline}); the unit keeps what the server
 * needs (UDP and TCP sockets, its data and cache directories, a private /tmp, a JIT, a stop timeout beyond its
 * graceful shutdown), and the env file names only real configuration keys. Skips loudly without systemd-analyze
 * (Debian package {@code systemd}), fails under CI.
 */
class SystemdUnitTest {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final Path UNIT = DEPLOY.resolve("lianmai.service");
    private static final Path ENV = DEPLOY.resolve("lianmai.env");

    @TempDir
    Path directory;

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        Path analyze = ExternalTools.require("systemd-analyze (Debian package systemd)", "/usr/bin/systemd-analyze",
                "/bin/systemd-analyze");
        Path copy = Files.copy(UNIT, directory.resolve("lianmai.service"));

        Result verified = run(analyze.toString(), "verify", copy.toString());

        assertThat(verified.status).as(verified.output).isZero();
        assertThat(verified.output).as("no warning about the unit").doesNotContain("lianmai.service");
    }

    @Test
    void theSandboxRatesOkOrBetter() throws Exception {
        Path analyze = ExternalTools.require("systemd-analyze (Debian package systemd)", "/usr/bin/systemd-analyze",
                "/bin/systemd-analyze");
        Path copy = Files.copy(UNIT, directory.resolve("lianmai.service"));

        Result rated = run(analyze.toString(), "security", "--offline=true", "--no-pager", copy.toString());

        Matcher level = Pattern.compile("Overall exposure level for lianmai.service: (\\d+\\.\\d+)")
                .matcher(rated.output);
        if (!level.find() && rated.output.contains("--offline")) {
            ExternalTools.unavailable("systemd-analyze security --offline needs systemd 250 or later: "
                    + rated.output.strip());
        }
        assertThat(level.find(0)).as(rated.output).isTrue();
        // 0 is a perfect sandbox, 10 none; systemd calls up to 2.0 "OK" (1.7 when written; UMask 0027 and the
        // JIT's writable-executable memory cost the rest).
        assertThat(Double.parseDouble(level.group(1))).as(rated.output).isLessThanOrEqualTo(2.0);
    }

    @Test
    void theUnitKeepsWhatTheServerNeeds() throws Exception {
        List<String> lines = Files.readAllLines(UNIT).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();

        assertThat(lines).contains("User=lianmai", "StateDirectory=lianmai", "CacheDirectory=lianmai",
                "Environment=LIANMAI_DATA_DIR=/var/lib/lianmai", "PrivateTmp=yes", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "SuccessExitStatus=143", "Restart=on-failure");
        assertThat(value(lines, "ExecStart")).startsWith("/usr/bin/java ")
                .contains("-Dorg.bytedeco.javacpp.cachedir=%C/lianmai/javacpp")
                .endsWith("-jar /opt/lianmai/lianmai.jar serve");
        // WebRTC media is UDP, signalling and ICE-TCP TCP; netlink lists the interface addresses for ICE.
        assertThat(value(lines, "RestrictAddressFamilies").split(" "))
                .contains("AF_INET", "AF_INET6", "AF_NETLINK");
        // The JIT compiler writes code and runs it.
        assertThat(lines).noneMatch(line -> line.startsWith("MemoryDenyWriteExecute"));
        assertThat(Integer.parseInt(value(lines, "LimitNOFILE"))).isGreaterThanOrEqualTo(65536);
        // The server tells its clients within 3 s and bounds each later step; systemd must not kill it first.
        assertThat(Integer.parseInt(value(lines, "TimeoutStopSec"))).isGreaterThanOrEqualTo(30);
    }

    @Test
    void theEnvFileNamesOnlyRealConfigurationKeys() throws Exception {
        Set<String> known = Arrays.stream(ConfigKey.values()).map(ConfigKey::environmentVariable)
                .collect(Collectors.toSet());
        List<String> named = new ArrayList<>();
        Matcher variable = Pattern.compile("^#?(LIANMAI_[A-Z0-9_]+)=", Pattern.MULTILINE)
                .matcher(Files.readString(ENV));
        while (variable.find()) {
            named.add(variable.group(1));
        }

        assertThat(named).contains("LIANMAI_CLUSTER_REDIS", "LIANMAI_CLUSTER_SECRET", "LIANMAI_CLUSTER_NODE_ID",
                "LIANMAI_CLUSTER_INTERNAL_URL", "LIANMAI_STORE_JDBC_URL");
        assertThat(named).allSatisfy(name -> assertThat(known).as("a ConfigKey's variable").contains(name));
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(line -> line.startsWith(key + "=")).map(line -> line.substring(key.length() + 1))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no " + key + "="));
    }

    private static Result run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private record Result(int status, String output) {
    }
}
