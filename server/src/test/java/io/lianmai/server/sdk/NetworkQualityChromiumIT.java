package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.ShapedUdpRelay;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network quality as the web SDK reports it (docs/networks.md, Network quality), in headless Chromium through a real
 * server: TRTC's levels in the pusher's and players' {@code netStatus} of LOCAL_/REMOTE_NET_STATE_UPDATE. A call on
 * loopback is excellent or good; a publisher whose uplink loses 30 % of its media packets (a {@link ShapedUdpRelay}
 * between its peer connection and the media port) is graded bad or worse by itself and, through the server's
 * {@code netQuality} relay, by its viewer; a dropped signalling socket makes every path down (6).
 */
class NetworkQualityChromiumIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** Keeps every net-state event's netStatus; sends a publisher's answer through the relay when one is set. */
    private static final String RECORDER = "window.net = {local: [], remote: []}; window.__relay = null;"
            + "window.record = () => {"
            + "  window.trtc.on('LOCAL_NET_STATE_UPDATE', e => window.net.local.push(e.data.pusher.netStatus));"
            + "  window.trtc.on('REMOTE_NET_STATE_UPDATE', e => window.net.remote.push(e.data.playerList.map(p =>"
            + "    Object.assign({streamID: p.streamID}, p.netStatus)))); };"
            // As ShapedUdpRelay.redirect: the answer to our publication (recvonly) names the relay, not the server.
            + "const srd = RTCPeerConnection.prototype.setRemoteDescription;"
            + "RTCPeerConnection.prototype.setRemoteDescription = function (d) {"
            + "  const r = window.__relay;"
            + "  if (r && d && d.type === 'answer' && /a=recvonly/.test(d.sdp)) {"
            + "    const sdp = d.sdp.split('\\r\\n').filter(l => !(l.startsWith('a=candidate:') && l.includes(' tcp ')))"
            + "      .map(l => l.startsWith('a=candidate:') ? l.replace(' ' + r.from + ' typ host', ' ' + r.to + ' typ host')"
            + "        : (l.startsWith('m=') ? l.replace(' ' + r.from + ' ', ' ' + r.to + ' ') : l)).join('\\r\\n');"
            + "    d = {type: 'answer', sdp}; }"
            + "  return srd.call(this, d); };";
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @Test
    void aLoopbackCallIsExcellentOrGoodAndADroppedSocketIsDown() {
        try (HeadlessChromium alice = page(); HeadlessChromium bob = page()) {
            start(alice, "nq-alice", 8811);
            start(bob, "nq-bob", 8811);

            alice.await("alice's uplink graded with its loss known", WAIT,
                    () -> lastLocal(alice).containsKey("loss") && level(lastLocal(alice), "uplinkNetworkQuality") > 0);
            Map<?, ?> local = lastLocal(alice);
            assertThat(level(local, "netQualityLevel")).as("%s", local).isBetween(1, 2);
            assertThat(level(local, "uplinkNetworkQuality")).isEqualTo(level(local, "netQualityLevel"));

            // Bob's player of alice: his downlink, alice's uplink as the server relayed it, and the whole path.
            bob.await("bob's player of alice graded, with alice's uplink", WAIT, () -> {
                Map<?, ?> player = lastRemote(bob, "nq-alice_main");
                return level(player, "downlinkNetworkQuality") > 0 && level(player, "uplinkNetworkQuality") > 0;
            });
            Map<?, ?> player = lastRemote(bob, "nq-alice_main");
            assertThat(level(player, "downlinkNetworkQuality")).as("%s", player).isBetween(1, 2);
            assertThat(level(player, "uplinkNetworkQuality")).as("%s", player).isBetween(1, 2);
            assertThat(level(player, "netQualityLevel")).as("%s", player).isBetween(1, 2);
            // Alice receives bob, so her pusher's downlink is graded too.
            alice.await("alice's downlink", WAIT, () -> level(lastLocal(alice), "downlinkNetworkQuality") > 0);
            assertThat(level(lastLocal(alice), "downlinkNetworkQuality")).isBetween(1, 2);

            // The signalling socket drops: every path is down until the SDK is back and measures again.
            int before = count(alice, "local");
            BrowserMedia.dropSockets(alice);
            alice.await("LOCAL_NET_STATE_UPDATE down", WAIT, () -> ((List<?>) alice.script(
                    "return window.net.local.slice(arguments[0]).map(n => n.netQualityLevel)", before)).contains(6L));
            Map<?, ?> down = (Map<?, ?>) alice.script("return window.net.local.slice(arguments[0])"
                    + ".find(n => n.netQualityLevel === 6)", before);
            assertThat(level(down, "uplinkNetworkQuality")).isEqualTo(6);
            assertThat(level(down, "downlinkNetworkQuality")).isEqualTo(6);
            assertThat(alice.script("return window.net.remote.some(list => list.some(p => p.netQualityLevel === 6))"))
                    .as("the players are down too").isEqualTo(true);
            alice.await("graded again after the resume", WAIT, () -> BrowserMedia.socketOpen(alice)
                    && level(lastLocal(alice), "netQualityLevel") >= 1 && level(lastLocal(alice), "netQualityLevel") <= 2);
        }
    }

    @Test
    void aPublisherLosingAThirdOfItsPacketsIsGradedBadOrWorseByItselfAndItsViewer() throws Exception {
        int mediaPort = server.server().media().udpPort();
        try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 0.3, 0, 14);
                HeadlessChromium carol = page(); HeadlessChromium dave = page()) {
            carol.script("window.__relay = {from: arguments[0], to: arguments[1]}", mediaPort, relay.port());
            start(carol, "nq-carol", 8812);
            start(dave, "nq-dave", 8812);

            carol.await("carol's uplink graded with its loss known", WAIT,
                    () -> lastLocal(carol).containsKey("loss") && level(lastLocal(carol), "netQualityLevel") >= 4);
            Map<?, ?> local = lastLocal(carol);
            System.out.println("30 % uplink loss, carol's netStatus: " + local);
            assertThat(relay.lost()).as("the relay really dropped packets").isPositive();
            assertThat(((Number) local.get("loss")).intValue()).as("the loss it reports: %s", local).isGreaterThan(15);

            dave.await("dave's player of carol: the whole path is bad or worse", WAIT,
                    () -> level(lastRemote(dave, "nq-carol_main"), "netQualityLevel") >= 4);
            Map<?, ?> player = lastRemote(dave, "nq-carol_main");
            System.out.println("dave's player of carol: " + player);
            assertThat(level(player, "uplinkNetworkQuality")).as("carol's uplink, relayed: %s", player)
                    .isGreaterThanOrEqualTo(4);
        }
    }

    private static HeadlessChromium page() {
        HeadlessChromium page = BrowserMedia.start();
        page.onEveryPage(WebSdkChromiumIT.APP);
        page.onEveryPage(RECORDER);
        page.open(server.url("/index.html").toString());
        return page;
    }

    private static void start(HeadlessChromium page, String userId, long room) {
        Map<String, Object> params = Map.of("sdkAppID", server.sdkAppId(), "userID", userId,
                "userSig", server.userSig(userId), "roomID", room, "scene", "rtc", "role", "anchor");
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app({statsIntervalMs: 1000}, arguments[0], {enableCamera: true, enableMic: true})"
                + ".then(ok => { window.record(); done(ok); }, e => done(String(e)))", params);
        assertThat(started).isEqualTo(true);
    }

    private static Map<?, ?> lastLocal(HeadlessChromium page) {
        Object last = page.script("const l = window.net.local; return l.length ? l[l.length - 1] : {}");
        return (Map<?, ?>) last;
    }

    private static Map<?, ?> lastRemote(HeadlessChromium page, String streamId) {
        Object last = page.script("const r = window.net.remote; for (let i = r.length - 1; i >= 0; i--) {"
                + "  const p = r[i].find(x => x.streamID === arguments[0]); if (p) return p; } return {}", streamId);
        return (Map<?, ?>) last;
    }

    private static int count(HeadlessChromium page, String which) {
        return ((Number) page.script("return window.net[arguments[0]].length", which)).intValue();
    }

    private static int level(Map<?, ?> netStatus, String name) {
        Object value = netStatus.get(name);
        return value instanceof Number number ? number.intValue() : -1;
    }
}
