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
 * The web SDK ({@code /sdk/lianmai-web.js}) through its public API only, in headless Chromium against a real server:
 * each page imports the SDK as an app would, renders {@code <live-pusher>}/{@code <live-player>} for what it is told,
 * and the test checks what a user sees and hears on the other side — decoded frames and their brightness, received
 * audio energy — and the events the SDK gives. Nothing here reads the SDK's private fields.
 */
public class WebSdkChromiumIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * An app page: window.app(options, params) creates a TRTC, records events (not the periodic ones) in window.got,
     * renders a live-player per remote video and a live-pusher, and enters the room.
     */
    public static final String APP = "window.got = []; window.app = async (options, params, pusherAttrs) => {"
            + "  const {default: TRTC} = await import('/sdk/lianmai-web.js');"
            + "  const page = {data: {}, setData(d, cb) { Object.assign(this.data, d); if (cb) setTimeout(cb, 0); }};"
            + "  const trtc = new TRTC(page, Object.assign({env: 'test'}, options));"
            + "  window.trtc = trtc; window.TRTC = TRTC;"
            + "  const periodic = /NET_STATE_UPDATE|AUDIO_VOLUME_UPDATE/;"
            + "  for (const name of Object.values(TRTC.EVENT)) trtc.on(name, e => {"
            + "    if (!periodic.test(name)) window.got.push({name, data: JSON.parse(JSON.stringify(e.data || {}))}); });"
            + "  trtc.on(TRTC.EVENT.REMOTE_VIDEO_ADD, ({data}) => {"
            + "    if (document.getElementById(data.player.streamID)) return;"
            + "    const el = document.createElement('live-player'); el.id = data.player.streamID;"
            + "    el.setAttribute('src', data.player.src); el.style.width = '320px'; el.style.height = '180px';"
            + "    document.body.appendChild(el); });"
            + "  trtc.createPusher(pusherAttrs || {});"
            + "  const pusher = document.createElement('live-pusher'); pusher.trtc = trtc; pusher.id = 'me';"
            + "  pusher.style.width = '320px'; pusher.style.height = '180px'; document.body.appendChild(pusher);"
            + "  if (params) { page.setData({pusher: trtc.enterRoom(params)}, () => trtc.getPusherInstance().start()); }"
            + "  return true; };";
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @Test
    void theWebSdksPublicMethodsWorkOnACallThroughTheServer() {
        try (HeadlessChromium alice = page(); HeadlessChromium bob = page(); HeadlessChromium bob2 = page()) {
            // Preview before entering: the live-pusher shows the camera, stopPreview releases it.
            start(alice, null, Map.of("enableCamera", true, "enableMic", true));
            alice.script("window.trtc.getPusherInstance().startPreview()");
            alice.await("the preview shows", WAIT, () -> previewShows(alice));
            alice.script("window.trtc.getPusherInstance().stopPreview()");
            alice.await("the preview stops", WAIT, () -> !previewShows(alice));
            alice.script("window.trtc.enterRoom(arguments[0]); window.trtc.getPusherInstance().start()",
                    params("web-alice", 8801, "rtc", "anchor"));
            start(bob, params("web-bob", 8801, "rtc", "anchor"), Map.of("enableCamera", true, "enableMic", true));

            awaitFrames(bob, "bob sees and hears alice");
            awaitFrames(alice, "alice sees and hears bob");
            String aliceStream = "web-alice_main";
            bob.await("bob's live-player renders alice", WAIT, () -> brightness(bob, aliceStream) > 20);

            // on/off: a handler taken off hears nothing; off(name) takes every handler of that event.
            bob.script("window.h1 = 0; window.h2 = 0; window.f1 = () => window.h1++;"
                    + "window.trtc.on('IM_MESSAGE_RECEIVED', window.f1); window.trtc.on('IM_MESSAGE_RECEIVED', () => window.h2++);"
                    + "window.trtc.off('IM_MESSAGE_RECEIVED', window.f1)");
            assertThat(alice.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.sendCustomMessage(3, 'hello').then(() => done('sent'), e => done('failed ' + e.code))"))
                    .isEqualTo("sent");
            bob.await("the custom message", WAIT, () -> !events(bob, "IM_MESSAGE_RECEIVED").isEmpty());
            Map<?, ?> message = events(bob, "IM_MESSAGE_RECEIVED").get(0);
            assertThat(message.get("userID")).isEqualTo("web-alice");
            assertThat(((Number) message.get("cmdID")).intValue()).isEqualTo(3);
            assertThat(message.get("data")).isEqualTo("hello");
            assertThat(((Number) bob.script("return window.h1")).intValue()).isZero();
            assertThat(((Number) bob.script("return window.h2")).intValue()).isEqualTo(1);
            // The pusher's sendMessage is cmdID 1; a cmdID out of 1..10 is refused and reported as IM_ERROR.
            alice.script("window.trtc.getPusherInstance().sendMessage('from the pusher')");
            bob.await("sendMessage arrives as cmdID 1", WAIT, () -> events(bob, "IM_MESSAGE_RECEIVED").stream()
                    .anyMatch(m -> ((Number) m.get("cmdID")).intValue() == 1 && "from the pusher".equals(m.get("data"))));
            assertThat(String.valueOf(alice.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.sendCustomMessage(11, 'x').then(() => done('sent'), e => done('refused'))")))
                    .isEqualTo("refused");
            alice.await("IM_ERROR", WAIT, () -> !events(alice, "IM_ERROR").isEmpty());
            bob.script("window.trtc.off('IM_MESSAGE_RECEIVED')");
            int messages = events(bob, "IM_MESSAGE_RECEIVED").size();
            alice.script("window.trtc.sendCustomMessage(4, 'unheard')");
            alice.script("window.trtc.setPusherAttributes({enableMic: false})");
            // Alice's events reach bob in order: once her mic change arrived, so had the message.
            bob.await("REMOTE_AUDIO_REMOVE", WAIT, () -> !events(bob, "REMOTE_AUDIO_REMOVE").isEmpty());
            assertThat(events(bob, "IM_MESSAGE_RECEIVED")).hasSize(messages);
            alice.script("window.trtc.setPusherAttributes({enableMic: true})");
            bob.await("REMOTE_AUDIO_ADD again", WAIT, () -> events(bob, "REMOTE_AUDIO_ADD").size() >= 2);

            // Pusher pause/resume: the other side sees black and hears silence, then the camera and the beep again.
            alice.script("window.trtc.getPusherInstance().pause()");
            bob.await("black video while paused", WAIT, () -> brightness(bob, aliceStream) < 8);
            // The audio that was already on its way (and in bob's jitter buffer, deeper on a busy machine) still
            // plays out after the picture went black: wait until a whole second brings no energy, then check that
            // the silence holds.
            bob.await("silence while paused", WAIT, () -> {
                double before = BrowserMedia.audioEnergy(bob);
                pause(1000);
                return BrowserMedia.audioEnergy(bob) - before < 0.001;
            });
            double energy = BrowserMedia.audioEnergy(bob);
            pause(1500);
            assertThat(BrowserMedia.audioEnergy(bob) - energy).as("audio energy while paused").isLessThan(0.001);
            alice.script("window.trtc.getPusherInstance().resume()");
            bob.await("video again after resume", WAIT, () -> brightness(bob, aliceStream) > 20);
            double resumed = BrowserMedia.audioEnergy(bob);
            bob.await("sound again after resume", WAIT, () -> BrowserMedia.audioEnergy(bob) > resumed + 0.002);

            // Pusher stop/start: the stream leaves the room and comes back.
            alice.script("window.trtc.getPusherInstance().stop()");
            bob.await("REMOTE_VIDEO_REMOVE", WAIT, () -> !events(bob, "REMOTE_VIDEO_REMOVE").isEmpty());
            alice.script("window.trtc.getPusherInstance().start()");
            bob.await("REMOTE_VIDEO_ADD again", WAIT, () -> events(bob, "REMOTE_VIDEO_ADD").size() >= 2);
            long before = BrowserMedia.framesDecoded(bob);
            bob.await("frames after start", WAIT, () -> BrowserMedia.framesDecoded(bob) > before + 30);

            // switchCamera and snapshot.
            Map<?, ?> switched = (Map<?, ?>) alice.script("return window.trtc.getPusherInstance().switchCamera()");
            assertThat(switched.get("frontCamera")).isEqualTo("back");
            // The switched camera's track goes live asynchronously: a snapshot taken meanwhile is refused, so wait
            // for one that succeeds.
            Map<?, ?>[] shot = new Map<?, ?>[1];
            alice.await("a snapshot of the switched camera", WAIT, () -> {
                shot[0] = (Map<?, ?>) alice.asyncScript("const done = arguments[arguments.length - 1];"
                        + "window.trtc.getPusherInstance().snapshot().then(done, e => done({error: String(e)}))");
                return shot[0].get("tempImagePath") != null;
            });
            assertThat(String.valueOf(shot[0].get("tempImagePath"))).startsWith("data:image/jpeg");
            assertThat(((Number) shot[0].get("width")).intValue()).isPositive();
            long afterSwitch = BrowserMedia.framesDecoded(bob);
            bob.await("frames after switchCamera", WAIT, () -> BrowserMedia.framesDecoded(bob) > afterSwitch + 30);

            // Player controls on bob's side.
            List<?> muted = (List<?>) bob.script("return window.trtc.getPlayerInstance(arguments[0]).mute()", aliceStream);
            assertThat(((Map<?, ?>) muted.get(0)).get("muteAudio")).isEqualTo(true);
            bob.await("the live-player is muted", WAIT, () -> Boolean.TRUE.equals(bob.script(
                    "return document.getElementById(arguments[0]).video.muted", aliceStream)));
            bob.script("window.trtc.getPlayerInstance(arguments[0]).pause()", aliceStream);
            assertThat(bob.script("return document.getElementById(arguments[0]).video.srcObject.getVideoTracks()"
                    + ".every(t => !t.enabled)", aliceStream)).isEqualTo(true);
            bob.script("window.trtc.getPlayerInstance(arguments[0]).resume()", aliceStream);
            Map<?, ?> playerShot = (Map<?, ?>) bob.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.getPlayerInstance(arguments[0]).snapshot().then(done, e => done({error: String(e)}))",
                    aliceStream);
            assertThat(((Number) playerShot.get("width")).intValue()).as(String.valueOf(playerShot)).isPositive();
            bob.script("window.trtc.getPlayerInstance(arguments[0]).stop()", aliceStream);
            bob.await("stop() unsubscribes", WAIT, () -> BrowserMedia.streamsDecoding(bob) == 0);
            List<?> playing = (List<?>) bob.script("return window.trtc.getPlayerInstance(arguments[0]).play()",
                    aliceStream);
            assertThat(((Map<?, ?>) playing.get(0)).get("muteVideo")).isEqualTo(false);
            bob.await("play() subscribes again", WAIT, () -> BrowserMedia.streamsDecoding(bob) == 1);

            // switchStreamType: the attribute flips, the server takes the request, media keeps flowing.
            List<?> small = (List<?>) bob.script("return window.trtc.switchStreamType(arguments[0])", aliceStream);
            assertThat(((Map<?, ?>) small.get(0)).get("smallStream")).isEqualTo(true);
            long beforeSmall = BrowserMedia.framesDecoded(bob);
            bob.await("frames on the small layer", WAIT, () -> BrowserMedia.framesDecoded(bob) > beforeSmall + 30);
            assertThat(events(bob, "PLAYER_WARNING")).isEmpty();
            assertThat(events(bob, "ERROR")).isEmpty();

            // KICKED_OUT: the same userID entering elsewhere; the first page's SDK stops everything.
            start(bob2, params("web-bob", 8801, "rtc", "anchor"), Map.of());
            bob.await("KICKED_OUT", WAIT, () -> !events(bob, "KICKED_OUT").isEmpty());
            assertThat(events(bob, "KICKED_OUT").get(0).get("reason")).isEqualTo("duplicate-login");
            bob.await("no connection left open", WAIT, () -> !BrowserMedia.sends(bob)
                    && BrowserMedia.streamsDecoding(bob) == 0 && !BrowserMedia.socketOpen(bob));
            assertThat(((Map<?, ?>) bob.script("return window.trtc.getPusherAttributes()")).get("url")).isEqualTo("");
        }
    }

    @Test
    void switchRoleToAudienceEndsTheAnchorsPublication() {
        try (HeadlessChromium host = page(); HeadlessChromium fan = page()) {
            start(host, params("web-host", 8802, "live", "anchor"), Map.of("enableCamera", true, "enableMic", true));
            start(fan, params("web-fan", 8802, "live", "audience"), Map.of());
            awaitFrames(fan, "the audience watches the anchor");
            assertThat(BrowserMedia.sends(fan)).as("the audience publishes nothing").isFalse();

            assertThat(host.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.switchRole('audience').then(done, e => done('refused ' + e.code))"))
                    .isEqualTo("audience");
            fan.await("REMOTE_VIDEO_REMOVE", WAIT, () -> !events(fan, "REMOTE_VIDEO_REMOVE").isEmpty());
            fan.await("REMOTE_USER_ROLE_UPDATE", WAIT, () -> events(fan, "REMOTE_USER_ROLE_UPDATE").stream()
                    .anyMatch(e -> "audience".equals(e.get("role"))));
            host.await("the publishing connection closed", WAIT, () -> !BrowserMedia.sends(host));
            fan.await("nothing received any more", WAIT, () -> BrowserMedia.streamsDecoding(fan) == 0);

            assertThat(host.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.switchRole('anchor').then(done, e => done('refused ' + e.code))"))
                    .isEqualTo("anchor");
            fan.await("REMOTE_VIDEO_ADD again", WAIT, () -> events(fan, "REMOTE_VIDEO_ADD").size() >= 2);
            long before = BrowserMedia.framesDecoded(fan);
            fan.await("frames from the anchor again", WAIT, () -> BrowserMedia.framesDecoded(fan) > before + 30);
        }
    }

    private static HeadlessChromium page() {
        HeadlessChromium page = BrowserMedia.start();
        page.onEveryPage(APP);
        page.open(server.url("/index.html").toString());
        return page;
    }

    private static Map<String, Object> params(String userId, long room, String scene, String role) {
        return Map.of("sdkAppID", server.sdkAppId(), "userID", userId, "userSig", server.userSig(userId),
                "roomID", room, "scene", scene, "role", role);
    }

    private static void start(HeadlessChromium page, Map<String, Object> params, Map<String, Object> pusher) {
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app({}, arguments[0], arguments[1]).then(done, e => done(String(e)))", params, pusher);
        assertThat(started).isEqualTo(true);
    }

    private static void awaitFrames(HeadlessChromium page, String what) {
        page.await(what, WAIT, () -> BrowserMedia.framesDecoded(page) > 10 && BrowserMedia.audioSamples(page) > 0);
    }

    /** Mean brightness (0..255) of what the {@code <live-player id=streamID>} shows now. */
    private static double brightness(HeadlessChromium page, String streamId) {
        Object value = page.script("const el = document.getElementById(arguments[0]);"
                + "const v = el && el.video; if (!v || !v.videoWidth) return -1;"
                + "const c = document.createElement('canvas'); c.width = 64; c.height = 36;"
                + "const g = c.getContext('2d'); g.drawImage(v, 0, 0, 64, 36);"
                + "const d = g.getImageData(0, 0, 64, 36).data; let s = 0;"
                + "for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];"
                + "return s / (d.length / 4) / 3;", streamId);
        return ((Number) value).doubleValue();
    }

    private static boolean previewShows(HeadlessChromium page) {
        return Boolean.TRUE.equals(page.script("const v = document.getElementById('me').video;"
                + "return !!v.srcObject && v.videoWidth > 0"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(HeadlessChromium page, String name) {
        return (List<Map<String, Object>>) page.script(
                "return window.got.filter(e => e.name === arguments[0]).map(e => e.data)", name);
    }

    /** A bounded wait for a measurement over time (audio energy while paused), not for a condition. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
