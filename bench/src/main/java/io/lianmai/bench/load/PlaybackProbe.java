package io.lianmai.bench.load;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** GETs a live output URL (FLV, HLS) as a player would and says what came back: the status and the first bytes. */
final class PlaybackProbe {
    /** The status (-1 when none came) and whether the body started with what a player expects. */
    record Result(int status, boolean media, String failure) {
        String label() {
            return failure != null ? failure : Integer.toString(status);
        }
    }

    private PlaybackProbe() {
    }

    /**
     * GETs {@code uri}: status within {@code millis}; for a 200, up to {@code millis} more for the body's first bytes
     * ({@code FLV} or {@code #EXTM3U}).
     */
    static Result get(HttpClient http, URI uri, long millis) {
        CompletableFuture<HttpResponse<InputStream>> sent = http.sendAsync(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(millis)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
            response = sent.get(millis + 1_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            sent.cancel(true);
            return new Result(-1, false, AttackOutcome.failure(e));
        }
        InputStream body = response.body();
        boolean media = false;
        if (response.statusCode() == 200) {
            CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return body.readNBytes(7);
                } catch (java.io.IOException e) {
                    return new byte[0];
                }
            });
            try {
                String head = new String(first.get(millis, TimeUnit.MILLISECONDS),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
                media = head.startsWith("FLV") || head.startsWith("#EXTM3U");
            } catch (Exception e) {
                media = false;
            }
        }
        try {
            body.close();
        } catch (java.io.IOException e) {
            // Closing ends the player.
        }
        return new Result(response.statusCode(), media, null);
    }
}
