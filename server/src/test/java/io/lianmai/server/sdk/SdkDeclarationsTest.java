package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.ExternalTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SDKs' declaration files ({@code sdk/core/lianmai-core.d.ts}, {@code sdk/web/lianmai-web.d.ts},
 * {@code sdk/wx/lianmai-wx.d.ts}) compile with {@code --strict}, accept the API as the READMEs use it, and declare
 * exactly the public members the SDKs have ({@code sdk/test/check-declarations.js}). The build needs only a JDK, so
 * this needs Node and Debian's TypeScript ({@code node-typescript}) and skips loudly without them (fails under CI,
 * which installs them).
 */
class SdkDeclarationsTest {

    @Test
    void theDeclarationsCompileAndMatchTheSdks() throws Exception {
        Path node = ExternalTools.require("Node.js (Debian package nodejs)", "/usr/bin/node", "/usr/local/bin/node",
                "/usr/bin/nodejs");
        Path tsc = ExternalTools.require("TypeScript (Debian package node-typescript)", "/usr/bin/tsc",
                "/usr/local/bin/tsc");
        Path root = repositoryRoot();
        Path log = Files.createTempFile("check-declarations", ".txt");
        try {
            Process process = new ProcessBuilder(node.toString(), root.resolve("sdk/test/check-declarations.js").toString(),
                    tsc.toString(), root.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean finished = process.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished).as("the check finished within 120 s: " + output).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("ok");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The checkout's root (tests run in {@code server/}). */
    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("sdk/core/lianmai-core.js"))) {
                return dir;
            }
        }
        throw new AssertionError("sdk/core/lianmai-core.js not found above " + here);
    }
}
