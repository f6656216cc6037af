package io.lianmai.server.wx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The mini-program SDK a developer copies ({@code sdk/wx/lianmai-wx.js} and its {@code .d.ts}) is generated from the
 * shared core ({@code sdk/core}) and the wx adapter ({@code sdk/wx/src}) and checked in (docs/decisions.md): this
 * fails when someone edited one side and did not run {@code java sdk/tools/AssembleWxSdk.java}. It runs the tool
 * itself, with this JDK, so the check and the generator cannot disagree.
 */
class WxSdkAssemblyTest {

    @Test
    void theCheckedInMiniProgramSdkIsTheAssemblyOfCoreAndAdapter() throws Exception {
        Path sdk = WxHarness.sdkDir();
        Path root = sdk.getParent().getParent();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = Files.createTempFile("assemble-wx-sdk", ".txt");
        try {
            Process process = new ProcessBuilder(java.toString(), root.resolve("sdk/tools/AssembleWxSdk.java").toString(),
                    "--check", root.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the assembler finished within 60 s").isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void theGeneratedSdkIsOneFileThatDeclaresTheCoreWithoutModuleSyntax() throws Exception {
        String wx = Files.readString(WxHarness.sdkDir().resolve("lianmai-wx.js"), StandardCharsets.UTF_8);
        assertThat(wx).contains("class TRTCCore", "class TRTC extends TRTCCore", "module.exports = TRTC;");
        assertThat(wx.lines().filter(line -> line.startsWith("export ") || line.startsWith("import "))).isEmpty();
        // ES2017, so that every base library runs it uncompiled: no optional chaining, nullish coalescing or spread.
        assertThat(wx.lines().map(String::strip).filter(line -> !line.startsWith("//") && !line.startsWith("*")
                && (line.contains("?.") || line.contains("??") || line.contains("...")))).isEmpty();
    }
}
