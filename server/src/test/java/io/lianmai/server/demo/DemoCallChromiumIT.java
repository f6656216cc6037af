package io.lianmai.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.live.LiveOutput;
import io.lianmai.server.sdk.BrowserMedia;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.ToneDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's experience in headless Chromium: two tabs open the demo room page with the same room number and have
 * a video call through the web SDK, the signalling WebSocket and the SFU; toggles and hang-up reach the other side
 * as trtc-wx events.
 */
class DemoCallChromiumIT {
    private static final Duration MEDIA = Duration.ofSeconds(20);
    /**
     * The browser's microphone tone when it also plays the RTMP pusher's {@value LiveOutput#TONE_HZ} Hz: the SDK
     * captures with echo cancellation, which would take a tone of the same pitch for an echo and remove it.
     */
    private static final int BROWSER_TONE_HZ = 660;
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("dev.userSigEndpoint", "true"));

    @Test
    void twoTabsInOneRoomHaveAVideoCall() {
        try (HeadlessChromium alice = BrowserMedia.start(); HeadlessChromium bob = BrowserMedia.start()) {
            alice.open(server.url("/room.html?roomID=2024&userID=alice").toString());
            bob.open(server.url("/room.html?roomID=2024&userID=bob").toString());

            awaitMedia(alice, "alice decodes bob");
            awaitMedia(bob, "bob decodes alice");
            assertThat(events(alice)).contains("LOCAL_JOIN", "REMOTE_USER_JOIN", "REMOTE_VIDEO_ADD",
                    "REMOTE_AUDIO_ADD");
            // The <live-player>/<live-pusher> elements of the room page render the remote and local video.
            alice.await("rendered video", MEDIA, () -> Boolean.TRUE.equals(alice.script(
                    "const video = tag => { const e = document.querySelector(tag);"
                            + " return e && (e.shadowRoot || e).querySelector('video'); };"
                            + "const p = video('live-player'), l = video('live-pusher');"
                            + "return !!p && p.videoWidth > 0 && !!l && l.videoWidth > 0")));
            // Stats and volume events from getStats() and the audio levels.
            alice.await("net state and volume events", MEDIA, () -> events(alice).containsAll(List.of(
                    "LOCAL_NET_STATE_UPDATE", "REMOTE_NET_STATE_UPDATE", "REMOTE_AUDIO_VOLUME_UPDATE")));

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

    /**
     * The "done when": ffmpeg as a live-pusher and ffmpeg as a live-player take part in a room with a browser
     * member. The browser sees the pusher join and decodes it (RTMP → WebRTC: H.264 as is, AAC → Opus); the player
     * decodes the browser's stream as HTTP-FLV (WebRTC → FLV: VP8 → H.264, Opus → AAC) and hears the browser's
     * microphone, a {@value #BROWSER_TONE_HZ} Hz tone, as it does the pusher's stream and its
     * {@value LiveOutput#TONE_HZ} Hz tone; the browser sees the pusher leave.
     */
    @Test
    void anRtmpPusherAndAnFlvPlayerShareARoomWithABrowser(@TempDir Path dir) throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        Path tone = ToneDetector.writeWav(dir.resolve("tone.wav"), BROWSER_TONE_HZ, 1, 48_000);
        try (HeadlessChromium web = BrowserMedia.startWithMicrophone(tone)) {
            web.open(server.url("/room.html?roomID=7070&userID=web").toString());
            web.await("LOCAL_JOIN", MEDIA, () -> events(web).contains("LOCAL_JOIN"));
            // FfmpegRtmp.publish sends 30 fps and a LiveOutput.TONE_HZ sine.
            Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, server.sdkAppId()
                    + "_7070_pusher_main", server.userSig("pusher")), 60, dir.resolve("ffmpeg.log"));
            try {
                web.await("the pusher joins and publishes", MEDIA, () -> events(web).containsAll(List.of(
                        "REMOTE_USER_JOIN", "REMOTE_VIDEO_ADD", "REMOTE_AUDIO_ADD")));
                awaitMedia(web, "the browser decodes the RTMP pusher");

                String flv = server.signedLive(server.sdkAppId() + "_7070_web_main.flv").toString();
                String streams = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout",
                        "10000000", "-show_entries", "stream=codec_name", "-of", "csv=p=0", flv), 30, dir);
                assertThat(streams).contains("h264").contains("aac");
                // The browser's camera may slow under load: 20 frames in 3 s of stream is its floor, as before.
                LiveOutput.assertSeenAndHeard(dir, flv, 20, BROWSER_TONE_HZ);
                LiveOutput.assertSeenAndHeard(dir,
                        server.signedLive(server.sdkAppId() + "_7070_pusher_main.flv").toString());
            } finally {
                FfmpegRtmp.stop(pusher);
            }
            web.await("the pusher leaves", MEDIA, () -> events(web).contains("REMOTE_USER_LEAVE"));
        }
    }

    /**
     * Four browsers on two cores each encode one camera and decode three: measured here, the last page's three
     * streams decode 25–35 s after its subscriptions when other builds share the machine (≈ 15 s alone), so each
     * page gets 90 s, and a page that does not get there names every page's events, players and connections.
     */
    @Test
    void fourPeopleInOneRoomSeeEveryone() {
        List<HeadlessChromium> pages = new java.util.ArrayList<>();
        try {
            for (int i = 1; i <= 4; i++) {
                HeadlessChromium page = BrowserMedia.start();
                pages.add(page);
                page.open(server.url("/multi.html?roomID=4444&userID=member" + i).toString());
            }
            for (int i = 0; i < pages.size(); i++) {
                HeadlessChromium page = pages.get(i);
                try {
                    page.await("member" + (i + 1) + ": three remote videos decoding", Duration.ofSeconds(90),
                            () -> streamsDecoding(page) >= 3);
                } catch (AssertionError e) {
                    StringBuilder state = new StringBuilder(e.getMessage());
                    for (int j = 0; j < pages.size(); j++) {
                        state.append("\nmember").append(j + 1).append(": ").append(BrowserMedia.describe(pages.get(j)));
                    }
                    throw new AssertionError(state.toString(), e);
                }
            }
        } finally {
            for (HeadlessChromium page : pages) {
                page.close();
            }
        }
    }

    @Test
    void inLiveAnAudienceMemberPublishesOnlyAfterSwitchRole() {
        try (HeadlessChromium anchor = BrowserMedia.start();
                HeadlessChromium audience = BrowserMedia.start()) {
            anchor.open(server.url("/live.html?roomID=5555&userID=host&role=anchor").toString());
            audience.open(server.url("/live.html?roomID=5555&userID=fan&role=audience").toString());
            awaitMedia(audience, "the audience watches the anchor");

            audience.script("window.__trtc.setPusherAttributes({enableCamera: true, enableMic: true});"
                    + "window.__trtc.getPusherInstance().start()");
            // A barrier instead of a pause: a custom message sent after start() reaches the anchor after anything
            // that start() sent on the same socket (one socket, one room, events in order).
            audience.asyncScript("window.__trtc.sendCustomMessage(2, 'after start').then(() => arguments[0](true),"
                    + " () => arguments[0](false))");
            anchor.await("the audience's message after start()", MEDIA,
                    () -> events(anchor).contains("IM_MESSAGE_RECEIVED"));
            // The pusher's snapshot resolves once start() has captured the camera: the SDK has taken the start.
            audience.await("the audience's camera captured", MEDIA, () -> Boolean.TRUE.equals(audience.asyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "window.__trtc.getPusherInstance().snapshot().then(() => done(true), () => done(false))")));
            assertThat(BrowserMedia.sends(audience)).as("no publishing connection for an audience member").isFalse();
            assertThat(events(anchor)).as("nothing published by an audience member").doesNotContain("REMOTE_VIDEO_ADD");
            long switched = ((Number) audience.asyncScript("const done = arguments[0];"
                    + "window.__trtc.switchRole('anchor').then(() => { const at = Date.now();"
                    + "window.__trtc.setPusherAttributes({enableCamera: true, enableMic: true});"
                    + "window.__trtc.getPusherInstance().start(); done(at); })")).longValue();
            anchor.await("the co-host's video", MEDIA, () -> events(anchor).contains("REMOTE_VIDEO_ADD"));
            // The co-host's stream appeared only after the server agreed to the switch (same machine, same clock).
            assertThat(((Number) anchor.script("return window.__events.find(e => e.name === 'REMOTE_VIDEO_ADD').time"))
                    .longValue()).isGreaterThanOrEqualTo(switched);
            awaitMedia(anchor, "the anchor decodes the co-host");
            // The first video the anchor saw came after the co-host's role change, not while it was audience.
            List<String> seen = events(anchor);
            assertThat(seen).contains("REMOTE_USER_ROLE_UPDATE");
            assertThat(seen.indexOf("REMOTE_VIDEO_ADD")).as("video only after becoming an anchor: " + seen)
                    .isGreaterThan(seen.indexOf("REMOTE_USER_ROLE_UPDATE"));
        }
    }

    @Test
    void aDroppedWebSocketResumesWithoutTheOtherSideSeeingALeave() {
        try (HeadlessChromium alice = BrowserMedia.start(); HeadlessChromium bob = BrowserMedia.start()) {
            alice.open(server.url("/room.html?roomID=6060&userID=alice2").toString());
            bob.open(server.url("/room.html?roomID=6060&userID=bob2").toString());
            awaitMedia(alice, "alice decodes bob");

            BrowserMedia.dropSockets(bob);
            bob.await("bob reconnected", MEDIA, () -> BrowserMedia.socketOpen(bob)
                    && events(bob).contains("CONNECTION_STATE_UPDATE") && Boolean.TRUE.equals(bob.script(
                            "const e = window.__events.filter(e => e.name === 'CONNECTION_STATE_UPDATE');"
                                    + " return e.length > 0 && e[e.length - 1].data.state === 'connected'")));
            long before = framesDecoded(alice);
            alice.await("media still flows", MEDIA, () -> framesDecoded(alice) > before + 30);

            assertThat(events(alice)).doesNotContain("REMOTE_USER_LEAVE", "REMOTE_VIDEO_REMOVE");
        }
    }

    @Test
    void theFirstRunUrlGivesACallWithoutTheDevEndpoint() {
        try (TestServer plain = TestServer.start();
                HeadlessChromium alice = BrowserMedia.start();
                HeadlessChromium bob = BrowserMedia.start()) {
            String key = plain.server().apps().find(new SdkAppId(plain.sdkAppId())).orElseThrow().secretKey();
            String fragment = "#sdkAppID=" + plain.sdkAppId() + "&secretKey=" + key;
            // As printed by `lianmai serve` on its first run: the home page, then the room number.
            alice.open(plain.url("/").toString() + fragment);
            alice.script("location.href = 'room.html?roomID=777&userID=alice3'");
            bob.open(plain.url("/room.html?roomID=777&userID=bob3").toString() + fragment);

            awaitMedia(alice, "alice decodes bob");
            awaitMedia(bob, "bob decodes alice");
            assertThat(String.valueOf(alice.script("return location.href"))).doesNotContain("secretKey");
        }
    }

    @Test
    void aBadUserSigShowsTheTrtcError() {
        try (HeadlessChromium page = BrowserMedia.start()) {
            page.open(server.url("/room.html?roomID=7&userID=eve&sdkAppID=" + server.sdkAppId()
                    + "&userSig=not-a-usersig").toString());

            page.await("the error shown", MEDIA, () -> errorText(page).contains("-100018"));
        }
    }

    private static void awaitMedia(HeadlessChromium page, String what) {
        page.await(what, MEDIA, () -> BrowserMedia.framesDecoded(page) > 10 && BrowserMedia.audioSamples(page) > 0);
    }

    private static long framesDecoded(HeadlessChromium page) {
        return BrowserMedia.framesDecoded(page);
    }

    /** How many subscribed streams have decoded at least a few frames. */
    private static long streamsDecoding(HeadlessChromium page) {
        return BrowserMedia.streamsDecoding(page);
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
