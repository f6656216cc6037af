package io.lianmai.server.sdk;

import io.lianmai.testkit.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path node = NodeScript.node();
        Path tsc = ExternalTools.require("TypeScript (Debian package node-typescript)", "/usr/bin/tsc",
                "/usr/local/bin/tsc");
        Path root = repositoryRoot();
        NodeScript.assertPasses(node, root.resolve("sdk/test/check-declarations.js"), tsc.toString(), root.toString());
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
