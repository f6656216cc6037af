package io.lianmai.bench.load;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Sends up to {@code count} HTTP requests spread evenly over {@code within}, at most {@code concurrency} in flight,
 * and records each answer's status (or {@code timeout}, {@code refused}, {@code closed}) in an {@link AttackOutcome}.
 * Stops at the deadline whatever was sent; waits up to 10 s more for answers in flight.
 */
final class HttpFlood {
    /** Counts each answer by its HTTP status. */
    static final Function<HttpResponse<String>, String> BY_STATUS = response -> Integer.toString(response.statusCode());

    private HttpFlood() {
    }

    /**
     * @param classify names each answer's outcome: {@link #BY_STATUS}, or e.g. by an error code in its body
     * @param onReply  sees every answer (e.g. to remember Locations to DELETE), on an HTTP thread
     */
    static void run(HttpClient http, int count, long withinMillis, int concurrency, IntFunction<HttpRequest> request,
            AttackOutcome outcome, Function<HttpResponse<String>, String> classify,
            BiConsumer<HttpRequest, HttpResponse<String>> onReply) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<?>> pending = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(withinMillis);
        for (int i = 0; i < count; i++) {
            long due = start + TimeUnit.MILLISECONDS.toNanos(withinMillis) * i / count;
            LoadRun.sleepUntil(due);
            long left = deadline - System.nanoTime();
            if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            HttpRequest r = request.apply(i);
            outcome.sent();
            CompletableFuture<?> f = http.sendAsync(r, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        inFlight.release();
                        if (error != null) {
                            outcome.count(AttackOutcome.failure(error));
                        } else {
                            outcome.count(classify.apply(response));
                            if (onReply != null) {
                                onReply.accept(r, response);
                            }
                        }
                    });
            pending.add(f);
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Counted per request: timeouts and errors are outcomes.
        }
        for (CompletableFuture<?> f : pending) {
            if (!f.isDone()) {
                f.cancel(true);
                outcome.count("unanswered");
            }
        }
    }
}
