package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.testkit.ExternalTools;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HLS and RTMP play of a stream whose room another node serves (docs/cluster.md), with real node processes and
 * FFmpeg: an ffmpeg RTMP publisher on the room's node; through the other node, the HLS playlist and a segment are
 * answered 302 to the same path and query on the room's node, and ffprobe given the other node's playlist URL follows
 * it and reads the stream; RTMP play through the other node is refused naming {@code rtmp://…:port/live/{stream}}
 * of the room's node, whose URL then plays.
 */
class ClusterLiveOutputIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final long ROOM = 7703;

    @TempDir
    Path dir;

    @Test
    void hlsAndRtmpPlayOfARoomServedElsewhereLeadToItsNode() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        try (ClusterHarness cluster = ClusterHarness.start(dir)) {
            try {
                ChildServer other = cluster.node("node1");
                ChildServer home = cluster.node("node2");
                cluster.awaitNodes(2, WAIT);
                cluster.redis().command("SET", cluster.roomKey(ROOM), "node2", "PX", "120000");
                String stream = cluster.sdkAppId() + "_" + ROOM + "_anchor_main";
                String sig = "?usersig=" + URLEncoder.encode(cluster.userSig("anchor"), StandardCharsets.UTF_8);
                int homeRtmp = cluster.entryField("node2", "rtmpPort");
                int otherRtmp = cluster.entryField("node1", "rtmpPort");
                String signed = PlaybackSignature.sign(cluster.app().playKey(), stream,
                        Instant.now().plusSeconds(600)).query();
                HttpClient notFollowing = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

                Process publisher = FfmpegRtmp.publish(ffmpeg, "rtmp://127.0.0.1:" + homeRtmp + "/live/" + stream
                        + sig, 90, dir.resolve("publisher.log"));
                try {
                    // The playlist on the room's node, once it has a segment.
                    URI homePlaylist = URI.create("http://127.0.0.1:" + home.httpPort() + "/live/" + stream
                            + ".m3u8?" + signed);
                    String playlist = awaitPlaylist(notFollowing, homePlaylist);
                    String segment = playlist.lines().filter(line -> line.endsWith(".ts") || line.contains(".ts?"))
                            .findFirst().orElseThrow();

                    // Through the other node: the playlist and the segment are 302 to the same path on the room's node.
                    String otherBase = "http://127.0.0.1:" + other.httpPort();
                    String homeBase = "http://127.0.0.1:" + home.httpPort();
                    HttpResponse<Void> moved = notFollowing.send(HttpRequest.newBuilder(URI.create(otherBase + "/live/"
                            + stream + ".m3u8?" + signed)).build(), HttpResponse.BodyHandlers.discarding());
                    assertThat(moved.statusCode()).isEqualTo(302);
                    assertThat(moved.headers().firstValue("location")).contains(homeBase + "/live/" + stream
                            + ".m3u8?" + signed);
                    String segmentPath = "/live/" + segment;
                    HttpResponse<Void> segmentMoved = notFollowing.send(HttpRequest.newBuilder(URI.create(otherBase
                            + segmentPath)).build(), HttpResponse.BodyHandlers.discarding());
                    assertThat(segmentMoved.statusCode()).as(segmentPath).isEqualTo(302);
                    assertThat(segmentMoved.headers().firstValue("location")).contains(homeBase + segmentPath);

                    // Unsigned through the other node: refused there (the cluster's layout is not shown).
                    HttpResponse<Void> unsigned = notFollowing.send(HttpRequest.newBuilder(URI.create(otherBase
                            + "/live/" + stream + ".m3u8")).build(), HttpResponse.BodyHandlers.discarding());
                    assertThat(unsigned.statusCode()).isEqualTo(403);

                    // A player given the other node's URL follows the redirect and reads the stream.
                    String probed = FfmpegRtmp.run(List.of(ffprobe.toString(), "-hide_banner", "-v", "error",
                            "-rw_timeout", "15000000", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                            otherBase + "/live/" + stream + ".m3u8?" + signed), 40, dir);
                    assertThat(probed).contains("h264");

                    // RTMP play through the other node: refused, naming the room's node; its URL plays.
                    String playQuery = "?" + signed;
                    String refused = FfmpegRtmp.run(List.of(ffprobe.toString(), "-hide_banner", "-rw_timeout",
                            "15000000", "rtmp://127.0.0.1:" + otherRtmp + "/live/" + stream + playQuery), 40, dir);
                    assertThat(refused).contains("served by node node2")
                            .contains("rtmp://127.0.0.1:" + homeRtmp + "/live/" + stream);
                    String played = FfmpegRtmp.run(List.of(ffprobe.toString(), "-hide_banner", "-v", "error",
                            "-rw_timeout", "15000000", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                            "rtmp://127.0.0.1:" + homeRtmp + "/live/" + stream + playQuery), 40, dir);
                    assertThat(played).contains("h264");
                } finally {
                    FfmpegRtmp.stop(publisher);
                }
            } catch (Throwable failure) {
                cluster.printLogs();
                throw failure;
            }
        }
    }

    /** The playlist at {@code url} once it lists a segment. */
    private static String awaitPlaylist(HttpClient client, URI url) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().contains(".ts")) {
                return response.body();
            }
            assertThat(System.nanoTime()).as("%s lists a segment: %d %s", url, response.statusCode(),
                    response.body()).isLessThan(deadline);
            Thread.sleep(300);
        }
    }
}
