package io.lianmai.bench.load;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What one attack sent and the histogram of what came back (HTTP statuses, closed, refused, …); thread-safe. */
final class AttackOutcome {
    private final AtomicLong sent = new AtomicLong();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    void sent() {
        sent.incrementAndGet();
    }

    void sent(long count) {
        sent.addAndGet(count);
    }

    long sentCount() {
        return sent.get();
    }

    void count(String outcome) {
        outcomes.computeIfAbsent(outcome, key -> new LongAdder()).increment();
    }

    /** How many outcomes start with {@code prefix} or one of {@code more}. */
    long countOf(String prefix, String... more) {
        long total = 0;
        for (Map.Entry<String, LongAdder> e : outcomes.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                total += e.getValue().sum();
            }
            for (String p : more) {
                if (e.getKey().startsWith(p)) {
                    total += e.getValue().sum();
                }
            }
        }
        return total;
    }

    long total() {
        return outcomes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** The histogram, sorted by outcome. */
    Map<String, Long> histogram() {
        Map<String, Long> sorted = new TreeMap<>();
        outcomes.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    /** A failed request's label: timeout, refused, closed, or the exception's class. */
    static String failure(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return "timeout";
        }
        if (cause instanceof HttpTimeoutException || cause instanceof java.net.SocketTimeoutException) {
            return "timeout";
        }
        if (cause instanceof ConnectException) {
            return "refused";
        }
        if (cause instanceof java.io.IOException) {
            return "closed";
        }
        return cause.getClass().getSimpleName();
    }
}
