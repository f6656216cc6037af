package io.lianmai.bench.load;

import io.lianmai.auth.UserSigSigner;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Lianmai's signalling: POSTs simulated peers' offers (WHIP/WHEP) and DELETEs their sessions, as a page would. */
final class Joiner implements Signalling {
    private static final int DELETE_BATCH = 32;

    private final ServerTarget target;
    private final UserSigSigner signer;
    private final HttpClient http;
    private final long timeoutSeconds;
    private final Consumer<String> log;
    private final Map<String, String> userSigs = new ConcurrentHashMap<>();
    private volatile List<URI> playerBases = List.of();
    private volatile List<URI> publisherBases = List.of();
    private final java.util.concurrent.atomic.AtomicInteger nextPublisherBase = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger nextPlayerBase = new java.util.concurrent.atomic.AtomicInteger();

    Joiner(ServerTarget target, UserSigSigner signer, HttpClient http, long timeoutSeconds, Consumer<String> log) {
        this.target = target;
        this.signer = signer;
        this.http = http;
        this.timeoutSeconds = timeoutSeconds;
        this.log = log;
    }

    @Override
    public void publish(PublisherPeer peer, Scenario.Publisher publisher) {
        join(peer, "whip", publisher.roomId(), null);
    }

    @Override
    public void subscribe(SubscriberPeer peer, Scenario.Subscription subscription) {
        join(peer, "whep", subscription.roomId(), subscription.streamId());
    }

    /** In a cluster: WHEP players go to {@code bases} in turn (edges of the room), publishers to the target. */
    void playersAt(List<URI> bases) {
        this.playerBases = List.copyOf(bases);
    }

    /** In a cluster: WHIP publishers go to {@code bases} in turn. */
    void publishersAt(List<URI> bases) {
        this.publisherBases = List.copyOf(bases);
    }

    /** POSTs {@code peer}'s offer to {@code kind} ({@code whip} or {@code whep}); the answer reaches the peer. */
    void join(SimulatedPeer peer, String kind, long roomId, String streamId) {
        String userSig = userSigs.computeIfAbsent(peer.userId, user -> signer.genUserSig(user, 24 * 3600));
        List<URI> players = playerBases;
        List<URI> publishers = publisherBases;
        URI base = "whep".equals(kind) && !players.isEmpty()
                ? players.get(Math.floorMod(nextPlayerBase.getAndIncrement(), players.size()))
                : "whip".equals(kind) && !publishers.isEmpty()
                ? publishers.get(Math.floorMod(nextPublisherBase.getAndIncrement(), publishers.size()))
                : target.baseUrl();
        URI endpoint = base.resolve(kind + "?sdkAppID=" + target.sdkAppId() + "&roomID=" + roomId
                + "&userID=" + encode(peer.userId) + (streamId == null ? "" : "&streamID=" + encode(streamId)));
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .header("content-type", "application/sdp")
                .header("authorization", "Bearer " + userSig)
                .POST(HttpRequest.BodyPublishers.ofString(peer.offer()))
                .build();
        peer.joinStartNanos = System.nanoTime();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error != null) {
                peer.fail("POST /" + kind + " failed: " + error);
            } else if (response.statusCode() != 201) {
                peer.fail("POST /" + kind + " answered " + response.statusCode() + ": " + response.body());
            } else {
                // After a cluster's 307, the session lives on the node that answered.
                response.headers().firstValue("location").ifPresent(l -> peer.setLocation(response.uri().resolve(l)));
                peer.onAnswer(response.body());
            }
        });
    }

    /** DELETEs every session (waits up to 10 s per batch); what pages do when they leave. */
    @Override
    public void leave(List<? extends SimulatedPeer> peers) {
        // A few dozen at a time, as many pages closing at once would.
        for (int from = 0; from < peers.size(); from += DELETE_BATCH) {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (SimulatedPeer peer : peers.subList(from, Math.min(peers.size(), from + DELETE_BATCH))) {
                if (peer.location() != null) {
                    pending.add(http.sendAsync(HttpRequest.newBuilder(peer.location())
                            .timeout(Duration.ofSeconds(10)).DELETE().build(),
                            HttpResponse.BodyHandlers.discarding()));
                }
            }
            try {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.accept("some sessions could not be deleted: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
