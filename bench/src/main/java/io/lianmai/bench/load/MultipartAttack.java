package io.lianmai.bench.load;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Unauthenticated multipart uploads to every POST endpoint (WHIP, WHEP, the REST API): a server that stores uploads
 * (Vert.x's BodyHandler does, in {@code file-uploads/} of its working directory) fills its disk for free. Nothing
 * may be written.
 */
final class MultipartAttack implements Attack {
    private static final String[] PATHS = {"whip?sdkAppID=%d&roomID=1&userID=u", "whep?sdkAppID=%d&roomID=1&userID=u"
            + "&streamID=u_main", "api/v1/StartPublishCdnStream", "api/v1/StopPublishCdnStream"};

    @Override
    public String name() {
        return "multipart";
    }

    @Override
    public String description(AttackScale scale) {
        return scale.multipartCount() + " multipart POSTs of " + scale.multipartBytes() / 1024 + " KiB to /whip, "
                + "/whep, /api/v1/…";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "nothing written under the server's working directory (file-uploads/)";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return 30;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        Path uploads = context.server.workingDirectory().resolve("file-uploads");
        long[] before = usage(uploads);
        String boundary = "----lianmai" + Long.toHexString(System.nanoTime());
        byte[] file = new byte[context.scale.multipartBytes()];
        Arrays.fill(file, (byte) 'x');
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        HttpFlood.run(context.http, context.scale.multipartCount(), 5_000, 16,
                i -> HttpRequest.newBuilder(context.baseUrl().resolve(String.format(PATHS[i % PATHS.length],
                        context.sdkAppId().value())))
                        .timeout(Duration.ofSeconds(10))
                        .header("content-type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                outcome, HttpFlood.BY_STATUS, null);
        Thread.sleep(1_000);
        long[] after = usage(uploads);
        long files = after[0] - before[0];
        long bytes = after[1] - before[1];
        outcome.count("files left: " + files);
        String detail = files + " file(s), " + bytes + " bytes left in " + uploads.getFileName() + "/";
        return files == 0 && bytes == 0 ? Verdict.pass(detail) : Verdict.fail(detail);
    }

    /** Files and bytes under {@code dir} (0, 0 when it does not exist). */
    private static long[] usage(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new long[] {0, 0};
        }
        long[] total = new long[2];
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                total[0]++;
                try {
                    total[1] += Files.size(f);
                } catch (IOException e) {
                    // Deleted meanwhile.
                }
            });
        }
        return total;
    }
}
