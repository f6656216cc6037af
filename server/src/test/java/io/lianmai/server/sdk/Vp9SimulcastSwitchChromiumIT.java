package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.HeadlessChromium;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Chromium player switched back and forth between the two layers of a Chromium publisher's VP9 simulcast keeps
 * decoding: the layers are two libvpx VP9 encoders (scalability mode L1T3 each, non-flexible mode) with their own
 * random PICTURE IDs and TL0PICIDXs, which the server makes one numbering for the player (docs/media.md, "Picture
 * numbering across switches"). The web SDK publishes VP8 simulcast; a script installed before the page's makes its
 * sending transceiver prefer VP9 only ({@code setCodecPreferences}) and gives each encoding {@code L1T3}, as an app
 * choosing VP9 would. The player stays on each layer at least four seconds: the VP8 player that the numbering broke
 * stopped about three seconds after a switch. Whether a switch without the rewrite breaks the player depends on where
 * Chromium's random counters start, so this test shows that VP9 simulcast switching works with real clients;
 * {@code Vp9PictureContinuityTest} (media) is the one that fails without the rewrite.
 */
class Vp9SimulcastSwitchChromiumIT {
    private static final Duration WAIT = Duration.ofSeconds(25);
    private static final String PREFER_VP9 = "(() => {"
            + "  const add = RTCPeerConnection.prototype.addTransceiver;"
            + "  RTCPeerConnection.prototype.addTransceiver = function (what, init) {"
            + "    const video = (typeof what === 'string' ? what : what.kind) === 'video';"
            + "    if (!video || !init || init.direction !== 'sendonly') return add.call(this, what, init);"
            + "    const encodings = (init.sendEncodings || [{}]).map(e => Object.assign({}, e, {scalabilityMode: 'L1T3'}));"
            + "    const t = add.call(this, what, Object.assign({}, init, {sendEncodings: encodings}));"
            + "    t.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter(c => c.mimeType === 'video/rtx'"
            + "      || c.mimeType === 'video/VP9' && /profile-id=0/.test(c.sdpFmtpLine || 'profile-id=0')));"
            + "    return t; }; })();";
    /** {@code [frameWidth, framesDecoded, codec]} of the page's received video, and the codecs it sends by rid. */
    private static final String VIDEO = "const done = arguments[arguments.length - 1];"
            + "(async () => { let best = [0, 0, '']; const sent = {};"
            + "  for (const pc of window.__pcs) { if (pc.connectionState === 'closed') continue;"
            + "    const stats = await pc.getStats(); stats.forEach(s => { const c = stats.get(s.codecId);"
            + "      const mime = c ? c.mimeType : '';"
            + "      if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded || 0) > best[1])"
            + "        best = [s.frameWidth || 0, s.framesDecoded, mime];"
            + "      if (s.type === 'outbound-rtp' && s.kind === 'video' && s.frameWidth)"
            + "        sent[s.rid || '-'] = [s.frameWidth, mime]; }); }"
            + "  return {received: best, sent}; })().then(done, e => done({received: [0, 0, ''], sent: {}}));";

    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @Test
    void aPlayerSwitchedBetweenVp9LayersKeepsDecoding() {
        try (HeadlessChromium alice = page(); HeadlessChromium bob = page()) {
            start(alice, "vp9-alice", Map.of("enableCamera", true, "enableMic", true, "enableSmallStream", true,
                    "videoWidth", 640, "videoHeight", 480, "maxBitrate", 1200));
            start(bob, "vp9-bob", Map.of());
            String stream = "vp9-alice_main";
            alice.await("alice sends both encodings", WAIT, () -> {
                Map<?, ?> sent = sent(alice);
                return sent.containsKey("h") && sent.containsKey("l");
            });
            Map<?, ?> sent = sent(alice);
            assertThat(((List<?>) sent.get("h")).get(1)).as("VP9 simulcast: " + sent).isEqualTo("video/VP9");
            assertThat(((List<?>) sent.get("l")).get(1)).as("VP9 simulcast: " + sent).isEqualTo("video/VP9");
            int bigWidth = ((Number) ((List<?>) sent.get("h")).get(0)).intValue();

            bob.await("bob decodes the big layer", WAIT, () -> width(bob) == bigWidth && frames(bob) > 30);
            assertThat(received(bob).get(2)).isEqualTo("video/VP9");
            for (int i = 0; i < 3; i++) {
                bob.script("window.trtc.switchStreamType(arguments[0])", stream);
                bob.await("switch " + (2 * i + 1) + ": bob decodes the small layer", WAIT,
                        () -> width(bob) > 0 && width(bob) < bigWidth);
                keepsDecoding(bob, "the small layer after switch " + (2 * i + 1));
                bob.script("window.trtc.switchStreamType(arguments[0])", stream);
                bob.await("switch " + (2 * i + 2) + ": bob decodes the big layer", WAIT,
                        () -> width(bob) == bigWidth);
                keepsDecoding(bob, "the big layer after switch " + (2 * i + 2));
            }
            assertThat(received(bob).get(2)).isEqualTo("video/VP9");
        }
    }

    /** 120 more frames (4 s at the fake camera's 30 fps) within 8 s, on the same layer. */
    private static void keepsDecoding(HeadlessChromium bob, String what) {
        long width = width(bob);
        long from = frames(bob);
        bob.await(what + ": 120 frames within 8 s (from " + from + ")", Duration.ofSeconds(8),
                () -> frames(bob) >= from + 120);
        assertThat(width(bob)).as(what).isEqualTo(width);
    }

    private static List<?> received(HeadlessChromium page) {
        return (List<?>) ((Map<?, ?>) page.asyncScript(VIDEO)).get("received");
    }

    private static Map<?, ?> sent(HeadlessChromium page) {
        return (Map<?, ?>) ((Map<?, ?>) page.asyncScript(VIDEO)).get("sent");
    }

    private static long width(HeadlessChromium page) {
        return ((Number) received(page).get(0)).longValue();
    }

    private static long frames(HeadlessChromium page) {
        return ((Number) received(page).get(1)).longValue();
    }

    private static HeadlessChromium page() {
        HeadlessChromium page = BrowserMedia.start();
        page.onEveryPage(PREFER_VP9);
        page.onEveryPage(WebSdkChromiumIT.APP);
        page.open(server.url("/index.html").toString());
        return page;
    }

    private static void start(HeadlessChromium page, String userId, Map<String, Object> pusher) {
        Map<String, Object> params = Map.of("sdkAppID", server.sdkAppId(), "userID", userId,
                "userSig", server.userSig(userId), "roomID", 8812);
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app({}, arguments[0], arguments[1]).then(done, e => done(String(e)))", params, pusher);
        assertThat(started).isEqualTo(true);
    }
}
