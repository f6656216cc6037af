package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several media loops on one port: each loop has its own socket and the kernel spreads the clients' datagrams over
 * the sockets by address, not by session, so datagrams reach loops that do not own their session and must be handed
 * over; players spread over the loops get the stream through a mirror on their loop. Real WebRTC clients
 * ({@link RawPeer}: ICE, DTLS, SRTP over UDP on loopback).
 */
class MediaLoopsTest {
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final int PLAYERS = 20;

    private MediaServer server;
    private final List<RawPeer> peers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RawPeer peer : peers) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(int loops, int slack) {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)).withLoops(loops).withPlacementSlack(slack));
    }

    @Test
    void playersSpreadOverTwoLoopsGetEveryPacketAndTheirRepairsAndEndWithThePublisher() throws Exception {
        start(2, 0);
        Set<String> ended = ConcurrentHashMap.newKeySet();
        server.onSessionEnded(ended::add);
        assertThat(server.loopCount()).isEqualTo(2);

        RawPeer publisher = peer();
        MediaPlane.MediaSession published = server.publish("app/room/pub_main", publisher.offer(true))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        publisher.connect(published.answerSdp(), CONNECT);
        List<RawPeer> players = new ArrayList<>();
        List<String> playerIds = new ArrayList<>();
        for (int i = 0; i < PLAYERS; i++) {
            RawPeer player = peer();
            MediaPlane.MediaSession played = server.play("app/room/pub_main", player.offer(false))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            player.connect(played.answerSdp(), CONNECT);
            players.add(player);
            playerIds.add(played.sessionId());
        }
        MediaServer.Stats joined = server.stats();
        assertThat(joined.loops()).isEqualTo(2);
        assertThat(joined.publishers()).isEqualTo(1);
        assertThat(joined.players()).isEqualTo(PLAYERS);
        assertThat(joined.mirrors()).as("the stream copied once to the other loop").isEqualTo(1);
        assertThat(server.playerCount("app/room/pub_main")).isEqualTo(PLAYERS);
        assertThat(server.sessionStats("", 100).sessions()).as("a mirror is not a session anyone made")
                .isEqualTo(1 + PLAYERS);

        // Audio starts at once (no keyframe to wait for). A player's client may finish its DTLS handshake a moment
        // before the server does: packets flow until every player has one, then 50 are counted.
        int seq = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (players.stream().anyMatch(player -> player.rtpReceived() == 0) && System.nanoTime() < deadline) {
            seq++;
            publisher.sendRtp(seq, seq * 960L, 100);
            Thread.sleep(5);
        }
        Thread.sleep(100);
        long[] before = players.stream().mapToLong(RawPeer::rtpReceived).toArray();
        for (int i = 0; i < 50; i++) {
            seq++;
            publisher.sendRtp(seq, seq * 960L, 100);
            Thread.sleep(2);
        }
        await(() -> {
            for (int i = 0; i < players.size(); i++) {
                if (players.get(i).rtpReceived() < before[i] + 50) {
                    return false;
                }
            }
            return true;
        }, () -> "every player gets all 50 packets: " + players.stream().map(RawPeer::rtpReceived).toList()
                + " after " + java.util.Arrays.toString(before) + ", " + server.stats());
        int[] asked = new int[players.size()];
        for (int i = 0; i < players.size(); i++) {
            RawPeer player = players.get(i);
            int last = player.lastSequenceNumber(); // each player's own numbering
            for (int back = 0; back < 50; back++) {
                assertThat(player.timesReceived((last - back) & 0xFFFF)).as("packet %d once", last - back)
                        .isEqualTo(1);
            }
            // Each loop answers its own players' NACKs from its own cache (the mirror's on the other loop).
            asked[i] = (last - 40) & 0xFFFF;
            player.sendNack(new int[] {asked[i]}, 1);
        }
        for (int i = 0; i < players.size(); i++) {
            RawPeer player = players.get(i);
            int nacked = asked[i];
            await(() -> player.timesReceived(nacked) == 2, "a NACKed packet is resent");
        }
        MediaServer.Stats forwarded = server.stats();
        assertThat(forwarded.handedOver()).as("the kernel spread %d clients over both sockets", PLAYERS + 1)
                .isPositive();
        assertThat(forwarded.handoverDropped()).isZero();
        assertThat(forwarded.packetFailures()).isZero();
        assertThat(forwarded.retransmitted()).isEqualTo(PLAYERS);

        assertThat(server.end(published.sessionId())).isTrue();
        await(() -> ended.containsAll(playerIds), "every player ends with the publisher, on both loops");
        await(() -> server.stats().mirrors() == 0, "the mirror ends with its source");
        MediaServer.Stats after = server.stats();
        assertThat(after.publishers()).isZero();
        assertThat(after.players()).isZero();
        assertThat(ended).as("only sessions signalling made are reported").hasSize(1 + PLAYERS);
        assertThat(server.isPublished("app/room/pub_main")).isFalse();
    }

    @Test
    void playersStayWithTheirPublisherWithinTheSlack() throws Exception {
        start(2, 16);
        RawPeer publisher = peer();
        MediaPlane.MediaSession published = server.publish("k", publisher.offer(true)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        publisher.connect(published.answerSdp(), CONNECT);
        for (int i = 0; i < 3; i++) {
            RawPeer player = peer();
            player.connect(server.play("k", player.offer(false)).toCompletableFuture().get(5, TimeUnit.SECONDS)
                    .answerSdp(), CONNECT);
        }
        assertThat(server.stats().mirrors()).isZero();
        assertThat(server.stats().players()).isEqualTo(3);
    }

    @Test
    void aPublisherOnAnotherLoopReplacesTheFirst() throws Exception {
        start(2, 16);
        Set<String> ended = ConcurrentHashMap.newKeySet();
        server.onSessionEnded(ended::add);
        RawPeer first = peer();
        String firstId = server.publish("k", first.offer(true)).toCompletableFuture().get(5, TimeUnit.SECONDS)
                .sessionId();
        // The first loop holds a session now, so the next publisher goes to the other one.
        RawPeer second = peer();
        MediaPlane.MediaSession replacement = server.publish("k", second.offer(true)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        second.connect(replacement.answerSdp(), CONNECT);
        await(() -> ended.contains(firstId), "the first publisher is replaced");
        assertThat(server.isPublished("k")).isTrue();
        assertThat(server.stats().publishers()).isEqualTo(1);
        assertThat(server.end(firstId)).isFalse();
        assertThat(server.end(replacement.sessionId())).isTrue();
    }

    private RawPeer peer() {
        RawPeer peer = new RawPeer(server.udpPort());
        peers.add(peer);
        return peer;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
