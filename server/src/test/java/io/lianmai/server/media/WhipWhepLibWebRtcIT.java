package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end with an independent WebRTC stack (Google's libwebrtc via webrtc-java): one peer publishes synthetic
 * video and audio through WHIP, two peers play it through WHEP, and each decodes frames and receives audio.
 */
class WhipWhepLibWebRtcIT {
    private static final Duration MEDIA_DEADLINE = Duration.ofSeconds(15);
    // Two media loops, players spread evenly (media.loopPlacementSlack 0), and two egress lanes on the first loop: a
    // player lands on the other loop and gets the stream through a mirror (keyframe requests crossing back), ICE-TCP
    // frames of the second loop's sessions are handed over from the first, and the first loop's players get their
    // packets protected and sent by the lanes. The other ITs run the defaults (media.loops: one per core).
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("media.egressThreads", "2",
            "media.loops", "2", "media.loopPlacementSlack", "0"));
    private final WhipClient whip = new WhipClient();

    @Test
    void onePublisherTwoPlayersDecodeVideoAndAudio() {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                LibWebRtcPeer first = LibWebRtcPeer.player();
                LibWebRtcPeer second = LibWebRtcPeer.player()) {
            WhipClient.Result published = whip.post(endpoint("whip", "room=7", "alice", null),
                    server.userSig("alice"), publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            assertThat(published.location().getPath()).startsWith("/whip/");
            publisher.acceptAnswer(published.body());
            publisher.awaitConnected(Duration.ofSeconds(10));

            long started = System.nanoTime();
            WhipClient.Result played = whip.post(endpoint("whep", "room=7", "bob", "alice_main"),
                    server.userSig("bob"), first.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            first.acceptAnswer(played.body());
            WhipClient.Result playedAgain = whip.post(endpoint("whep", "room=7", "carol", "alice_main"),
                    server.userSig("carol"), second.createOffer());
            assertThat(playedAgain.status()).as(playedAgain.body()).isEqualTo(201);
            second.acceptAnswer(playedAgain.body());

            first.awaitMedia(1, 1, MEDIA_DEADLINE);
            long firstFrameMillis = (System.nanoTime() - started) / 1_000_000;
            first.awaitMedia(60, 100, MEDIA_DEADLINE);
            second.awaitMedia(60, 100, MEDIA_DEADLINE);

            assertThat(first.framesDecoded()).isGreaterThan(0);
            assertThat(second.framesDecoded()).isGreaterThan(0);
            System.out.println("WHEP libwebrtc player: first frame " + firstFrameMillis + " ms after POST");

            assertThat(whip.delete(played.location())).isEqualTo(200);
            assertThat(whip.delete(played.location())).isEqualTo(404);
            assertThat(whip.delete(playedAgain.location())).isEqualTo(200);
            assertThat(whip.delete(published.location())).isEqualTo(200);
        }
    }

    @Test
    void sessionsForcedOntoIceTcpStillDeliverFrames() {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher(true);
                LibWebRtcPeer player = LibWebRtcPeer.player(true)) {
            String offer = publisher.createOffer();
            assertThat(offer).doesNotContain(" udp ").doesNotContain(" UDP ");
            WhipClient.Result published = whip.post(endpoint("whip", "room=11", "tcp-alice", null),
                    server.userSig("tcp-alice"), offer);
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            assertThat(published.body()).contains("tcptype passive");
            publisher.acceptAnswer(published.body());
            publisher.awaitConnected(Duration.ofSeconds(15));

            WhipClient.Result played = whip.post(endpoint("whep", "room=11", "tcp-bob", "tcp-alice_main"),
                    server.userSig("tcp-bob"), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            player.acceptAnswer(played.body());

            player.awaitMedia(30, 50, MEDIA_DEADLINE);
            assertThat(player.framesDecoded()).isPositive();
        }
    }

    @Test
    void garbageOnTheMediaPortsDoesNotDisturbARunningSession() throws Exception {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                LibWebRtcPeer player = LibWebRtcPeer.player()) {
            WhipClient.Result published = whip.post(endpoint("whip", "room=12", "steady", null),
                    server.userSig("steady"), publisher.createOffer());
            publisher.acceptAnswer(published.body());
            WhipClient.Result played = whip.post(endpoint("whep", "room=12", "watcher", "steady_main"),
                    server.userSig("watcher"), player.createOffer());
            player.acceptAnswer(played.body());
            player.awaitMedia(30, 50, MEDIA_DEADLINE);

            java.util.SplittableRandom random = new java.util.SplittableRandom(3);
            java.net.InetSocketAddress media = new java.net.InetSocketAddress("127.0.0.1",
                    server.server().media().udpPort());
            try (java.net.DatagramSocket attacker = new java.net.DatagramSocket()) {
                for (int i = 0; i < 5_000; i++) {
                    byte[] junk = new byte[1 + random.nextInt(1400)];
                    random.nextBytes(junk);
                    // Aim at every demultiplexer branch: STUN, DTLS and RTP first bytes, and anything else.
                    junk[0] = (byte) new int[] {0, 1, 22, 23, 0x80, 0x90, 0xC8, random.nextInt(256)}[i % 8];
                    attacker.send(new java.net.DatagramPacket(junk, junk.length, media));
                }
            }
            for (int i = 0; i < 50; i++) {
                try (java.net.Socket tcp = new java.net.Socket("127.0.0.1", server.server().media().tcpPort())) {
                    byte[] junk = new byte[1 + random.nextInt(3000)];
                    random.nextBytes(junk);
                    tcp.getOutputStream().write(junk);
                }
            }

            long before = player.videoFramesReceived();
            player.awaitMedia(before + 30, 0, MEDIA_DEADLINE);
            assertThat(server.server().media().isPublished(server.sdkAppId() + "/r12/steady_main")).isTrue();
        }
    }

    @Test
    void playingAStreamNobodyPublishesIsAClearError() {
        try (LibWebRtcPeer player = LibWebRtcPeer.player()) {
            WhipClient.Result result = whip.post(endpoint("whep", "room=8", "bob", "nobody_main"),
                    server.userSig("bob"), player.createOffer());

            assertThat(result.status()).isEqualTo(404);
            assertThat(result.body()).contains("\"code\":16400").contains("nobody_main");
        }
    }

    @Test
    void aBadUserSigIsRejectedWith100018() {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            WhipClient.Result result = whip.post(endpoint("whip", "room=9", "alice", null),
                    server.userSig("mallory"), publisher.createOffer());

            assertThat(result.status()).isEqualTo(401);
            assertThat(result.body()).contains("-100018").contains("another userID");
        }
    }

    private static URI endpoint(String kind, String room, String userId, String streamId) {
        String roomParameter = room.startsWith("room=") ? "roomID=" + room.substring(5) : "strRoomID=" + room;
        return server.endpoint(kind, roomParameter, userId, streamId);
    }
}
