package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.FirefoxFixture;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.AiortcPeer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.HeadlessFirefox;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Firefox ESR (a fourth WebRTC stack: Mozilla's, with its own SDP, ICE and RTP code) against the server through the
 * shipped WHIP and WHEP pages, with Google's libwebrtc on the other side: Firefox's camera and microphone reach a
 * libwebrtc player (simulcast too, from either layer), a libwebrtc publisher's video and audio are decoded by
 * Firefox, and an H.264-only publication reaches Firefox as audio. Firefox runs in a network namespace of the test's
 * own and the server's media listen on its veth pair's host end (Firefox offers no loopback candidate: see
 * {@link HeadlessFirefox}).
 */
class WhipWhepFirefoxIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    private static final FirefoxFixture fixture = new FirefoxFixture();
    private final WhipClient whip = new WhipClient();

    @Test
    void firefoxPublishesThroughWhipAndLibWebRtcPlaysIt() {
        try (HeadlessFirefox publisher = fixture.firefox(); LibWebRtcPeer player = LibWebRtcPeer.player()) {
            publisher.open(page("whip.html", "fox", "&roomID=61"));
            publisher.await("Firefox published", WAIT, () -> log(publisher).contains("published fox_main"));
            publisher.await("Firefox connected", WAIT, () -> log(publisher).contains("connection connected"));

            WhipClient.Result played = whip.post(server().endpoint("whep", "roomID=61", "lib", "fox_main"),
                    server().userSig("lib"), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            player.acceptAnswer(played.body());

            player.awaitMedia(60, 100, WAIT);
            assertThat(player.framesDecoded()).isPositive();
            publisher.script("window.stop()");
        }
    }

    @Test
    void firefoxPlaysALibWebRtcPublisherThroughWhep() {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher(); HeadlessFirefox player = fixture.firefox()) {
            WhipClient.Result published = whip.post(server().endpoint("whip", "roomID=62", "lib", null),
                    server().userSig("lib"), publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            publisher.acceptAnswer(published.body());
            publisher.awaitConnected(WAIT);

            player.open(page("whep.html", "fox", "&roomID=62&streamID=lib_main"));
            player.await("Firefox decodes 30 frames and receives audio", WAIT,
                    () -> number(player, "framesDecoded") >= 30 && number(player, "audioSamples") > 0);

            assertThat(log(player)).contains("playing lib_main");
            player.script("window.stop()");
        }
    }

    @Test
    void aFirefoxSimulcastPublisherIsPlayedFromEitherLayer() {
        AtomicInteger width = new AtomicInteger();
        try (HeadlessFirefox publisher = fixture.firefox();
                LibWebRtcPeer player = LibWebRtcPeer.player(false, frame -> width.set(frame.buffer.getWidth()))) {
            publisher.open(page("whip.html", "foxsim", "&roomID=63&simulcast=1"));
            publisher.await("Firefox connected", WAIT, () -> log(publisher).contains("connection connected"));
            assertThat(publisher.script("window.pc.localDescription.sdp").asText()).contains("a=simulcast:send");

            WhipClient.Result played = whip.post(server().endpoint("whep", "roomID=63", "lib", "foxsim_main"),
                    server().userSig("lib"), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            player.acceptAnswer(played.body());
            player.awaitMedia(60, 100, WAIT);
            // Firefox starts with its two lower layers (a 1280-wide camera: 320 and 640 wide) and adds the full one
            // only when its estimate allows; the big stream is the widest it sends, the small one the narrowest.
            Await.until("a big layer", WAIT, () -> width.get() >= 640, () -> "width " + width.get());
            int big = width.get();

            String path = played.location().getPath();
            assertThat(server().server().media().preferSmallStream(path.substring(path.lastIndexOf('/') + 1), true))
                    .isTrue();
            Await.until("the small layer", WAIT, () -> width.get() > 0 && width.get() < big, () -> "width " + width.get());
            long before = player.videoFramesReceived();
            player.awaitMedia(before + 30, 0, WAIT);
            publisher.script("window.stop()");
        }
    }

    /**
     * Firefox without the OpenH264 plug-in (never downloaded here) neither sends nor receives H.264: a viewer of an
     * H.264-only publication (aiortc's) gets its video m-line rejected (port 0, out of the BUNDLE group, RFC 8843
     * §7.3.3) and still hears the audio, instead of a session that fails.
     */
    @Test
    void anH264OnlyPublicationReachesFirefoxAsAudioOnly() {
        AiortcPeer.requireInstalled();
        try (AiortcPeer publisher = AiortcPeer.publish(server().endpoint("whip", "roomID=64", "aih", null),
                server().userSig("aih"), "h264", 440);
                HeadlessFirefox player = fixture.firefox()) {
            publisher.await("connected", WAIT);
            player.open(page("whep.html", "fox", "&roomID=64&streamID=aih_main"));
            player.await("Firefox receives the audio", WAIT, () -> number(player, "audioSamples") > 0);

            String answer = player.script("window.pc.remoteDescription.sdp").asText();
            assertThat(answer).contains("m=video 0 ").contains("a=group:BUNDLE 0\r\n");
            assertThat(number(player, "framesDecoded")).isZero();
        }
    }

    private static String log(HeadlessFirefox browser) {
        return browser.script("window.__log || []").toString();
    }

    private static long number(HeadlessFirefox browser, String function) {
        return browser.script("window." + function + "()").asLong();
    }

    private static String page(String page, String userId, String extra) {
        return server().url("/" + page + "?sdkAppID=" + server().sdkAppId() + "&userID=" + userId + "&userSig="
                + URLEncoder.encode(server().userSig(userId), StandardCharsets.UTF_8) + extra).toString();
    }

    private static TestServer server() {
        return fixture.server();
    }
}
