package io.lianmai.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.HeadlessChromium;
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
    private static final String MEDIA_COUNTS = "const done = arguments[arguments.length - 1];"
            + "(async () => { let frames = 0, samples = 0;"
            + "  for (const sub of (window.__trtc && window.__trtc._subs ? window.__trtc._subs.values() : [])) {"
            + "    (await sub.pc.getStats()).forEach(s => { if (s.type !== 'inbound-rtp') return;"
            + "      if (s.kind === 'video') frames += s.framesDecoded || 0;"
            + "      if (s.kind === 'audio') samples += s.totalSamplesReceived || 0; }); }"
            + "  return [frames, samples]; })().then(done, () => done([0, 0]));";
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("dev.userSigEndpoint", "true"));

    @Test
    void twoTabsInOneRoomHaveAVideoCall() {
        try (HeadlessChromium alice = HeadlessChromium.start(); HeadlessChromium bob = HeadlessChromium.start()) {
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
     * The "done when": ffmpeg as a live-pusher and ffprobe as a live-player take part in a room with a browser
     * member. The browser sees the pusher join and decodes it (RTMP → WebRTC: H.264 as is, AAC → Opus); ffprobe
     * decodes the browser's stream as HTTP-FLV (WebRTC → FLV: VP8 → H.264, Opus → AAC); the browser sees the pusher
     * leave.
     */
    @Test
    void anRtmpPusherAndAnFlvPlayerShareARoomWithABrowser(@TempDir Path dir) throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        try (HeadlessChromium web = HeadlessChromium.start()) {
            web.open(server.url("/room.html?roomID=7070&userID=web").toString());
            web.await("LOCAL_JOIN", MEDIA, () -> events(web).contains("LOCAL_JOIN"));
            Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, server.sdkAppId()
                    + "_7070_pusher_main", server.userSig("pusher")), 40, dir.resolve("ffmpeg.log"));
            try {
                web.await("the pusher joins and publishes", MEDIA, () -> events(web).containsAll(List.of(
                        "REMOTE_USER_JOIN", "REMOTE_VIDEO_ADD", "REMOTE_AUDIO_ADD")));
                awaitMedia(web, "the browser decodes the RTMP pusher");

                String flv = server.signedLive(server.sdkAppId() + "_7070_web_main.flv").toString();
                String streams = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout",
                        "10000000", "-show_entries", "stream=codec_name", "-of", "csv=p=0", flv), 30, dir);
                assertThat(streams).contains("h264").contains("aac");
                String frames = FfmpegRtmp.run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout",
                        "10000000", "-read_intervals", "%+3", "-select_streams", "v", "-count_frames",
                        "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", flv), 30, dir);
                assertThat(Integer.parseInt(frames.strip().split("\\s+")[0])).as(frames).isGreaterThan(20);
            } finally {
                FfmpegRtmp.stop(pusher);
            }
            web.await("the pusher leaves", MEDIA, () -> events(web).contains("REMOTE_USER_LEAVE"));
        }
    }

    @Test
    void fourPeopleInOneRoomSeeEveryone() {
        List<HeadlessChromium> pages = new java.util.ArrayList<>();
        try {
            for (int i = 1; i <= 4; i++) {
                HeadlessChromium page = HeadlessChromium.start();
                pages.add(page);
                page.open(server.url("/multi.html?roomID=4444&userID=member" + i).toString());
            }
            for (HeadlessChromium page : pages) {
                page.await("three remote videos decoding", Duration.ofSeconds(40), () -> streamsDecoding(page) >= 3);
            }
        } finally {
            for (HeadlessChromium page : pages) {
                page.close();
            }
        }
    }

    @Test
    void inLiveAnAudienceMemberPublishesOnlyAfterSwitchRole() throws Exception {
        try (HeadlessChromium anchor = HeadlessChromium.start();
                HeadlessChromium audience = HeadlessChromium.start()) {
            anchor.open(server.url("/live.html?roomID=5555&userID=host&role=anchor").toString());
            audience.open(server.url("/live.html?roomID=5555&userID=fan&role=audience").toString());
            awaitMedia(audience, "the audience watches the anchor");

            audience.script("window.__trtc.setPusherAttributes({enableCamera: true, enableMic: true});"
                    + "window.__trtc.getPusherInstance().start()");
            Thread.sleep(3000);
            assertThat(events(anchor)).as("nothing published by an audience member").doesNotContain("REMOTE_VIDEO_ADD");

            audience.asyncScript("window.__trtc.switchRole('anchor').then(() => {"
                    + "window.__trtc.setPusherAttributes({enableCamera: true, enableMic: true});"
                    + "window.__trtc.getPusherInstance().start(); arguments[0](true); })");
            anchor.await("the co-host's video", MEDIA, () -> events(anchor).contains("REMOTE_VIDEO_ADD"));
            awaitMedia(anchor, "the anchor decodes the co-host");
        }
    }

    @Test
    void aDroppedWebSocketResumesWithoutTheOtherSideSeeingALeave() {
        try (HeadlessChromium alice = HeadlessChromium.start(); HeadlessChromium bob = HeadlessChromium.start()) {
            alice.open(server.url("/room.html?roomID=6060&userID=alice2").toString());
            bob.open(server.url("/room.html?roomID=6060&userID=bob2").toString());
            awaitMedia(alice, "alice decodes bob");

            bob.script("window.__trtc._ws.close()");
            bob.await("bob reconnected", MEDIA, () -> Boolean.TRUE.equals(bob.script(
                    "return !!window.__trtc._ws && window.__trtc._ws.readyState === 1 && "
                            + "window.__trtc._state === 'joined'")));
            long before = framesDecoded(alice);
            alice.await("media still flows", MEDIA, () -> framesDecoded(alice) > before + 30);

            assertThat(events(alice)).doesNotContain("REMOTE_USER_LEAVE", "REMOTE_VIDEO_REMOVE");
        }
    }

    @Test
    void theFirstRunUrlGivesACallWithoutTheDevEndpoint() {
        try (TestServer plain = TestServer.start();
                HeadlessChromium alice = HeadlessChromium.start();
                HeadlessChromium bob = HeadlessChromium.start()) {
            String key = plain.server().apps().find(plain.sdkAppId()).orElseThrow().secretKey();
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

    private static long framesDecoded(HeadlessChromium page) {
        return ((Number) ((List<?>) page.asyncScript(MEDIA_COUNTS)).get(0)).longValue();
    }

    /** How many subscribed streams have decoded at least a few frames. */
    private static long streamsDecoding(HeadlessChromium page) {
        Object count = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "(async () => { let n = 0; for (const sub of window.__trtc._subs.values()) { let f = 0;"
                + "  (await sub.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video')"
                + "    f += s.framesDecoded || 0; }); if (f > 5) n++; } return n; })().then(done, () => done(0));");
        return ((Number) count).longValue();
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
