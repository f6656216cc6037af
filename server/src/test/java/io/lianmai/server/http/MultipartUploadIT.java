package io.lianmai.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 finding 3: multipart bodies posted to every POST endpoint are refused with a 4xx and nothing is ever
 * written to disk (Vert.x's BodyHandler would keep each upload under {@code ./file-uploads/} forever).
 */
class MultipartUploadIT {
    private static final String BOUNDARY = "lianmai-test-boundary";

    @Test
    void multipartPostsAreRefusedAndLeaveNoFiles() throws Exception {
        Path uploads = Path.of("file-uploads").toAbsolutePath();
        Set<Path> before = files(uploads);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (TestServer server = TestServer.start()) {
            List<URI> endpoints = List.of(
                    server.endpoint("whip", "roomID=1", "alice", null),
                    server.endpoint("whep", "roomID=1", "bob", "alice_main"),
                    server.url("/whip"),
                    server.url("/api/v1/StartPublishCdnStream?sdkappid=" + server.sdkAppId()),
                    server.url("/api/v1/Anything"));
            byte[] body = multipart(20_000);
            for (int i = 0; i < 40; i++) {
                URI uri = endpoints.get(i % endpoints.size());
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .header("content-type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("%s → %s", uri, response.body()).isBetween(400, 499);
                assertThat(response.body()).doesNotContain("Exception");
            }
            // Same with a form: an urlencoded body is not SDP or JSON either.
            HttpResponse<String> form = client.send(HttpRequest.newBuilder(endpoints.get(0))
                    .timeout(Duration.ofSeconds(10))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("a=1&b=2")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(form.statusCode()).isEqualTo(415);
        }
        assertThat(files(uploads)).as("files under %s", uploads).isEqualTo(before);
    }

    private static byte[] multipart(int fileBytes) {
        String head = "--" + BOUNDARY + "\r\ncontent-disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                + "content-type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + BOUNDARY + "--\r\n";
        return (head + "x".repeat(fileBytes) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    private static Set<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return Set.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.collect(Collectors.toSet());
        }
    }
}
