package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.server.FirefoxFixture;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.HeadlessFirefox;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web SDK ({@code /sdk/lianmai-web.js}) in Firefox ESR, in a call with the web SDK in Chromium: the same app
 * page as {@link WebSdkChromiumIT}, through the SDK's public API only. Firefox publishes its camera and microphone
 * and Chromium decodes them; Chromium publishes and Firefox decodes (its own {@code getStats()}). Firefox runs in a
 * network namespace of the test's own and the server's media listen on its veth pair's host end (see
 * {@link HeadlessFirefox}); Chromium, on this side, reaches them there too.
 */
class WebSdkFirefoxIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** [decoded video frames, received audio packets] over the page's open peer connections, Firefox's stats. */
    private static final String COUNTS = "(async () => { let frames = 0, audio = 0;"
            + "  for (const pc of (window.__pcs || [])) { if (pc.connectionState === 'closed') continue;"
            + "    (await pc.getStats()).forEach(s => { if (s.type !== 'inbound-rtp') return;"
            + "      if (s.kind === 'video') frames += s.framesDecoded || 0;"
            + "      if (s.kind === 'audio') audio += s.packetsReceived || 0; }); }"
            + "  return [frames, audio]; })()";
    @RegisterExtension
    private static final FirefoxFixture fixture = new FirefoxFixture();

    @Test
    void firefoxAndChromiumSeeAndHearEachOtherThroughTheSdk() {
        try (HeadlessFirefox fox = fixture.firefox(); HeadlessChromium chrome = BrowserMedia.start()) {
            fox.onEveryPage(BrowserMedia.PROBE + WebSdkChromiumIT.APP);
            fox.open(server().url("/index.html").toString());
            chrome.onEveryPage(WebSdkChromiumIT.APP);
            chrome.open(server().url("/index.html").toString());

            JsonNode started = fox.script("window.app({}, " + params("fox-alice") + ", "
                    + "{enableCamera: true, enableMic: true})");
            assertThat(started.asBoolean()).as(started.toString()).isTrue();
            assertThat(chrome.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.app({}, arguments[0], arguments[1]).then(done, e => done(String(e)))",
                    Map.of("sdkAppID", server().sdkAppId(), "userID", "chrome-bob", "userSig",
                            server().userSig("chrome-bob"), "roomID", 8861, "scene", "rtc", "role", "anchor"),
                    Map.of("enableCamera", true, "enableMic", true))).isEqualTo(true);

            chrome.await("Chromium decodes Firefox's video and audio", WAIT,
                    () -> BrowserMedia.framesDecoded(chrome) > 30 && BrowserMedia.audioSamples(chrome) > 0);
            fox.await("Firefox decodes Chromium's video and receives its audio", WAIT, () -> {
                JsonNode counts = fox.script(COUNTS);
                return counts.path(0).asLong() > 30 && counts.path(1).asLong() > 0;
            });
            assertThat(fox.script("window.got.filter(e => e.name === 'ERROR').length").asInt())
                    .as(fox.script("JSON.stringify(window.got)").asText()).isZero();
        }
    }

    private static String params(String userId) {
        return "{sdkAppID: " + server().sdkAppId() + ", userID: '" + userId + "', userSig: '" + server().userSig(userId)
                + "', roomID: 8861, scene: 'rtc', role: 'anchor'}";
    }

    private static TestServer server() {
        return fixture.server();
    }
}
