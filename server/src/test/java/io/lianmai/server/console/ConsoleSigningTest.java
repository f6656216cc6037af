package io.lianmai.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.api.Tc3Signature;
import io.lianmai.testkit.ExternalTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The console's TC3-HMAC-SHA256 signing ({@code web/console/tc3.js}, WebCrypto) run in Node.js gives, for the same
 * request, the {@code Authorization} the server's {@link Tc3Signature} computes: the page signs what the server
 * verifies, byte for byte (the Chromium test then proves it end to end).
 */
class ConsoleSigningTest {
    private static final Path MODULE = Path.of("src/main/resources/web/console/tc3.js").toAbsolutePath();

    @Test
    void theConsoleSignsAsTheServerVerifies() throws Exception {
        Path node = ExternalTools.require("Node.js (Debian package nodejs)", "/usr/bin/node");
        String secretId = "AKID" + "a".repeat(32);
        String secretKey = "Kkey0123456789abcdefghijklmnopqr";
        String host = "127.0.0.1:8800";
        String body = "{\"SdkAppId\":1400000000,\"RoomId\":\"教室-1\"}";
        long timestamp = 1_700_000_000L;
        String script = "import {authorization} from '" + MODULE.toUri() + "';"
                + "process.stdout.write(await authorization({secretId: process.argv[1], secretKey: process.argv[2],"
                + " host: process.argv[3], body: process.argv[4], timestamp: Number(process.argv[5])}));";
        Process process = new ProcessBuilder(node.toString(), "--input-type=module", "-e", script, secretId, secretKey,
                host, body, Long.toString(timestamp)).redirectErrorStream(true).start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("node finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();

        String date = "2023-11-14";
        String canonical = Tc3Signature.canonicalRequest(List.of("content-type", "host"),
                List.of("application/json", host), body.getBytes(StandardCharsets.UTF_8));
        String signature = Tc3Signature.signature(secretKey, date, "trtc",
                Tc3Signature.stringToSign(timestamp, date, "trtc", canonical));
        assertThat(output).isEqualTo("TC3-HMAC-SHA256 Credential=" + secretId + "/" + date + "/trtc/tc3_request, "
                + "SignedHeaders=content-type;host, Signature=" + signature);
    }
}
