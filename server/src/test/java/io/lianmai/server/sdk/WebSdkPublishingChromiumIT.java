package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.HeadlessChromium;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web SDK's publishing options between two headless Chromiums through a real server: the small stream
 * (simulcast) that {@code switchStreamType} chooses and whose unwatched encodings are paused, screen sharing as the aux stream, and {@code audioQuality}.
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
    /**
     * {@code {rid: [bytesSent, active]}} of the page's simulcast encodings: bytes from {@code outbound-rtp}, and
     * whether the sender's parameters have the encoding active (what the web SDK sets on the server's word).
     */
    private static final String SENT_LAYERS = "const done = arguments[arguments.length - 1];"
            + "(async () => { const out = {};"
            + "  for (const pc of window.__pcs) { if (pc.connectionState === 'closed') continue;"
            + "    for (const t of pc.getTransceivers()) { if (t.direction !== 'sendonly') continue;"
            + "      const encodings = t.sender.getParameters().encodings || []; if (encodings.length < 2) continue;"
            + "      encodings.forEach(e => { out[e.rid] = [0, e.active !== false]; });"
            + "      (await t.sender.getStats()).forEach(s => { if (s.type === 'outbound-rtp' && out[s.rid])"
            + "        out[s.rid][0] = s.bytesSent || 0; }); } }"
            + "  return out; })().then(done, e => done({}));";

    /**
     * {@code [frameWidth, framesDecoded]} of what the {@code <live-player id=streamID>} plays: the receiver whose track
     * the element shows, found among the page's peer connections.
     */
    private static final String PLAYED_VIDEO = "const done = arguments[arguments.length - 1];"
            + "(async () => { const el = document.getElementById(arguments[0]);"
            + "  const track = el && el.video.srcObject && el.video.srcObject.getVideoTracks()[0]; if (!track) return [0, 0];"
            + "  for (const pc of window.__pcs) { if (pc.connectionState === 'closed') continue;"
            + "    const receiver = pc.getReceivers().find(r => r.track === track); if (!receiver) continue;"
            + "    let out = [0, 0]; (await receiver.getStats()).forEach(s => { if (s.type === 'inbound-rtp')"
            + "      out = [s.frameWidth || 0, s.framesDecoded || 0]; }); return out; }"
            + "  return [0, 0]; })().then(done, e => done([0, 0]));";

    /**
     * The page's publication's audio: {@code {answer: the Opus fmtp line of the server's answer, bytes, packets,
     * fmtp: the sending codec's sdpFmtpLine}} from the sending peer connection.
     */
    private static final String SENT_AUDIO = "const done = arguments[arguments.length - 1];"
            + "(async () => { for (const pc of window.__pcs) { if (pc.connectionState === 'closed'"
            + "    || !pc.getTransceivers().some(t => t.direction === 'sendonly' && t.receiver.track.kind === 'audio')) continue;"
            + "  const sdp = pc.remoteDescription ? pc.remoteDescription.sdp : '';"
            + "  const pt = (/a=rtpmap:(\\d+) opus\\/48000/i.exec(sdp) || [])[1];"
            + "  const answer = (sdp.split('\\r\\n').find(l => l.startsWith('a=fmtp:' + pt + ' ')) || '');"
            + "  const out = {answer, bytes: 0, packets: 0, fmtp: ''}; const stats = await pc.getStats();"
            + "  stats.forEach(s => { if (s.type === 'outbound-rtp' && s.kind === 'audio') { out.bytes = s.bytesSent;"
            + "    out.packets = s.packetsSent; const c = stats.get(s.codecId); out.fmtp = c ? c.sdpFmtpLine || '' : ''; } });"
            + "  return out; } return {}; })().then(done, e => done({error: String(e)}));";
    /**
     * The {@code sdpFmtpLine} of the codec of every received audio stream, whether each answer declared
     * {@code sprop-stereo=1}, and their received samples summed.
     */
    private static final String RECEIVED_AUDIO = "const done = arguments[arguments.length - 1];"
            + "(async () => { const out = {fmtp: [], stereo: [], samples: 0}; for (const pc of window.__pcs) {"
            + "  if (pc.connectionState === 'closed') continue; const stats = await pc.getStats();"
            + "  if (pc.remoteDescription) out.stereo.push(/sprop-stereo=1/.test(pc.remoteDescription.sdp));"
            + "  stats.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'audio') {"
            + "    out.samples += s.totalSamplesReceived || 0; const c = stats.get(s.codecId);"
            + "    out.fmtp.push(c ? c.sdpFmtpLine || '' : ''); } }); } return out; })()"
            + ".then(done, e => done({error: String(e)}));";

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

            // Turning the small stream off publishes again with one encoding (the others see the stream come back).
            alice.script("window.trtc.setPusherAttributes({enableSmallStream: false})");
            alice.await("alice sends one encoding", WAIT, () -> {
                Map<?, ?> one = (Map<?, ?>) alice.asyncScript(SENT_VIDEO);
                return one.keySet().equals(Set.of("-")) && width(one, "-") == bigWidth;
            });
            bob.await("bob decodes the republished stream", WAIT, () -> events(bob, "REMOTE_VIDEO_ADD").size() >= 2
                    && received(bob).get(0) == bigWidth && received(bob).get(2) > 30);
            assertThat(events(bob, "ERROR")).isEmpty();
            assertThat(events(bob, "PLAYER_WARNING")).isEmpty();
        }
    }

    /**
     * Layers nobody watches are paused at the publisher: while the only subscriber watches the small stream, the
     * server tells the web SDK to set the big encoding inactive (it stops sending it), and the subscriber keeps
     * decoding; when it switches back, the big encoding is sent again and the subscriber decodes the big frame size.
     */
    @Test
    void theBigEncodingNobodyWatchesIsPausedAtThePublisherAndResumedOnDemand() {
        try (HeadlessChromium alice = page(); HeadlessChromium bob = page()) {
            start(alice, params("pause-alice", 8814), Map.of("enableCamera", true, "enableMic", true,
                    "enableSmallStream", true, "videoWidth", 640, "videoHeight", 480, "maxBitrate", 1200));
            start(bob, params("pause-bob", 8814), Map.of());
            String stream = "pause-alice_main";
            alice.await("alice sends both encodings", WAIT, () -> {
                Map<?, ?> sent = (Map<?, ?>) alice.asyncScript(SENT_VIDEO);
                return width(sent, "h") > 0 && width(sent, "l") > 0;
            });
            int bigWidth = width((Map<?, ?>) alice.asyncScript(SENT_VIDEO), "h");
            bob.await("bob decodes the big stream", WAIT, () -> received(bob).get(0) == bigWidth
                    && received(bob).get(2) > 30);

            bob.script("window.trtc.switchStreamType(arguments[0])", stream);
            bob.await("bob decodes the small stream", WAIT, () -> received(bob).get(0) < bigWidth
                    && received(bob).get(0) > 0);
            int smallWidth = received(bob).get(0).intValue();
            // Nobody wants the big layer for 3 s: the server tells alice, and her SDK sets it inactive.
            alice.await("alice's big encoding is set inactive", Duration.ofSeconds(10),
                    () -> !active(layers(alice), "h"));
            // A frame the encoder had in flight when the layer went inactive may still be counted: wait until the
            // big layer's byte count stops moving (bounded), then measure the pause from there.
            long bigBytes = settledBytes(alice, "h");
            long smallBytes = bytes(layers(alice), "l");
            long smallFrames = received(bob).get(2);
            pause(2500);
            Map<?, ?> paused = layers(alice);
            assertThat(bytes(paused, "h")).as("the paused big encoding sends nothing: " + paused).isEqualTo(bigBytes);
            assertThat(bytes(paused, "l")).as("the small one goes on: " + paused).isGreaterThan(smallBytes);
            assertThat(active(paused, "l")).isTrue();
            assertThat(received(bob).get(2)).as("bob keeps decoding").isGreaterThan(smallFrames + 30);
            assertThat(received(bob).get(0)).isEqualTo(smallWidth);

            bob.script("window.trtc.switchStreamType(arguments[0])", stream);
            alice.await("alice sends the big encoding again", Duration.ofSeconds(10),
                    () -> active(layers(alice), "h") && bytes(layers(alice), "h") > bigBytes);
            bob.await("bob decodes the big stream again", WAIT, () -> received(bob).get(0) == bigWidth);
            long onBig = received(bob).get(2);
            bob.await("frames keep coming on the big stream", WAIT, () -> received(bob).get(2) > onBig + 30);
            // Now nobody watches the small one: it is paused in turn.
            alice.await("alice's small encoding is set inactive", Duration.ofSeconds(10),
                    () -> !active(layers(alice), "l"));
            assertThat(events(bob, "ERROR")).isEmpty();
            assertThat(events(alice, "ERROR")).isEmpty();
        }
    }

    private static Map<?, ?> layers(HeadlessChromium page) {
        return (Map<?, ?>) page.asyncScript(SENT_LAYERS);
    }

    private static long bytes(Map<?, ?> layers, String rid) {
        return layers.get(rid) == null ? -1 : ((Number) ((List<?>) layers.get(rid)).get(0)).longValue();
    }

    /** The bytes sent of layer {@code rid} once two readings 500 ms apart agree (at most 5 s of readings). */
    private static long settledBytes(HeadlessChromium page, String rid) {
        long before = bytes(layers(page), rid);
        for (int i = 0; i < 10; i++) {
            pause(500);
            long now = bytes(layers(page), rid);
            if (now == before) {
                return now;
            }
            before = now;
        }
        return before;
    }

    private static boolean active(Map<?, ?> layers, String rid) {
        return layers.get(rid) != null && Boolean.TRUE.equals(((List<?>) layers.get(rid)).get(1));
    }

    @Test
    void aScreenSharedFromTheWebSdkIsTheUsersAuxStreamBesideTheCamera() {
        try (HeadlessChromium alice = page(); HeadlessChromium bob = page()) {
            start(alice, params("scr-alice", 8812), Map.of("enableCamera", true, "enableMic", true));
            start(bob, params("scr-bob", 8812), Map.of());
            String camera = "scr-alice_main";
            String aux = "scr-alice_aux";
            bob.await("bob plays alice's camera", WAIT, () -> played(bob, camera).get(1) > 10);
            int cameraWidth = played(bob, camera).get(0).intValue();

            // Headless Chromium with --use-fake-ui-for-media-stream answers getDisplayMedia with a fake 800x600 monitor.
            assertThat(alice.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.startScreenShare().then(() => done('sharing'), e => done('failed ' + e.code + ' ' + e.message))"))
                    .isEqualTo("sharing");
            bob.await("REMOTE_VIDEO_ADD for the aux stream", WAIT, () -> events(bob, "REMOTE_VIDEO_ADD").stream()
                    .anyMatch(e -> aux.equals(((Map<?, ?>) e.get("player")).get("streamID"))));
            Map<?, ?> player = (Map<?, ?>) events(bob, "REMOTE_VIDEO_ADD").stream()
                    .filter(e -> aux.equals(((Map<?, ?>) e.get("player")).get("streamID"))).findFirst().orElseThrow()
                    .get("player");
            assertThat(player.get("streamType")).isEqualTo("aux");
            assertThat(player.get("userID")).isEqualTo("scr-alice");
            assertThat(player.get("objectFit")).isEqualTo("contain");
            bob.await("bob decodes the shared screen", WAIT, () -> played(bob, aux).get(1) > 10);
            assertThat(played(bob, aux).get(0)).as("the screen's own size, not the camera's").isEqualTo(800);
            long cameraFrames = played(bob, camera).get(1);
            long screenFrames = played(bob, aux).get(1);
            bob.await("both keep coming", WAIT, () -> played(bob, camera).get(1) > cameraFrames + 30
                    && played(bob, aux).get(1) > screenFrames + 5);
            assertThat(played(bob, camera).get(0)).isEqualTo(cameraWidth);
            assertThat(String.valueOf(alice.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.startScreenShare().then(() => done('sharing'), e => done('refused ' + e.code))")))
                    .as("one screen at a time").isEqualTo("refused -1");

            assertThat(alice.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.stopScreenShare().then(() => done('stopped'), e => done('failed ' + e))"))
                    .isEqualTo("stopped");
            bob.await("REMOTE_VIDEO_REMOVE for the aux stream", WAIT, () -> events(bob, "REMOTE_VIDEO_REMOVE").stream()
                    .anyMatch(e -> aux.equals(((Map<?, ?>) e.get("player")).get("streamID"))));
            long afterStop = played(bob, camera).get(1);
            bob.await("the camera keeps coming", WAIT, () -> played(bob, camera).get(1) > afterStop + 30);
            assertThat(events(bob, "REMOTE_VIDEO_REMOVE")).hasSize(1);
            assertThat(events(alice, "ERROR")).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void audioQualityMusicSendsStereoAtAHigherBitrateAndSpeechUsesDtx() {
        try (HeadlessChromium music = page(); HeadlessChromium speech = page(); HeadlessChromium bob = page()) {
            start(music, params("aq-music", 8813), Map.of("enableCamera", true, "enableMic", true,
                    "audioQuality", "music"));
            start(speech, params("aq-speech", 8813), Map.of("enableCamera", true, "enableMic", true,
                    "audioQuality", "speech"));
            start(bob, params("aq-bob", 8813), Map.of());
            for (HeadlessChromium page : List.of(music, speech)) {
                page.await("audio is sent", WAIT, () -> sentAudio(page).get("packets") instanceof Number n
                        && n.longValue() > 50);
            }
            Map<?, ?> musicStart = sentAudio(music);
            Map<?, ?> speechStart = sentAudio(speech);
            pause(4000);
            Map<?, ?> musicEnd = sentAudio(music);
            Map<?, ?> speechEnd = sentAudio(speech);
            double musicKbps = rate(musicStart, musicEnd, "bytes") * 8 / 1000;
            double speechKbps = rate(speechStart, speechEnd, "bytes") * 8 / 1000;
            String figures = "music " + musicKbps + " kbit/s " + musicEnd + "; speech " + speechKbps + " kbit/s "
                    + speechEnd;
            System.out.println("audioQuality: " + figures);

            // The server answered each publisher's Opus fmtp as asked, and Chromium encodes by the answer.
            assertThat(String.valueOf(musicEnd.get("answer"))).as(figures)
                    .contains("stereo=1", "sprop-stereo=1", "maxaveragebitrate=128000").doesNotContain("usedtx=1");
            assertThat(String.valueOf(speechEnd.get("answer"))).as(figures)
                    .contains("usedtx=1").doesNotContain("stereo=1");
            assertThat(String.valueOf(musicEnd.get("fmtp"))).as(figures).contains("stereo=1");
            assertThat(musicKbps).as(figures).isGreaterThan(2 * speechKbps);
            // The subscriber asks for stereo in its own offer, so it decodes the music publisher's two channels. (The
            // page plays what it receives in the live-players it renders for each video: Chromium decodes remote
            // audio only while something plays it.)
            bob.await("bob receives both", WAIT, () -> ((List<?>) receivedAudio(bob).get("fmtp")).size() == 2);
            long samples = ((Number) receivedAudio(bob).get("samples")).longValue();
            bob.await("bob decodes audio", WAIT,
                    () -> ((Number) receivedAudio(bob).get("samples")).longValue() > samples + 48000);
            assertThat((List<?>) receivedAudio(bob).get("fmtp")).allSatisfy(
                    fmtp -> assertThat(String.valueOf(fmtp)).contains("stereo=1"));
            // The server tells each subscriber what its publisher said it sends.
            assertThat((List<Object>) receivedAudio(bob).get("stereo")).containsExactlyInAnyOrder(true, false);
            // DTX: in silence (the pushers paused: their tracks send zeros) a speech publisher sends a comfort-noise
            // update every 400 ms instead of a packet every 20 ms; music (no DTX) keeps sending every 20 ms.
            music.script("window.trtc.getPusherInstance().pause()");
            speech.script("window.trtc.getPusherInstance().pause()");
            pause(1000);
            Map<?, ?> musicQuiet = sentAudio(music);
            Map<?, ?> speechQuiet = sentAudio(speech);
            pause(4000);
            double musicSilence = rate(musicQuiet, sentAudio(music), "packets");
            double speechSilence = rate(speechQuiet, sentAudio(speech), "packets");
            String silence = figures + "; in silence: music " + musicSilence + " packets/s, speech " + speechSilence;
            System.out.println("audioQuality: " + silence);
            assertThat(speechSilence).as(silence).isLessThan(10);
            assertThat(musicSilence).as(silence).isGreaterThan(40);
        }
    }

    private static Map<?, ?> sentAudio(HeadlessChromium page) {
        return (Map<?, ?>) page.asyncScript(SENT_AUDIO);
    }

    private static Map<?, ?> receivedAudio(HeadlessChromium page) {
        return (Map<?, ?>) page.asyncScript(RECEIVED_AUDIO);
    }

    /** Per second over the 4 s between two samples. */
    private static double rate(Map<?, ?> start, Map<?, ?> end, String key) {
        return (((Number) end.get(key)).doubleValue() - ((Number) start.get(key)).doubleValue()) / 4.0;
    }

    /** A bounded wait for a measurement over time (bitrates), not for a condition. */
    private static void pause(long millis) {
        WebSdkChromiumIT.pause(millis);
    }

    private static List<Long> played(HeadlessChromium page, String streamId) {
        return ((List<?>) page.asyncScript(PLAYED_VIDEO, streamId)).stream().map(n -> ((Number) n).longValue()).toList();
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
