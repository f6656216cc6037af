package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.ToneDetector;
import io.lianmai.testkit.WhipClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebRTC publisher (headless Chromium: VP8 + Opus, its microphone a 440 Hz tone) is read back as a live stream:
 * ffprobe, acting as a live-player, finds H.264 (VP8 transcoded) at the publisher's picture size and AAC (Opus
 * transcoded) over HTTP-FLV and HLS with increasing timestamps, and ffmpeg decodes frames of both and hears the
 * tone. Nothing is transcoded until someone asks, and the output stops when its last player leaves or nobody polls
 * its playlist.
 */
class RoomToLiveIT {
    /** The picture size the VP8 publishers send; see {@link #FIXED_CAMERA}. */
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    /**
     * Fewest frames a viewer decodes in {@link LiveOutput#DECODED} of a browser publisher: its fake camera runs at 30
     * fps but slows under load, so 10 fps, not a 30 fps publisher's floor.
     */
    private static final int BROWSER_MIN_FRAMES = 30;
    /**
     * Runs before the WHIP page's own scripts: the page's getUserMedia gets a {@value #WIDTH}x{@value #HEIGHT}
     * camera, whose track is marked {@code detail} so that Chromium keeps that size (WebRTC degradation preference
     * "maintain-resolution") rather than scaling the picture down while its encoder starts at a low bitrate or the
     * CPU is busy; the frame rate gives way instead. The size the viewer gets is then the size that was sent.
     */
    private static final String FIXED_CAMERA = "(() => {"
            + "  const devices = navigator.mediaDevices, original = devices.getUserMedia.bind(devices);"
            + "  devices.getUserMedia = async constraints => {"
            + "    const media = await original({...constraints, video: constraints.video"
            + "        && {width: {exact: " + WIDTH + "}, height: {exact: " + HEIGHT + "}}});"
            + "    media.getVideoTracks().forEach(track => { track.contentHint = 'detail'; });"
            + "    return media; };"
            + "})();";
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("live.idleSeconds", "2"));
    private final WhipClient whip = new WhipClient();

    @TempDir
    Path dir;

    @Test
    void aWebRtcPublisherIsPlayableAsHttpFlv() throws Exception {
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        try (HeadlessChromium publisher = publishFromChromium("vp8", 9101, "alice")) {
            String streamKey = server.sdkAppId() + "/r9101/alice_main";
            assertThat(server.server().media().playerCount(streamKey)).as("nothing bridged before asked").isZero();

            String url = server.signedLive(server.sdkAppId() + "_9101_alice_main.flv").toString();
            String packets = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "10000000",
                    "-read_intervals", "%+4", "-show_entries", "packet=codec_type,pts_time,flags", "-of", "csv=p=0",
                    url), 30, dir);
            Map<String, List<Double>> times = new HashMap<>();
            int keyframes = 0;
            for (String line : packets.strip().split("\n")) {
                String[] fields = line.split(",");
                if (fields.length >= 2 && !fields[1].equals("N/A") && fields[1].matches("[0-9.]+")) {
                    times.computeIfAbsent(fields[0], k -> new ArrayList<>()).add(Double.parseDouble(fields[1]));
                    if (fields[0].equals("video") && fields.length > 2 && fields[2].startsWith("K")) {
                        keyframes++;
                    }
                }
            }
            assertThat(times.keySet()).as(packets).contains("video", "audio");
            assertThat(times.get("video")).hasSizeGreaterThan(30).isSorted();
            assertThat(times.get("audio")).hasSizeGreaterThan(50).isSorted();
            assertThat(keyframes).isPositive();

            String streams = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "10000000",
                    "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url), 30, dir);
            assertThat(streams).as("the publisher's picture size, transcoded").contains("h264," + WIDTH + ","
                    + HEIGHT).contains("aac");
            // What a viewer sees and hears: frames decoded after VP8 -> H.264, the 440 Hz microphone after Opus -> AAC.
            LiveOutput.assertSeenAndHeard(dir, url, BROWSER_MIN_FRAMES);

            // The last player left: the bridge stops after the idle time and the local player ends.
            awaitBridgeStopped(streamKey);
            assertThat(whip.delete(sessionUrl(publisher))).isEqualTo(200);
        }
    }

    @Test
    void aWebRtcPublisherIsPlayableAsHls() throws Exception {
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        try (HeadlessChromium publisher = publishFromChromium("vp8", 9104, "carol")) {
            String streamKey = server.sdkAppId() + "/r9104/carol_main";
            assertThat(server.server().media().playerCount(streamKey)).as("nothing bridged before asked").isZero();

            // The first playlist request starts the bridge and is answered once the first segment is complete.
            String url = server.signedLive(server.sdkAppId() + "_9104_carol_main.m3u8").toString();
            HttpResponse<String> first = get(url);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(first.body()).startsWith("#EXTM3U\n").contains("#EXTINF:").doesNotContain("#EXT-X-ENDLIST");

            // Polling the playlist is interest enough: the bridge outlives live.idleSeconds (2) without FLV players,
            // for at least 6 s of the test's own clock and until three segments are listed (a busy machine transcodes
            // slower than real time); polls 250 ms apart stay well inside the idle time.
            String playlist = first.body();
            long polledSince = System.nanoTime();
            long pollDeadline = polledSince + Duration.ofSeconds(60).toNanos();
            while ((System.nanoTime() - polledSince < Duration.ofSeconds(6).toNanos()
                    || playlist.split("#EXTINF", -1).length - 1 < 3) && System.nanoTime() < pollDeadline) {
                Thread.sleep(250);
                HttpResponse<String> polled = get(url);
                assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
                playlist = polled.body();
                assertThat(playlist).as("one publisher, one timeline").doesNotContain("#EXT-X-ENDLIST",
                        "#EXT-X-DISCONTINUITY\n");
                assertThat(server.server().media().playerCount(streamKey)).as("bridge still playing").isEqualTo(1);
            }
            assertThat(playlist.split("#EXTINF", -1).length - 1).as(playlist).isGreaterThanOrEqualTo(3);

            String streams = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-show_entries",
                    "stream=codec_name,width,height", "-of", "csv=p=0", url), 30, dir);
            assertThat(streams).as("the publisher's picture size, transcoded").contains("h264," + WIDTH + ","
                    + HEIGHT).contains("aac");

            String packets = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-read_intervals", "%+4",
                    "-show_entries", "packet=codec_type,dts_time", "-of", "csv=p=0", url), 30, dir);
            Map<String, List<Double>> times = new HashMap<>();
            for (String line : packets.strip().split("\n")) {
                String[] fields = line.split(",");
                if (fields.length >= 2 && fields[1].matches("[0-9.]+")) {
                    times.computeIfAbsent(fields[0], k -> new ArrayList<>()).add(Double.parseDouble(fields[1]));
                }
            }
            assertThat(times.keySet()).as(packets).contains("video", "audio");
            assertThat(times.get("video")).as("video DTS").hasSizeGreaterThan(30).doesNotHaveDuplicates().isSorted();
            assertThat(times.get("audio")).as("audio DTS").hasSizeGreaterThan(50).doesNotHaveDuplicates().isSorted();

            // What a viewer sees and hears: frames decoded after VP8 -> H.264, the 440 Hz microphone after Opus -> AAC.
            LiveOutput.assertSeenAndHeard(dir, url, BROWSER_MIN_FRAMES);

            // Nobody polls any more: the bridge stops after the idle time. (A playlist request would start it again.)
            awaitBridgeStopped(streamKey);
            // Once the publisher has left too, the playlist ends.
            assertThat(whip.delete(sessionUrl(publisher))).isEqualTo(200);
            String[] ended = {""};
            Await.until("the playlist ends", Duration.ofSeconds(15), () -> {
                ended[0] = getQuietly(url);
                return ended[0].endsWith("#EXT-X-ENDLIST\n");
            }, () -> ended[0]);
        }
    }

    @Test
    void aBrowsersH264IsPassedThroughToHttpFlv() throws Exception {
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        try (HeadlessChromium browser = publishFromChromium("h264", 9103, "bob")) {
            String url = server.signedLive(server.sdkAppId() + "_9103_bob_main.flv").toString();
            String streams = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "10000000",
                    "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url), 30, dir);
            assertThat(streams).contains("h264,").contains("aac");
            String frames = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "10000000",
                    "-read_intervals", "%+3", "-select_streams", "v", "-count_frames", "-show_entries",
                    "stream=nb_read_frames", "-of", "csv=p=0", url), 30, dir);
            assertThat(Integer.parseInt(frames.strip().split("\\s+")[0])).as(frames).isGreaterThan(30);
            // The browser's microphone plays a 440 Hz WAV: heard after Opus -> AAC. Its camera may slow under load,
            // so the frame floor is the one above (10 fps), not a 30 fps publisher's.
            LiveOutput.assertSeenAndHeard(dir, url, BROWSER_MIN_FRAMES);
            browser.asyncScript("window.stop().then(arguments[0])");
        }
    }

    /**
     * Publishes from headless Chromium's WHIP page with only the video {@code codec} ({@code vp8}: the transcoding
     * path; {@code h264}: passed through), the {@link #FIXED_CAMERA} and the fake microphone playing
     * {@link LiveOutput#TONE_HZ}; returns once the page has its WHIP session and is connected.
     */
    private HeadlessChromium publishFromChromium(String codec, long room, String user) throws IOException {
        Path tone = ToneDetector.writeWav(dir.resolve("tone.wav"), LiveOutput.TONE_HZ, 1, 48_000);
        HeadlessChromium browser = HeadlessChromium.startWithMicrophone(tone);
        try {
            browser.onEveryPage(FIXED_CAMERA);
            browser.open(server.url("/whip.html?codec=" + codec + "&sdkAppID=" + server.sdkAppId() + "&roomID=" + room
                    + "&userID=" + user + "&userSig=" + URLEncoder.encode(server.userSig(user),
                    StandardCharsets.UTF_8)).toString());
            browser.await("publisher connected", Duration.ofSeconds(30), () -> {
                String log = String.valueOf(browser.pageLog());
                return log.contains("connection connected") && log.contains("published ");
            });
            return browser;
        } catch (RuntimeException | Error e) {
            browser.close();
            throw e;
        }
    }

    /** The WHIP session the page created (its {@code Location}). */
    private static URI sessionUrl(HeadlessChromium publisher) {
        return URI.create(String.valueOf(publisher.script("return window.sessionUrl")));
    }

    @Test
    void aStreamNobodyPublishesIsNotFound() throws Exception {
        String url = server.signedLive(server.sdkAppId() + "_9102_nobody_main.flv").toString();
        assertThat(get(url).statusCode()).isEqualTo(404);
    }

    /** Waits until the live bridge of {@code streamKey} has stopped: its local player of the room stream ended. */
    private static void awaitBridgeStopped(String streamKey) {
        Await.until("the idle bridge of " + streamKey + " stopped", Duration.ofSeconds(20),
                () -> server.server().media().playerCount(streamKey) == 0,
                () -> server.server().media().playerCount(streamKey) + " local players");
    }

    private static String getQuietly(String url) {
        try {
            return get(url).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
