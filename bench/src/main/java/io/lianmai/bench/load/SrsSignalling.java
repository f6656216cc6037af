package io.lianmai.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * SRS's signalling: WHIP ({@code POST /rtc/v1/whip/?app=live&stream=NAME}) and WHEP ({@code /rtc/v1/whep/…}) with no
 * authentication, each answered {@code 201} with the SDP answer; sessions end with a DELETE of the Location. A
 * scenario's stream {@code s} of room {@code r} is SRS's stream {@code r-s} of app {@code live}.
 */
final class SrsSignalling implements Signalling {
    private final URI api;
    private final HttpClient http;
    private final long timeoutSeconds;
    private final Consumer<String> log;

    SrsSignalling(URI api, HttpClient http, long timeoutSeconds, Consumer<String> log) {
        this.api = api;
        this.http = http;
        this.timeoutSeconds = timeoutSeconds;
        this.log = log;
    }

    /** SRS's stream name for {@code streamId} of {@code roomId}. */
    static String streamName(long roomId, String streamId) {
        return roomId + "-" + streamId;
    }

    @Override
    public void publish(PublisherPeer peer, Scenario.Publisher publisher) {
        post(peer, "whip", streamName(publisher.roomId(), publisher.streamId()));
    }

    @Override
    public void subscribe(SubscriberPeer peer, Scenario.Subscription subscription) {
        post(peer, "whep", streamName(subscription.roomId(), subscription.streamId()));
    }

    private void post(SimulatedPeer peer, String kind, String stream) {
        URI endpoint = api.resolve("/rtc/v1/" + kind + "/?app=live&stream=" + Joiner.encode(stream));
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .header("content-type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(peer.offer()))
                .build();
        peer.joinStartNanos = System.nanoTime();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error != null) {
                peer.fail("SRS " + kind + " POST failed: " + error);
            } else if (response.statusCode() != 201 && response.statusCode() != 200) {
                peer.fail("SRS " + kind + " POST answered " + response.statusCode() + ": " + response.body());
            } else {
                response.headers().firstValue("location").ifPresent(l -> peer.setLocation(endpoint.resolve(l)));
                peer.onAnswer(response.body());
            }
        });
    }

    @Override
    public void leave(List<? extends SimulatedPeer> peers) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (SimulatedPeer peer : peers) {
            if (peer.location() != null) {
                pending.add(http.sendAsync(HttpRequest.newBuilder(peer.location()).timeout(Duration.ofSeconds(10))
                        .DELETE().build(), HttpResponse.BodyHandlers.discarding()));
            }
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.accept("some SRS sessions could not be deleted: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
