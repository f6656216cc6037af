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
 * The web SDK's publishing options between two headless Chromiums through a real server: the small stream
 * (simulcast) that {@code switchStreamType} chooses, screen sharing as the aux stream, and {@code audioQuality}.
 * What the other side receives is read from the browser's own {@code getStats()} (see {@link BrowserMedia}).
 */
class WebSdkPublishingChromiumIT {
    private static final Duration WAIT = Duration.ofSeconds(25);
    /** {@code [frameWidth, frameHeight, framesDecoded]} of the page's received video of one stream (its track id). */
    private static final String RECEIVED_VIDEO = "const done = arguments[arguments.length - 1];"
            + "(async () => { let best = [0, 0, 0];"
            + "  for (const pc of window.__pcs) { if (pc.connectionState === 'closed') continue;"
            + "    (await pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video'"
            + "      && (s.framesDecoded || 0) > best[2]) best = [s.frameWidth || 0, s.frameHeight || 0, s.framesDecoded]; }); }"
            + "  return best; })().then(done, e => done([0, 0, 0]));";
    /** {@code {rid: [frameWidth, bytesSent]}} of the page's sent video encodings. */
    private static final String SENT_VIDEO = "const done = arguments[arguments.length - 1];"
            + "(async () => { const out = {};"
            + "  for (const pc of window.__pcs) { if (pc.connectionState === 'closed') continue;"
            + "    (await pc.getStats()).forEach(s => { if (s.type === 'outbound-rtp' && s.kind === 'video')"
            + "      out[s.rid || '-'] = [s.frameWidth || 0, s.bytesSent || 0]; }); }"
            + "  return out; })().then(done, e => done({}));";

    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @Test
    void aSubscriberSwitchesBetweenTheBigAndTheSmallStreamOfAWebPublisher() {
        try (HeadlessChromium alice = page(); HeadlessChromium bob = page()) {
            start(alice, params("sim-alice", 8811), Map.of("enableCamera", true, "enableMic", true,
                    "enableSmallStream", true, "videoWidth", 640, "videoHeight", 480, "maxBitrate", 1200));
            start(bob, params("sim-bob", 8811), Map.of());
            String stream = "sim-alice_main";
            alice.await("alice sends both encodings", WAIT, () -> {
                Map<?, ?> sent = (Map<?, ?>) alice.asyncScript(SENT_VIDEO);
                return sent.containsKey("h") && sent.containsKey("l") && width(sent, "h") > 0 && width(sent, "l") > 0;
            });
            Map<?, ?> sent = (Map<?, ?>) alice.asyncScript(SENT_VIDEO);
            int bigWidth = width(sent, "h");
            int smallWidth = width(sent, "l");
            assertThat(smallWidth).as("the small encoding is scaled down: " + sent).isLessThanOrEqualTo(bigWidth / 3);

            bob.await("bob decodes the big stream", WAIT, () -> received(bob).get(0) == bigWidth
                    && received(bob).get(2) > 30);
            List<?> small = (List<?>) bob.script("return window.trtc.switchStreamType(arguments[0])", stream);
            assertThat(((Map<?, ?>) small.get(0)).get("smallStream")).isEqualTo(true);
            // The server forwards the small encoding itself (it never scales): the frames bob decodes have its size.
            bob.await("bob decodes the small stream", WAIT, () -> received(bob).get(0) == smallWidth);
            long onSmall = received(bob).get(2);
            bob.await("frames keep coming on the small stream", WAIT, () -> received(bob).get(2) > onSmall + 30);
            assertThat(received(bob).get(0)).isEqualTo(smallWidth);

            bob.script("window.trtc.switchStreamType(arguments[0])", stream);
            bob.await("bob decodes the big stream again", WAIT, () -> received(bob).get(0) == bigWidth);
            long onBig = received(bob).get(2);
            bob.await("frames keep coming on the big stream", WAIT, () -> received(bob).get(2) > onBig + 30);
            assertThat(events(bob, "ERROR")).isEmpty();
            assertThat(events(bob, "PLAYER_WARNING")).isEmpty();
        }
    }

    private static int width(Map<?, ?> sent, String rid) {
        return sent.get(rid) == null ? 0 : ((Number) ((List<?>) sent.get(rid)).get(0)).intValue();
    }

    private static List<Long> received(HeadlessChromium page) {
        return ((List<?>) page.asyncScript(RECEIVED_VIDEO)).stream().map(n -> ((Number) n).longValue()).toList();
    }

    private static HeadlessChromium page() {
        HeadlessChromium page = BrowserMedia.start();
        page.onEveryPage(WebSdkChromiumIT.APP);
        page.open(server.url("/index.html").toString());
        return page;
    }

    private static Map<String, Object> params(String userId, long room) {
        return Map.of("sdkAppID", server.sdkAppId(), "userID", userId, "userSig", server.userSig(userId),
                "roomID", room);
    }

    private static void start(HeadlessChromium page, Map<String, Object> params, Map<String, Object> pusher) {
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app({}, arguments[0], arguments[1]).then(done, e => done(String(e)))", params, pusher);
        assertThat(started).isEqualTo(true);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(HeadlessChromium page, String name) {
        return (List<Map<String, Object>>) page.script(
                "return window.got.filter(e => e.name === arguments[0]).map(e => e.data)", name);
    }
}
