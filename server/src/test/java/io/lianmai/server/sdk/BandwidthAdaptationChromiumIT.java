package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.PlayerStats;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.AiortcPeer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.ShapedUdpRelay;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The measured proof of issue 14's bandwidth estimation (docs/media.md, "Bandwidth estimation"): a web SDK
 * publisher sends simulcast (big 640×480 up to 1.5 Mbit/s, small ¼ size up to 200 kbit/s); a Chromium WHEP player
 * receives it through {@link ShapedUdpRelay}, whose downlink is capped at 300 kbit/s for a while. With the estimator
 * on, the player is moved to the small layer within 5 s, decodes ≥ 90 % of the small layer's frames while capped
 * (counted from a second after the switch, when the big layer's frames queued at the cap have gone),
 * and is back on the big layer within 15 s of the cap's lifting; again with 5 % loss and 100 ms RTT added. With
 * {@code media.bwe.enabled=false} the same player keeps the big layer and freezes.
 */
class BandwidthAdaptationChromiumIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long CAP_BPS = 300_000;
    /** Audio (~50 kbit/s with headers) fits; half the small layer does not. */
    private static final long PAUSE_CAP_BPS = 80_000;
    /** Long enough that a few frames skipped on a lossy path do not swing the decoded share by more than a point. */
    private static final long CAPPED_MILLIS = 20_000;
    /** The decoded share is counted from this long after the switch: frames of the big layer queued at the cap go first. */
    private static final long SETTLE_MILLIS = 1000;
    /** {@code {rid: [frameWidth, framesSent]}} of the page's sent video encodings. */
    private static final String SENT_VIDEO = "const done = arguments[arguments.length - 1];"
            + "(async () => { const out = {};"
            + "  for (const pc of window.__pcs) { if (pc.connectionState === 'closed') continue;"
            + "    (await pc.getStats()).forEach(s => { if (s.type === 'outbound-rtp' && s.kind === 'video')"
            + "      out[s.rid || '-'] = [s.frameWidth || 0, s.framesSent || 0]; }); }"
            + "  return out; })().then(done, e => done({}));";
    /** {@code [frameWidth, framesDecoded]} of the WHEP page's video. */
    private static final String PLAYED = "const done = arguments[arguments.length - 1];"
            + "(async () => { let out = [0, 0]; if (!window.pc) return out;"
            + "  (await window.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video')"
            + "    out = [s.frameWidth || 0, s.framesDecoded || 0]; });"
            + "  return out; })().then(done, e => done([0, 0]));";
    /** The WHEP page's video receive counters that tell why frames were not decoded, for the report. */
    private static final String REPAIRS = "const done = arguments[arguments.length - 1];"
            + "(async () => { let out = {}; if (!window.pc) return out;"
            + "  (await window.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video')"
            + "    out = {lost: s.packetsLost, nacks: s.nackCount, plis: s.pliCount, freezes: s.freezeCount,"
            + "      frozenSeconds: s.totalFreezesDuration, dropped: s.framesDropped, keyframes: s.keyFramesDecoded,"
            + "      jitterBufferMs: Math.round(1000 * s.jitterBufferDelay / Math.max(1, s.jitterBufferEmittedCount)),"
            + "      targetDelayMs: Math.round(1000 * s.jitterBufferTargetDelay / Math.max(1, s.jitterBufferEmittedCount))}; });"
            + "  return out; })().then(done, e => done({}));";
    /**
     * {@code [roundTripTimeMeasurements, roundTripTime ms]} of the WHEP page's video as a receiver: from the server's
     * DLRR answers to its RRTRs (RFC 3611; {@code remote-outbound-rtp}), {@code [0, -1]} without.
     */
    private static final String RECEIVER_RTT = "const done = arguments[arguments.length - 1];"
            + "(async () => { let out = [0, -1]; if (!window.pc) return out;"
            + "  (await window.pc.getStats()).forEach(s => { if (s.type === 'remote-outbound-rtp' && s.kind === 'video'"
            + "      && s.roundTripTimeMeasurements && typeof s.roundTripTime === 'number')"
            + "    out = [s.roundTripTimeMeasurements, Math.round(1000 * s.roundTripTime)]; });"
            + "  return out; })().then(done, e => done([0, -1]));";
    /** {@code [totalSamplesReceived, concealedSamples]} of the WHEP page's audio. */
    private static final String HEARD = "const done = arguments[arguments.length - 1];"
            + "(async () => { let out = [0, 0]; if (!window.pc) return out;"
            + "  (await window.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'audio')"
            + "    out = [s.totalSamplesReceived || 0, s.concealedSamples || 0]; });"
            + "  return out; })().then(done, e => done([0, 0]));";
    /** Points the WHEP answer's candidates at the relay (as {@link ShapedUdpRelay#redirect}). */
    private static final String REDIRECT = "const __from = %d, __to = %d;"
            + "const __srd = RTCPeerConnection.prototype.setRemoteDescription;"
            + "RTCPeerConnection.prototype.setRemoteDescription = function (d) {"
            + "  if (d && d.type === 'answer') {"
            + "    const sdp = d.sdp.split('\\r\\n').filter(l => !(l.startsWith('a=candidate:') && l.includes(' tcp ')))"
            + "      .map(l => l.startsWith('a=candidate:') ? l.replace(' ' + __from + ' typ host', ' ' + __to + ' typ host')"
            + "        : (l.startsWith('m=') ? l.replace(' ' + __from + ' ', ' ' + __to + ' ') : l)).join('\\r\\n');"
            + "    d = {type: 'answer', sdp}; }"
            + "  return __srd.call(this, d); };";

    /** A server of its own for each test: one test's sessions ending cannot touch the next test's measurement. */
    @RegisterExtension
    private final TestServer server = TestServer.fixture();

    @Test
    void aCappedPlayerGetsTheSmallLayerWithin5sAndTheBigOneBackWithin15sOfTheLift() throws Exception {
        assertAdapts(run(server, 8831, 0, 0), 0.9);
    }

    @Test
    void theSameWith5PercentLossAnd100msRoundTrip() throws Exception {
        // Issue 14's 90 % here too. Measured (docs/media.md): 90.0–97.6 % on a loaded machine before probes were
        // stepped (a probe at the big layer's rate overflowed the capped path's queue) and the playout delay asked
        // for; 96.6–100 % since.
        Outcome outcome = run(server, 8832, 50, 0.05);
        assertAdapts(outcome, 0.9);
        // Chromium knows its round trip as a receiver only from the server's DLRR answers (RFC 3611): the 100 ms the
        // relay adds, and what its queue adds. It times its NACKs and its jitter buffer's allowance for repairs by it.
        assertThat(outcome.receiverRttMillis).as("the player's own round-trip estimate, ms").isBetween(100L, 2000L);
    }

    @Test
    void withoutBandwidthEstimationACappedPlayerKeepsTheBigLayerAndFreezes() throws Exception {
        try (TestServer off = TestServer.start(Map.of("media.bwe.enabled", "false"))) {
            Outcome outcome = run(off, 8833, 0, 0);
            assertThat(outcome.toSmallMillis).as("never moved to the small layer").isEqualTo(-1);
            assertThat(outcome.decodedShare).as("frames decoded while capped, against the small layer's")
                    .isLessThan(0.5);
        }
    }

    @Test
    void underACapNoLayerFitsTheVideoPausesAndTheAudioGoesOn() throws Exception {
        try (Call call = new Call(server, 8834, 0, 0)) {
            call.relay.setDownlinkBps(PAUSE_CAP_BPS);
            call.bob.await("bob's video stops", WAIT, () -> {
                long before = played(call.bob).get(1);
                pause(2000);
                return played(call.bob).get(1) == before;
            });
            List<Long> audioBefore = audio(call.bob);
            long framesBefore = played(call.bob).get(1);
            Thread.sleep(5000);
            List<Long> audioAfter = audio(call.bob);
            long received = audioAfter.get(0) - audioBefore.get(0);
            long concealed = audioAfter.get(1) - audioBefore.get(1);
            System.out.printf("bandwidth estimation: under a %d kbit/s cap, %d video frames in 5 s; audio %d samples, "
                    + "%d concealed%n", PAUSE_CAP_BPS / 1000, played(call.bob).get(1) - framesBefore, received, concealed);
            assertThat(played(call.bob).get(1)).as("no video while paused").isEqualTo(framesBefore);
            assertThat(received).as("5 s of 48 kHz audio keep coming").isGreaterThan(4 * 48_000);
            assertThat((double) concealed / received).as("of them concealed").isLessThan(0.1);

            call.relay.setDownlinkBps(Long.MAX_VALUE);
            call.bob.await("bob's video comes back", WAIT, () -> played(call.bob).get(1) > framesBefore + 30);
        }
    }

    /**
     * A player that reports only REMB (aiortc: no transport-cc) is moved by its own estimate: down when it cuts at the
     * cap, back up after the lift under the padding the server adds so that its estimate, which never grows above
     * 1.5 × what it receives, can climb (about 8 % a second: tens of seconds from the small layer to the big one).
     */
    @Test
    void anAiortcPlayerReportingOnlyRembIsMovedByItsOwnEstimate() throws Exception {
        AiortcPeer.requireInstalled();
        long room = 8835;
        int mediaPort = server.server().media().udpPort();
        try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 0, room);
                HeadlessChromium alice = BrowserMedia.start()) {
            String userId = "bwe-alice-" + room;
            int smallWidth = publishSimulcast(server, alice, userId, room);
            String viewer = "bwe-carol-" + room;
            try (AiortcPeer carol = AiortcPeer.play(server.endpoint("whep", "roomID=" + room, viewer, userId + "_main"),
                    server.userSig(viewer), mediaPort, relay.port())) {
                Await.until("carol decodes the big layer and the server has her estimate", WAIT,
                        () -> carol.frameWidth() > smallWidth && aiortcPlayer(server).allocatedLayer() >= 0,
                        () -> carol.diagnostics() + " " + playerState(server));
                assertThat(aiortcPlayer(server).estimator()).isEqualTo("remb");

                relay.setDownlinkBps(CAP_BPS);
                long capped = System.nanoTime();
                // Every half second: the width carol decodes, her REMB, and her allocation as the server sees it.
                StringBuilder timeline = new StringBuilder();
                while (carol.frameWidth() != smallWidth && millisSince(capped) < 10_000) {
                    timeline.append(' ').append(millisSince(capped) / 100 / 10.0).append("s:").append(carol.frameWidth())
                            .append('/').append(carol.rembBitrate() / 1000).append(playerState(server));
                    Thread.sleep(500);
                }
                long toSmall = millisSince(capped);
                System.out.println("bandwidth estimation, REMB player (aiortc): after the cap, width/REMB kbit/s "
                        + "{estimate, layer allocated/forwarded, switches, pauses, probes raised/started}:" + timeline);
                assertThat(carol.frameWidth()).as("carol on the small layer within 10 s of the cap").isEqualTo(smallWidth);
                long framesBefore = carol.framesDecoded();
                Thread.sleep(10_000);
                long cappedFrames = carol.framesDecoded() - framesBefore;
                System.out.printf("bandwidth estimation, REMB player (aiortc): small layer %d ms after the cap, %d "
                        + "frames decoded in the next 10 s; %s%n", toSmall, cappedFrames, playerState(server));
                assertThat(carol.frameWidth()).as("still the small layer").isEqualTo(smallWidth);
                assertThat(cappedFrames).as("frames decoded in 10 s under the cap").isGreaterThan(150);

                relay.setDownlinkBps(Long.MAX_VALUE);
                long lifted = System.nanoTime();
                Await.until("carol is back on the big layer", Duration.ofSeconds(60),
                        () -> carol.frameWidth() > smallWidth, () -> carol.diagnostics() + " " + playerState(server));
                PlayerStats after = aiortcPlayer(server);
                System.out.printf("bandwidth estimation, REMB player (aiortc): big layer %d ms after the lift; %s%n",
                        millisSince(lifted), playerState(server));
                assertThat(after.paddingBytes()).as("padding under which its estimate climbed").isPositive();
                assertThat(after.layerSwitches()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    /** The aiortc player's allocation as the server sees it. */
    private static PlayerStats aiortcPlayer(TestServer target) {
        return target.server().media().playerStats("", 4).listed().stream().findFirst()
                .orElseThrow(() -> new AssertionError("no player"));
    }

    private static void assertAdapts(Outcome outcome, double decodedShare) {
        assertThat(outcome.toSmallMillis).as("on the small layer within 5 s of the cap").isLessThanOrEqualTo(5000);
        assertThat(outcome.decodedShare).as("small-layer frames decoded while capped")
                .isGreaterThanOrEqualTo(decodedShare);
        assertThat(outcome.toBigMillis).as("back on the big layer within 15 s of the lift (-1: not within 20 s)")
                .isBetween(0L, 15_000L);
    }

    /**
     * What the player went through: ms from the cap to decoding the small layer (-1: never, within the capped
     * period), its decoded frames while capped against the small layer's frames sent, ms from the lift to the big
     * layer (-1: not within 20 s), and its own round-trip estimate at the end (ms, -1: none).
     */
    private record Outcome(long toSmallMillis, double decodedShare, long toBigMillis, long receiverRttMillis) {
    }

    /** A web SDK simulcast publisher and a Chromium WHEP player of it through a shaped relay, the big layer playing. */
    private static final class Call implements AutoCloseable {
        final ShapedUdpRelay relay;
        final HeadlessChromium alice;
        final HeadlessChromium bob;
        int smallWidth;

        Call(TestServer target, long room, long oneWayDelayMillis, double loss) throws Exception {
            int mediaPort = target.server().media().udpPort();
            // Impaired from the start: the player connects through the delayed, lossy path too.
            relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), oneWayDelayMillis, loss, room);
            alice = BrowserMedia.start();
            bob = HeadlessChromium.start();
            try {
                connect(target, room, mediaPort);
            } catch (Exception | Error e) {
                close(); // a browser left running would load every test after this one
                throw e;
            }
        }

        private void connect(TestServer target, long room, int mediaPort) {
            String userId = "bwe-alice-" + room;
            smallWidth = publishSimulcast(target, alice, userId, room);

            bob.onEveryPage(String.format(REDIRECT, mediaPort, relay.port()));
            String viewer = "bwe-bob-" + room;
            bob.open(target.url("/whep.html?sdkAppID=" + target.sdkAppId() + "&roomID=" + room + "&userID=" + viewer
                    + "&userSig=" + URLEncoder.encode(target.userSig(viewer), StandardCharsets.UTF_8)
                    + "&streamID=" + userId + "_main").toString());
            // Any width above the small layer's: Chromium short of CPU scales the big layer below what it sent first.
            bob.await("bob decodes the big layer", WAIT, () -> played(bob).get(0) > smallWidth && played(bob).get(1) > 30);
        }

        @Override
        public void close() {
            try (relay; alice; bob) {
                // all three closed, whatever fails
            }
        }
    }

    private static Outcome run(TestServer target, long room, long oneWayDelayMillis, double loss) throws Exception {
        try (Call call = new Call(target, room, oneWayDelayMillis, loss)) {
            ShapedUdpRelay relay = call.relay;
            HeadlessChromium alice = call.alice;
            HeadlessChromium bob = call.bob;
            int smallWidth = call.smallWidth;
            relay.setDownlinkBps(CAP_BPS);
            long capped = System.nanoTime();
            long toSmall = -1;
            long smallFramesAt = -1;
            long decodedAt = 0;
            long[] sentAt = null;
            // Every half second: what the player decodes and what the server allocates it, printed with the outcome.
            StringBuilder timeline = new StringBuilder();
            while (millisSince(capped) < CAPPED_MILLIS) {
                List<Long> now = played(bob);
                if (toSmall < 0 && now.get(0) == smallWidth) {
                    toSmall = millisSince(capped);
                    smallFramesAt = System.nanoTime();
                } else if (smallFramesAt >= 0 && sentAt == null && millisSince(smallFramesAt) >= SETTLE_MILLIS) {
                    decodedAt = now.get(1);
                    sentAt = sentFrames(alice);
                }
                if (timeline.length() < 8192 && (millisSince(capped) / 100) % 5 == 0) {
                    timeline.append(' ').append(millisSince(capped) / 100 / 10.0).append("s:").append(now)
                            .append(playerState(target));
                }
                Thread.sleep(100);
            }
            // Decoded while capped, from a second after the switch on, against the frames the camera sent then.
            double share;
            if (sentAt != null) {
                share = (double) (played(bob).get(1) - decodedAt) / Math.max(1, framesSentSince(alice, sentAt));
            } else {
                long decoded = played(bob).get(1);
                long[] sent = sentFrames(alice);
                Thread.sleep(5000);
                share = (double) (played(bob).get(1) - decoded) / Math.max(1, framesSentSince(alice, sent));
            }
            System.out.printf("bandwidth estimation (delay %d ms each way, loss %.0f %%): small layer %d ms after the "
                    + "300 kbit/s cap, %.1f %% of its frames decoded, relay overflow %d, lost %d, client addresses %d%n",
                    oneWayDelayMillis, loss * 100, toSmall, share * 100, relay.overflowed(), relay.lost(),
                    relay.mappings());

            System.out.println("bandwidth estimation: the player's video receive counters " + bob.asyncScript(REPAIRS));
            List<?> rtt = (List<?>) bob.asyncScript(RECEIVER_RTT);
            long receiverRttMillis = rtt.size() == 2 && rtt.get(0) instanceof Number measurements
                    && measurements.longValue() > 0 && rtt.get(1) instanceof Number millis ? millis.longValue() : -1;
            System.out.println("bandwidth estimation: the player's own round trip (RRTR/DLRR) " + receiverRttMillis
                    + " ms, " + rtt.get(0) + " measurements");
            System.out.println("bandwidth estimation: while capped, [width, decoded] {estimate kbit/s, layer allocated/"
                    + "forwarded, switches, pauses, probes raised/started}:" + timeline);
            relay.setDownlinkBps(Long.MAX_VALUE);
            long lifted = System.nanoTime();
            long toBig = -1;
            // Every second after the lift, the same: a slow return shows whether probes ran and what they read.
            StringBuilder afterLift = new StringBuilder();
            while (toSmall >= 0 && millisSince(lifted) < 20_000) {
                List<Long> now = played(bob);
                // Bigger than the small layer: under CPU load Chromium's encoder scales the big layer (480 for 640
                // seen), so its width before the cap is not a fixed mark.
                if (now.get(0) > smallWidth) {
                    toBig = millisSince(lifted);
                    break;
                }
                if (afterLift.length() < 8192 && (millisSince(lifted) / 100) % 10 == 0) {
                    afterLift.append(' ').append(millisSince(lifted) / 1000).append("s:").append(now)
                            .append(playerState(target));
                }
                Thread.sleep(100);
            }
            System.out.printf("bandwidth estimation: big layer again %d ms after the cap was lifted;%s%n", toBig,
                    afterLift);
            return new Outcome(toSmall, share, toBig, receiverRttMillis);
        }
    }

    /** {@code page} publishes simulcast with the web SDK as {@code userId}; returns the small layer's width. */
    private static int publishSimulcast(TestServer target, HeadlessChromium page, String userId, long room) {
        page.onEveryPage(WebSdkChromiumIT.APP);
        page.open(target.url("/index.html").toString());
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app({}, arguments[0], arguments[1]).then(done, e => done(String(e)))",
                Map.of("sdkAppID", target.sdkAppId(), "userID", userId, "userSig", target.userSig(userId),
                        "roomID", room),
                Map.of("enableCamera", true, "enableMic", true, "enableSmallStream", true, "videoWidth", 640,
                        "videoHeight", 480, "maxBitrate", 1500));
        assertThat(started).isEqualTo(true);
        page.await("alice sends both encodings", WAIT, () -> sentWidth(page, "h") > 0 && sentWidth(page, "l") > 0);
        return sentWidth(page, "l");
    }

    /** The WHEP player's allocation as the server sees it, for the timeline. */
    private static String playerState(TestServer target) {
        return target.server().media().playerStats("", 4).listed().stream()
                .map(p -> "{" + p.estimateBps() / 1000 + ", " + p.allocatedLayer() + "/" + p.currentLayer() + ", "
                        + p.layerSwitches() + ", " + p.pauses() + ", " + p.probesRaised() + "/" + p.probesStarted() + "}")
                .reduce("", String::concat);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static int sentWidth(HeadlessChromium page, String rid) {
        List<?> entry = (List<?>) ((Map<?, ?>) page.asyncScript(SENT_VIDEO)).get(rid);
        return entry == null ? 0 : ((Number) entry.get(0)).intValue();
    }

    /** {@code [small, big]} frames sent so far, for {@link #framesSentSince}. */
    private static long[] sentFrames(HeadlessChromium page) {
        return new long[] {sentFrames(page, "l"), sentFrames(page, "h")};
    }

    /**
     * The camera frames the publisher sent since {@code at}: the most either encoding sent (each sends every frame
     * while active; the one nobody watches is paused, docs/media.md "Paused layers").
     */
    private static long framesSentSince(HeadlessChromium page, long[] at) {
        long[] now = sentFrames(page);
        return Math.max(now[0] - at[0], now[1] - at[1]);
    }

    private static long sentFrames(HeadlessChromium page, String rid) {
        List<?> entry = (List<?>) ((Map<?, ?>) page.asyncScript(SENT_VIDEO)).get(rid);
        return entry == null ? 0 : ((Number) entry.get(1)).longValue();
    }

    private static List<Long> audio(HeadlessChromium page) {
        return ((List<?>) page.asyncScript(HEARD)).stream().map(n -> ((Number) n).longValue()).toList();
    }

    private static List<Long> played(HeadlessChromium page) {
        return ((List<?>) page.asyncScript(PLAYED)).stream().map(n -> ((Number) n).longValue()).toList();
    }
}
