package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.HeadlessChromium;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Headless Chromium with a fake camera publishes through the shipped WHIP page, a second Chromium plays through the
 * WHEP page, and the player's {@code getStats()} shows decoded frames and received audio.
 */
class WhipWhepChromiumIT {
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @Test
    void browserPublishesThroughWhipAndAnotherPlaysThroughWhep() {
        try (HeadlessChromium publisher = HeadlessChromium.start();
                HeadlessChromium player = HeadlessChromium.start()) {
            publisher.open(page("whip.html", "alice", "&roomID=42"));
            publisher.await("publisher connected", Duration.ofSeconds(15),
                    () -> String.valueOf(publisher.pageLog()).contains("connection connected"));

            long opened = System.nanoTime();
            player.open(page("whep.html", "bob", "&roomID=42&streamID=alice_main"));
            player.await("frames decoded", Duration.ofSeconds(15), () -> number(player, "framesDecoded") > 0);
            long firstFrameMillis = (System.nanoTime() - opened) / 1_000_000;
            player.await("30 frames and audio", Duration.ofSeconds(15),
                    () -> number(player, "framesDecoded") >= 30 && number(player, "audioSamples") > 0);
            System.out.println("Chromium WHEP player: first decoded frame " + firstFrameMillis
                    + " ms after opening the page");

            assertThat(number(player, "framesDecoded")).isGreaterThanOrEqualTo(30);
            assertThat(number(player, "audioSamples")).isPositive();
            List<?> log = (List<?>) player.pageLog();
            assertThat(log).anySatisfy(line -> assertThat(line.toString()).startsWith("playing alice_main"));

            player.asyncScript("window.stop().then(arguments[0])");
            publisher.asyncScript("window.stop().then(arguments[0])");
        }
    }

    @Test
    void aSimulcastPublisherIsPlayedFromItsBiggestLayer() {
        try (HeadlessChromium publisher = HeadlessChromium.start();
                HeadlessChromium player = HeadlessChromium.start()) {
            publisher.open(page("whip.html", "sim", "&roomID=43&simulcast=1"));
            publisher.await("publisher connected", Duration.ofSeconds(15),
                    () -> String.valueOf(publisher.pageLog()).contains("connection connected"));

            player.open(page("whep.html", "viewer", "&roomID=43&streamID=sim_main"));
            player.await("frames decoded", Duration.ofSeconds(20), () -> number(player, "framesDecoded") >= 30);
            // Layers start at low bitrates and ramp up; the full one (1280 wide) wins once it carries the most.
            player.await("the full-size layer", Duration.ofSeconds(30), () -> number(player, "frameWidth") >= 1280);

            assertThat(number(player, "frameWidth")).isEqualTo(1280);

            // TRTC's switchStreamType: the small stream is the lowest-bitrate layer (a quarter of the size).
            String sessionUrl = String.valueOf(player.script("return window.sessionUrl"));
            String sessionId = sessionUrl.substring(sessionUrl.lastIndexOf('/') + 1);
            assertThat(server.server().media().preferSmallStream(sessionId, true)).isTrue();
            player.await("the small layer", Duration.ofSeconds(20), () -> number(player, "frameWidth") <= 320);
            assertThat(server.server().media().preferSmallStream(sessionId, false)).isTrue();
            player.await("back to the big layer", Duration.ofSeconds(20), () -> number(player, "frameWidth") >= 1280);
        }
    }

    @Test
    void thePageShowsTheServersErrorForABadUserSig() {
        try (HeadlessChromium player = HeadlessChromium.start()) {
            player.open(server.url("/whep.html?sdkAppID=" + server.sdkAppId()
                    + "&roomID=42&userID=bob&streamID=alice_main&userSig=garbage").toString());
            player.await("an error", Duration.ofSeconds(10),
                    () -> String.valueOf(player.pageLog()).contains("error"));

            assertThat(String.valueOf(player.pageLog())).contains("HTTP 401").contains("-100018");
        }
    }

    private static long number(HeadlessChromium browser, String function) {
        Object value = browser.asyncScript("window." + function + "().then(arguments[0])");
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static String page(String page, String userId, String extra) {
        return server.url("/" + page + "?sdkAppID=" + server.sdkAppId() + "&userID=" + userId + "&userSig="
                + URLEncoder.encode(server.userSig(userId), StandardCharsets.UTF_8) + extra).toString();
    }
}
