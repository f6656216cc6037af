package io.lianmai.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.testkit.ExternalTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Tencent's official Node SDK for Tencent Cloud API 3.0, {@code tencentcloud-sdk-nodejs} at a pinned version,
 * installed with npm under the module's {@code target/} and driven through {@code nodesdk/trtc_calls.js} (a test
 * resource): its TRTC client ({@code tencentcloud.trtc.v20190722.Client}) with only the endpoint and protocol
 * changed, as a TRTC customer's backend points it at Lianmai.
 *
 * <p>Tencent publishes per-product Node packages for some products ({@code tencentcloud-sdk-nodejs-cvm}…) but none
 * for TRTC ({@code npm view tencentcloud-sdk-nodejs-trtc} is a 404), so this is the all-products package, the one
 * Tencent's README names for every product.
 *
 * <p>Missing {@code node} or {@code npm} skips the test loudly, or fails it under CI ({@link ExternalTools}). An npm
 * registry that cannot be reached skips it loudly too, and fails it under CI, which must reach the registry; any
 * other install failure fails it everywhere.
 */
final class TencentNodeSdk {
    /** Pinned exactly: the latest when this test was written ({@code npm view tencentcloud-sdk-nodejs version}). */
    static final String VERSION = "4.1.313";
    private static final String PACKAGE = "tencentcloud-sdk-nodejs";
    private static final Duration INSTALL_DEADLINE = Duration.ofSeconds(180);
    private static final Duration RUN_DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What npm prints when it cannot reach the registry (DNS, refused, reset, timed out, offline). */
    private static final List<String> UNREACHABLE = List.of("enotfound", "eai_again", "econnrefused", "econnreset",
            "etimedout", "enetunreach", "ehostunreach", "network request", "enotcached", "socket hang up");

    private final Path node;
    private final Path dir;
    private final Path script;

    private TencentNodeSdk(Path node, Path dir, Path script) {
        this.node = node;
        this.dir = dir;
        this.script = script;
    }

    /** One call: {@code action} with {@code params} (TRTC's request fields), signed with this credential. */
    record Call(CloudApiClient.Key key, String action, ObjectNode params) {
    }

    /**
     * The SDK in {@code dir} (e.g. {@code target/node-sdk}), installed there unless that version already is.
     * Skips or fails the test as described above.
     */
    static TencentNodeSdk install(Path dir) throws IOException, InterruptedException {
        Path node = ExternalTools.require("Node.js (Debian package nodejs)", "/usr/bin/node", "/usr/local/bin/node",
                "/usr/bin/nodejs");
        Path npm = ExternalTools.require("npm (shipped with Node.js; Debian package npm)", "/usr/bin/npm",
                "/usr/local/bin/npm");
        Path script = resource("/nodesdk/trtc_calls.js");
        if (!installedVersion(dir).equals(VERSION)) {
            Files.createDirectories(dir);
            Path log = dir.resolve("npm-install.log");
            Process npmInstall = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund",
                    "--no-update-notifier", "--save-exact", "--prefix", dir.toString(), PACKAGE + "@" + VERSION)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = npmInstall.waitFor(INSTALL_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                npmInstall.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log);
            if (!finished || npmInstall.exitValue() != 0) {
                String what = "npm install " + PACKAGE + "@" + VERSION + (finished ? " exited "
                        + npmInstall.exitValue() : " did not finish within " + INSTALL_DEADLINE) + ":\n" + output;
                if (!finished || unreachable(output)) {
                    registryUnreachable(what);
                }
                throw new AssertionError(what);
            }
            if (!installedVersion(dir).equals(VERSION)) {
                throw new AssertionError("npm install succeeded but " + PACKAGE + " " + VERSION + " is not in " + dir
                        + ":\n" + output);
            }
        }
        return new TencentNodeSdk(node, dir, script);
    }

    /**
     * Runs {@code calls} in order through the SDK's TRTC client pointed at {@code http://127.0.0.1:port}; one line
     * per call: {@code action}, {@code request} (the headers the SDK sent) and {@code response} or
     * {@code error.code}/{@code error.message}.
     */
    List<JsonNode> run(int port, List<Call> calls) throws IOException, InterruptedException {
        ObjectNode plan = JSON.createObjectNode().put("endpoint", "127.0.0.1:" + port);
        ArrayNode planned = plan.putArray("calls");
        for (Call call : calls) {
            planned.addObject().put("secretId", call.key().secretId()).put("secretKey", call.key().secretKey())
                    .put("action", call.action()).set("params", call.params());
        }
        Path stdout = dir.resolve("trtc_calls.stdout.txt");
        Path stderr = dir.resolve("trtc_calls.stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(node.toString(), script.toString(), dir.toString(),
                plan.toString()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        // The SDK sends through $http_proxy when set: loopback must not go through a proxy.
        Map<String, String> environment = builder.environment();
        List.of("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY").forEach(environment::remove);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(RUN_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("trtc_calls.js did not finish within " + RUN_DEADLINE + ":\n"
                    + Files.readString(stderr));
        }
        String out = Files.readString(stdout);
        if (process.exitValue() != 0) {
            throw new AssertionError("trtc_calls.js exited " + process.exitValue() + ":\n" + Files.readString(stderr)
                    + out);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        if (lines.size() != calls.size()) {
            throw new AssertionError(calls.size() + " calls but " + lines.size() + " answers:\n" + out
                    + Files.readString(stderr));
        }
        return lines;
    }

    /** The installed version of the SDK in {@code dir}, or "" when none. */
    private static String installedVersion(Path dir) throws IOException {
        Path manifest = dir.resolve("node_modules").resolve(PACKAGE).resolve("package.json");
        return Files.isRegularFile(manifest) ? JSON.readTree(manifest.toFile()).path("version").asText() : "";
    }

    private static boolean unreachable(String npmOutput) {
        String lower = npmOutput.toLowerCase(Locale.ROOT);
        return UNREACHABLE.stream().anyMatch(lower::contains);
    }

    /** Not a missing tool but a network the machine does not have: skip loudly, except under CI. */
    private static void registryUnreachable(String what) {
        if (ExternalTools.isCi()) {
            throw new AssertionError("CI must reach the npm registry to install Tencent's Node SDK, and could not: "
                    + what);
        }
        String message = "SKIPPED: the npm registry is unreachable, so Tencent's Node SDK cannot be installed "
                + "(CI fails here instead): " + what;
        System.err.println(message);
        Assumptions.abort(message);
    }

    private static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(TencentNodeSdk.class.getResource(name), name).toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException("test resource " + name, e));
        }
    }
}
