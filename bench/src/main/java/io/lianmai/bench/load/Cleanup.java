package io.lianmai.bench.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Ends what an attack got the server to create, so that the next attack starts clean (bounded: 32 at a time). */
final class Cleanup {
    private Cleanup() {
    }

    /** DELETEs every WHIP/WHEP session location (10 s per batch of 32 at most). */
    static void delete(AttackContext context, List<URI> locations) {
        for (int from = 0; from < locations.size(); from += 32) {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (URI location : locations.subList(from, Math.min(locations.size(), from + 32))) {
                pending.add(context.http.sendAsync(HttpRequest.newBuilder(location).timeout(Duration.ofSeconds(5))
                        .DELETE().build(), HttpResponse.BodyHandlers.discarding()));
            }
            try {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                context.say("some sessions could not be deleted: " + e);
            }
        }
    }
}
