package io.lianmai.server.api;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static io.lianmai.server.api.CloudApiClient.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.tencentcloudapi.common.AbstractModel;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import com.tencentcloudapi.trtc.v20190722.models.EncodeParams;
import com.tencentcloudapi.trtc.v20190722.models.LayoutParams;
import com.tencentcloudapi.trtc.v20190722.models.OutputParams;
import com.tencentcloudapi.trtc.v20190722.models.PresetLayoutConfig;
import com.tencentcloudapi.trtc.v20190722.models.StartMCUMixTranscodeRequest;
import com.tencentcloudapi.trtc.v20190722.models.StopMCUMixTranscodeRequest;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mix images by URL ({@code EncodeParams.BackgroundImageUrl}, {@code PresetLayoutConfig.PlaceImageUrl} with
 * {@code PlaceHolderMode} 1) from a real HTTP server on 127.0.0.1, which this node may reach only because the test
 * allows exactly that address ({@code mix.imageAllowedHosts}): the PNG background and the JPEG placeholder show in
 * the decoded mix where the layout says. Refused, each with {@code InvalidParameter.*} naming the field and the
 * reason, and no mix started: another loopback address, a link-local (metadata) address, a non-http scheme, a file
 * over {@code mix.imageMaxBytes} (with and without Content-Length), bytes that are no image, a picture over
 * {@code mix.imageMaxPixels}, a redirect, a server slower than {@code mix.imageTimeoutMillis}.
 */
class McuMixImagesIT {
    private static final int BACKGROUND = 0xC03080;
    private static final int GHOST = 0x30C080;
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of(
            "mix.imageAllowedHosts", "127.0.0.1",
            "mix.imageMaxBytes", "65536",
            "mix.imageMaxPixels", "1000000",
            "mix.imageTimeoutMillis", "1000"));

    @TempDir
    Path dir;
    private HttpServer images;
    private String base;

    @BeforeEach
    void serveImages() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        byte[] png = make(ffmpeg, "bg.png", "color=c=0xC03080:s=64x36");
        byte[] jpeg = make(ffmpeg, "ghost.jpg", "color=c=0x30C080:s=48x48");
        byte[] hugePng = make(ffmpeg, "huge.png", "color=c=white:s=2000x2000"); // 4 Mpixels in a few KB
        byte[] tooLarge = Arrays.copyOf(png, 100_000);
        images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        images.setExecutor(Executors.newCachedThreadPool());
        images.createContext("/bg.png", exchange -> answer(exchange, 200, png, true));
        images.createContext("/ghost.jpg", exchange -> answer(exchange, 200, jpeg, true));
        images.createContext("/huge.png", exchange -> answer(exchange, 200, hugePng, true));
        images.createContext("/large.png", exchange -> answer(exchange, 200, tooLarge, true));
        images.createContext("/chunked.png", exchange -> answer(exchange, 200, tooLarge, false));
        images.createContext("/text.png", exchange -> answer(exchange, 200,
                "<html>not an image</html>".repeat(10).getBytes(StandardCharsets.UTF_8), true));
        images.createContext("/moved.png", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data");
            answer(exchange, 302, new byte[0], true);
        });
        images.createContext("/slow.png", exchange -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, png, true);
        });
        images.start();
        base = "http://127.0.0.1:" + images.getAddress().getPort();
    }

    @AfterEach
    void stopImages() {
        images.stop(0);
    }

    @Test
    void aBackgroundAndAPlaceholderImageShowInTheMix() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        TrtcClient client = sdk(server, createKey(server));
        try (SignalClient viewer = SignalClient.connect(server)) {
            viewer.enter(server, "viewer", "5151", null);
            JsonNode started = send(start("mixpictures", base + "/bg.png"), base + "/ghost.jpg");
            assertThat(started.has("Error")).as(started.toString()).isFalse();
            String url = server.signedLive("mixpictures.flv").toString();
            int[] last = new int[2];
            // nobody publishes: the left half is the background image, the right half ghost's placeholder image
            Await.until("the background and the placeholder image in the mix", DEADLINE, () -> {
                int[] pixels = pixels(ffmpeg, url);
                if (pixels == null) {
                    return false;
                }
                last[0] = pixels[0];
                last[1] = pixels[1];
                return isColour(pixels[0], BACKGROUND) && isColour(pixels[1], GHOST);
            }, () -> "left " + Integer.toHexString(last[0]) + ", right " + Integer.toHexString(last[1]));

            StopMCUMixTranscodeRequest stop = new StopMCUMixTranscodeRequest();
            stop.setSdkAppId(server.sdkAppId());
            stop.setRoomId(5151L);
            client.StopMCUMixTranscode(stop);
            viewer.ok("leave", SignalClient.data());
        }
    }

    @Test
    void imagesFromRefusedTargetsOrTooLargeSlowOrNotImagesAreRefused() throws Exception {
        try (SignalClient viewer = SignalClient.connect(server)) {
            viewer.enter(server, "viewer", "5151", null);
            String other = "http://127.0.0.2:" + images.getAddress().getPort() + "/bg.png";
            refused(start("mixrefused", other), "InvalidParameter.EncodeParams",
                    "EncodeParams.BackgroundImageUrl: 127.0.0.2 is a loopback (127.0.0.0/8) address; mix images "
                            + "come only from public addresses");
            refused(start("mixrefused", "http://169.254.169.254/latest/meta-data"),
                    "InvalidParameter.EncodeParams", "link-local (169.254.0.0/16)");
            refused(start("mixrefused", "ftp://127.0.0.1/bg.png"), "InvalidParameter.EncodeParams",
                    "must be an http:// or https:// URL");
            refused(start("mixrefused", base + "/large.png"), "InvalidParameter.EncodeParams",
                    "larger than 65536 bytes (mix.imageMaxBytes)");
            refused(start("mixrefused", base + "/chunked.png"), "InvalidParameter.EncodeParams",
                    "larger than 65536 bytes (mix.imageMaxBytes)");
            refused(start("mixrefused", base + "/text.png"), "InvalidParameter.EncodeParams",
                    "is not a PNG or JPEG image");
            refused(start("mixrefused", base + "/huge.png"), "InvalidParameter.EncodeParams",
                    "1000000 pixels (mix.imageMaxPixels)");
            refused(start("mixrefused", base + "/moved.png"), "InvalidParameter.EncodeParams",
                    "answered HTTP 302 (redirects are not followed)");
            long began = System.nanoTime();
            refused(start("mixrefused", base + "/slow.png"), "InvalidParameter.EncodeParams",
                    "did not answer within 1000 ms (mix.imageTimeoutMillis)");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).as("a slow server is given up on time")
                    .isLessThan(Duration.ofMillis(2_500));
            JsonNode placeholder = send(start("mixrefused", base + "/bg.png"), base + "/text.png");
            assertThat(placeholder.path("Error").path("Code").asText()).as(placeholder.toString())
                    .isEqualTo("InvalidParameter.LayoutParams");
            assertThat(placeholder.path("Error").path("Message").asText())
                    .startsWith("PresetLayoutConfig[1].PlaceImageUrl: is not a PNG or JPEG image");
            assertThat(server.server().live().mixes().size()).as("nothing started").isZero();
            assertThat(server.server().live().hub().isLive("mixrefused")).isFalse();
            viewer.ok("leave", SignalClient.data());
        }
    }

    /** A custom layout at 320×180, 10 fps: nobody on the left half, ghost (absent) on the right half. */
    private static StartMCUMixTranscodeRequest start(String streamId, String backgroundUrl) {
        StartMCUMixTranscodeRequest request = new StartMCUMixTranscodeRequest();
        request.setSdkAppId(server.sdkAppId());
        request.setRoomId(5151L);
        OutputParams output = new OutputParams();
        output.setStreamId(streamId);
        request.setOutputParams(output);
        EncodeParams encode = new EncodeParams();
        encode.setVideoWidth(320L);
        encode.setVideoHeight(180L);
        encode.setVideoBitrate(400L);
        encode.setVideoFramerate(10L);
        encode.setVideoGop(1L);
        encode.setBackgroundImageUrl(backgroundUrl);
        request.setEncodeParams(encode);
        LayoutParams layout = new LayoutParams();
        layout.setTemplate(4L);
        layout.setPlaceHolderMode(1L);
        PresetLayoutConfig nobody = region("nobody", 0);
        PresetLayoutConfig ghost = region("ghost", 160);
        layout.setPresetLayoutConfig(new PresetLayoutConfig[] {nobody, ghost});
        request.setLayoutParams(layout);
        return request;
    }

    /** A region of the given user whose placeholder is left out: the background shows through (TRTC: none). */
    private static PresetLayoutConfig region(String userId, long x) {
        PresetLayoutConfig region = new PresetLayoutConfig();
        region.setUserId(userId);
        region.setLocationX(x);
        region.setLocationY(0L);
        region.setImageWidth(x == 0 ? 2L : 160L); // the left one is a sliver: the background around it
        region.setImageHeight(x == 0 ? 2L : 180L);
        region.setZOrder(1L);
        return region;
    }

    /**
     * Sends {@code request} signed as the SDK would, with {@code placeUrl} as ghost's PlaceImageUrl (a field this
     * SDK version does not have); the answer's {@code Response}.
     */
    private static JsonNode send(StartMCUMixTranscodeRequest request, String placeUrl) throws Exception {
        ObjectNode body = (ObjectNode) new ObjectMapper().readTree(AbstractModel.toJsonString(request));
        ((ObjectNode) body.path("LayoutParams").path("PresetLayoutConfig").get(1)).put("PlaceImageUrl", placeUrl);
        return signed(server, createKey(server), "StartMCUMixTranscode", "2019-07-22", Instant.now().getEpochSecond(),
                body.toString());
    }

    private static void refused(StartMCUMixTranscodeRequest request, String code, String says) {
        TrtcClient client = sdk(server, createKey(server));
        assertThatThrownBy(() -> client.StartMCUMixTranscode(request)).isInstanceOfSatisfying(
                TencentCloudSDKException.class, e -> {
                    assertThat(e.getErrorCode()).as(e.toString()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(says);
                });
    }

    private byte[] make(Path ffmpeg, String name, String source) throws Exception {
        Path file = dir.resolve(name);
        FfmpegRtmp.run(List.of(ffmpeg.toString(), "-v", "error", "-y", "-f", "lavfi", "-i", source, "-frames:v", "1",
                file.toString()), 20, dir);
        return Files.readAllBytes(file);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body, boolean withLength)
            throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "image/png");
        exchange.sendResponseHeaders(status, withLength ? (body.length == 0 ? -1 : body.length) : 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // the fetcher hung up (too large, too slow): expected
        }
    }

    /** The last picture of 2 s of the mix at 32×18: the pixels at the centres of the left and right halves. */
    private int[] pixels(Path ffmpeg, String url) {
        try {
            Path video = dir.resolve("mix.rgb");
            Files.deleteIfExists(video);
            FfmpegRtmp.run(List.of(ffmpeg.toString(), "-hide_banner", "-y", "-rw_timeout", "5000000", "-i", url,
                    "-t", "2", "-map", "0:v", "-vf", "scale=32:18", "-pix_fmt", "rgb24", "-f", "rawvideo",
                    video.toString()), 20, dir);
            byte[] pictures = Files.exists(video) ? Files.readAllBytes(video) : new byte[0];
            int frame = 32 * 18 * 3;
            if (pictures.length < frame) {
                return null;
            }
            int from = (pictures.length / frame - 1) * frame;
            return new int[] {rgb(pictures, from, 8, 9), rgb(pictures, from, 24, 9)};
        } catch (Exception e) {
            return null;
        }
    }

    private static int rgb(byte[] pictures, int from, int x, int y) {
        int i = from + (y * 32 + x) * 3;
        return (pictures[i] & 0xFF) << 16 | (pictures[i + 1] & 0xFF) << 8 | (pictures[i + 2] & 0xFF);
    }

    private static boolean isColour(int rgb, int expected) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs((rgb >> shift & 0xFF) - (expected >> shift & 0xFF)) > 40) {
                return false;
            }
        }
        return true;
    }
}
