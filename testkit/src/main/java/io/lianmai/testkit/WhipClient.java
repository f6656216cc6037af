package io.lianmai.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A minimal WHIP/WHEP client (RFC 9725): POST an offer, read the answer and Location, DELETE the session. */
public final class WhipClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /**
     * The outcome of a POST.
     *
     * @param status HTTP status
     * @param body the SDP answer on 201, else the JSON error
     * @param location the session URL on 201
     */
    public record Result(int status, String body, URI location) {
    }

    /** POSTs {@code offer} to {@code endpoint} with {@code Authorization: Bearer userSig} (none when null). */
    public Result post(URI endpoint, String userSig, String offer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(TIMEOUT)
                .header("content-type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(offer));
        if (userSig != null) {
            request.header("authorization", "Bearer " + userSig);
        }
        HttpResponse<String> response = send(request.build());
        URI location = response.headers().firstValue("location").map(endpoint::resolve).orElse(null);
        return new Result(response.statusCode(), response.body(), location);
    }

    /** DELETEs a session; returns the status. */
    public int delete(URI session) {
        return send(HttpRequest.newBuilder(session).timeout(TIMEOUT).DELETE().build()).statusCode();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
