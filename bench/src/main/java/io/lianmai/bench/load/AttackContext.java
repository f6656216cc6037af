package io.lianmai.bench.load;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.media.dtls.DtlsContext;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What an {@link Attack} may use: the server (its URLs, its app and key, its command line), the call in progress,
 * a client loop of the attacker's own for simulated peers, an HTTP client, and the scale.
 */
final class AttackContext {
    private static final long JOIN_SECONDS = 15;

    final ChildServer server;
    final AttackScale scale;
    final CallUnderTest call;
    final UserSigSigner signer;
    final HttpClient http;
    private final ClientLoop attackerLoop;
    private final DtlsContext dtls;
    private final Joiner joiner;
    private final SecureRandom random = new SecureRandom();
    private final MediaShape shape;
    private final Pacing pacing;
    private final PrintStream log;

    AttackContext(ChildServer server, AttackScale scale, CallUnderTest call, UserSigSigner signer, HttpClient http,
            ClientLoop attackerLoop, DtlsContext dtls, Joiner joiner, MediaShape shape, Pacing pacing,
            PrintStream log) {
        this.server = server;
        this.scale = scale;
        this.call = call;
        this.signer = signer;
        this.http = http;
        this.attackerLoop = attackerLoop;
        this.dtls = dtls;
        this.joiner = joiner;
        this.shape = shape;
        this.pacing = pacing;
        this.log = log;
    }

    URI baseUrl() {
        return server.baseUrl();
    }

    SdkAppId sdkAppId() {
        return server.sdkAppId();
    }

    /** {@code ws://host:port/ws}. */
    URI wsUri() {
        URI base = server.baseUrl();
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws");
    }

    /** A browser's WHIP offer (Opus and VP8, sendonly) for {@code userId}, from a publisher that never joins. */
    String publisherOffer(String userId) {
        return new PublisherPeer(attackerLoop, userId, shape, pacing, Impairment.NONE, dtls, random,
                random.nextLong()).offer();
    }

    /** A browser's WHEP offer (recvonly) for {@code userId}, from a player that never joins. */
    String playerOffer(String userId) {
        return new SubscriberPeer(attackerLoop, userId, "-", 200_000_000L, false, Impairment.NONE, dtls, random,
                random.nextLong()).offer();
    }

    /** A room number no one uses. */
    static long freshRoom() {
        return ThreadLocalRandom.current().nextLong(100_000, 900_000_000);
    }

    /**
     * A WHEP player of {@code streamId} in the call's room on the attacker's loop, connected and receiving media,
     * or an exception saying why not (within 15 s).
     */
    SubscriberPeer player(String userId, String streamId) throws InterruptedException {
        SubscriberPeer peer = new SubscriberPeer(attackerLoop, userId, streamId, 200_000_000L, false,
                Impairment.NONE, dtls, random, random.nextLong());
        joiner.join(peer, "whep", call.roomId(), streamId);
        try {
            peer.connected.get(JOIN_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            peer.fail("not connected within " + JOIN_SECONDS + " s");
            throw new IllegalStateException("the attacker's player could not join: " + peer.failure());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_SECONDS);
        while (peer.firstMediaNanos == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return peer;
    }

    /** DELETEs the peer's session and closes its socket. */
    void leave(SimulatedPeer peer) {
        joiner.leave(List.of(peer));
        attackerLoop.eventLoop().execute(peer::closeTransport);
    }

    /** Runs {@code task} on the attacker's loop and returns its value (10 s at most). */
    <T> T onAttackerLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return attackerLoop.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }

    void say(String message) {
        if (log != null) {
            log.println("attack: " + message);
        }
    }
}
