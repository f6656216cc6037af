package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.ExternalTools;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ffmpeg publishes H.264 (with B-frames) and AAC over RTMP; ffprobe and ffmpeg play it back as HLS: both tracks,
 * timestamps increasing, frames decoded at the publisher's rate and its 440 Hz tone heard; the playlist ends with
 * {@code #EXT-X-ENDLIST} when the publisher stops.
 */
class RtmpToHlsIT {
    private static final int PUBLISH_SECONDS = 15;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void anRtmpPublisherIsPlayableAsHls() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        try (TestServer server = TestServer.start()) {
            String stream = server.sdkAppId() + "_8090_anchor_main";
            String url = server.signedLive(stream + ".m3u8").toString();
            Process publisher = publish(server, ffmpeg, stream, server.userSig("anchor"));
            try {
                String playlist = awaitPlaylist(url, 3);
                assertThat(playlist).startsWith("#EXTM3U\n").contains("#EXT-X-TARGETDURATION:1\n",
                        "#EXT-X-INDEPENDENT-SEGMENTS\n", "#EXT-X-PROGRAM-DATE-TIME:").doesNotContain("#EXT-X-ENDLIST");

                String codecs = run(List.of(ffprobe.toString(), "-v", "error", "-show_entries", "stream=codec_name",
                        "-of", "csv=p=0", url), 30);
                assertThat(codecs).contains("h264").contains("aac");

                Path segments = download(server, playlist);
                String packets = run(List.of(ffprobe.toString(), "-v", "error", "-show_entries",
                        "packet=codec_type,pts,dts", "-of", "csv=p=0", segments.toString()), 30);
                assertTimestampsIncrease(packets);

                String decoded = run(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-i", url, "-t", "3",
                        "-f", "null", "-"), 60);
                Matcher frames = Pattern.compile("frame=\\s*(\\d+)").matcher(decoded);
                int last = 0;
                while (frames.find()) {
                    last = Integer.parseInt(frames.group(1));
                }
                assertThat(last).as(decoded).isGreaterThan(30);
                assertThat(decoded).doesNotContainIgnoringCase("error");
                LiveOutput.assertSeenAndHeard(dir, url);
            } finally {
                assertThat(publisher.waitFor(PUBLISH_SECONDS + 20, TimeUnit.SECONDS)).isTrue();
            }
            String ended = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ended.endsWith("#EXT-X-ENDLIST\n") && System.nanoTime() < deadline) {
                ended = get(url).body();
                Thread.sleep(200);
            }
            assertThat(ended).endsWith("#EXT-X-ENDLIST\n");
        }
    }

    @Test
    void unknownStreamsAndSegmentsAre404() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpResponse<String> playlist = get(server.url("/live/nobody_main.m3u8").toString());
            assertThat(playlist.statusCode()).isEqualTo(404);
            assertThat(playlist.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(new JsonObject(playlist.body()).getInteger("code")).isEqualTo(16400);
            assertThat(new JsonObject(playlist.body()).getString("message")).contains("nobody_main is not live");

            HttpResponse<String> segment = get(server.url("/live/nobody_main/12.ts").toString());
            assertThat(segment.statusCode()).isEqualTo(404);
            assertThat(new JsonObject(segment.body()).getInteger("code")).isEqualTo(16400);

            assertThat(get(server.url("/live/nobody_main.flv").toString()).statusCode()).isEqualTo(404);
        }
    }

    /** Every packet's DTS increases per track, video PTS is never before its DTS, and B-frames reorder. */
    private static void assertTimestampsIncrease(String csv) {
        Map<String, Double> lastDts = new HashMap<>();
        int video = 0;
        int audio = 0;
        int reordered = 0;
        for (String line : csv.split("\n")) {
            String[] fields = line.trim().split(",");
            if (fields.length < 3 || fields[2].equals("N/A")) {
                continue;
            }
            String type = fields[0];
            double pts = Double.parseDouble(fields[1]);
            double dts = Double.parseDouble(fields[2]);
            Double previous = lastDts.put(type, dts);
            if (previous != null) {
                assertThat(dts).as("%s DTS after %s", type, previous).isGreaterThan(previous);
            }
            assertThat(pts).as("%s PTS", type).isGreaterThanOrEqualTo(dts);
            if (type.equals("video")) {
                video++;
                reordered += pts > dts ? 1 : 0;
            } else if (type.equals("audio")) {
                audio++;
            }
        }
        assertThat(video).isGreaterThan(50);
        assertThat(audio).isGreaterThan(50);
        assertThat(reordered).as("B-frames keep their composition offsets").isPositive();
    }

    /** Waits until the playlist lists at least {@code segments} segments. */
    private String awaitPlaylist(String url, int segments) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(url);
            body = response.body();
            if (response.statusCode() == 200) {
                assertThat(response.headers().firstValue("content-type")).hasValue("application/vnd.apple.mpegurl");
                if (body.split("#EXTINF", -1).length - 1 >= segments) {
                    return body;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no playlist with " + segments + " segments at " + url + ": " + body);
    }

    /** Fetches the listed segments into one file. */
    private Path download(TestServer server, String playlist) throws Exception {
        Path file = dir.resolve("segments.ts");
        List<String> uris = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                uris.add(line);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            for (String uri : uris) {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(server.url("/live/" + uri)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(response.statusCode()).as(uri).isEqualTo(200);
                assertThat(response.headers().firstValue("content-type")).hasValue("video/mp2t");
                assertThat(response.body().length % 188).isZero();
                out.write(response.body());
            }
        }
        return file;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Process publish(TestServer server, Path ffmpeg, String stream, String userSig) throws IOException {
        String url = "rtmp://127.0.0.1:" + server.server().live().rtmpPort() + "/live/" + stream + "?usersig="
                + URLEncoder.encode(userSig, StandardCharsets.UTF_8);
        return new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", FfmpegRtmp.TONE, "-t", Integer.toString(PUBLISH_SECONDS),
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-bf", "2", "-g", "30",
                "-keyint_min", "30", "-sc_threshold", "0", "-c:a", "aac", "-f", "flv", url)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("publisher.log").toFile())
                .start();
    }

    private String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "run", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return Files.readString(out);
    }
}
