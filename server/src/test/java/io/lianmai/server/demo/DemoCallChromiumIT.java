package io.lianmai.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.media.TestServer;
import io.lianmai.testkit.HeadlessChromium;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's experience in headless Chromium: two tabs open the demo room page with the same room number and have
 * a video call through the web SDK, the signalling WebSocket and the SFU; toggles and hang-up reach the other side
 * as trtc-wx events.
 */
class DemoCallChromiumIT {
    private static final Duration MEDIA = Duration.ofSeconds(20);
    private static final String MEDIA_COUNTS = "const done = arguments[arguments.length - 1];"
            + "(async () => { let frames = 0, samples = 0;"
            + "  for (const sub of (window.__trtc && window.__trtc._subs ? window.__trtc._subs.values() : [])) {"
            + "    (await sub.pc.getStats()).forEach(s => { if (s.type !== 'inbound-rtp') return;"
            + "      if (s.kind === 'video') frames += s.framesDecoded || 0;"
            + "      if (s.kind === 'audio') samples += s.totalSamplesReceived || 0; }); }"
            + "  return [frames, samples]; })().then(done, () => done([0, 0]));";
    private static TestServer server;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(Map.of("dev.userSigEndpoint", "true"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoTabsInOneRoomHaveAVideoCall() {
        try (HeadlessChromium alice = HeadlessChromium.start(); HeadlessChromium bob = HeadlessChromium.start()) {
            alice.open(server.url("/room.html?roomID=2024&userID=alice").toString());
            bob.open(server.url("/room.html?roomID=2024&userID=bob").toString());

            awaitMedia(alice, "alice decodes bob");
            awaitMedia(bob, "bob decodes alice");
            assertThat(events(alice)).contains("LOCAL_JOIN", "REMOTE_USER_JOIN", "REMOTE_VIDEO_ADD",
                    "REMOTE_AUDIO_ADD");

            bob.script("window.__trtc.setPusherAttributes({enableMic: false})");
            alice.await("REMOTE_AUDIO_REMOVE", MEDIA, () -> events(alice).contains("REMOTE_AUDIO_REMOVE"));
            bob.script("window.__trtc.setPusherAttributes({enableMic: true})");
            alice.await("REMOTE_AUDIO_ADD again", MEDIA, () -> count(alice, "REMOTE_AUDIO_ADD") >= 2);

            bob.script("window.__trtc.setPusherAttributes({enableCamera: false})");
            alice.await("REMOTE_VIDEO_REMOVE", MEDIA, () -> events(alice).contains("REMOTE_VIDEO_REMOVE"));
            bob.script("window.__trtc.setPusherAttributes({enableCamera: true})");
            alice.await("REMOTE_VIDEO_ADD again", MEDIA, () -> count(alice, "REMOTE_VIDEO_ADD") >= 2);

            bob.script("window.__trtc.exitRoom()");
            alice.await("REMOTE_USER_LEAVE", MEDIA, () -> events(alice).contains("REMOTE_USER_LEAVE"));
        }
    }

    @Test
    void aBadUserSigShowsTheTrtcError() {
        try (HeadlessChromium page = HeadlessChromium.start()) {
            page.open(server.url("/room.html?roomID=7&userID=eve&sdkAppID=" + server.sdkAppId()
                    + "&userSig=not-a-usersig").toString());

            page.await("the error shown", MEDIA, () -> errorText(page).contains("-100018"));
        }
    }

    private static void awaitMedia(HeadlessChromium page, String what) {
        page.await(what, MEDIA, () -> {
            List<?> counts = (List<?>) page.asyncScript(MEDIA_COUNTS);
            return ((Number) counts.get(0)).longValue() > 10 && ((Number) counts.get(1)).longValue() > 0;
        });
    }

    private static List<String> events(HeadlessChromium page) {
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) page.script(
                "return (window.__events || []).map(e => e.name)");
        return names;
    }

    private static long count(HeadlessChromium page, String name) {
        return events(page).stream().filter(name::equals).count();
    }

    private static String errorText(HeadlessChromium page) {
        Object text = page.script("const e = document.getElementById('error'); return e ? e.textContent : ''");
        return String.valueOf(text);
    }
}
