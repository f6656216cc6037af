package io.lianmai.server.callback;

import io.lianmai.server.config.CallbacksConfig;
import io.lianmai.server.metrics.CallbackMeters;
import io.lianmai.store.App;
import io.lianmai.store.AppLookup;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts the outbox's events to their apps' callback URLs: at least once, in order per room (a room's next event
 * waits until the previous one is delivered or given up), rooms in parallel up to {@code callbacks.maxConcurrent},
 * each attempt bounded by {@code callbacks.timeoutMillis}, failed attempts retried after 1 s, 2 s, 4 s … up to
 * {@code callbacks.retryMaxSeconds} apart for {@code callbacks.retryForSeconds} after the event. An event is
 * delivered when the receiver answers 2xx (TRTC asks for 200; any 2xx is taken); anything else, or no answer in time,
 * is a failed attempt. Whatever is pending when the server starts is resumed from the outbox: nothing is kept in
 * memory that a crash could lose.
 *
 * <p>Nodes sharing a database each run a sender on the one outbox (its node's {@link CallbackOutbox#forNode view}):
 * an event is {@linkplain CallbackOutbox#claim claimed} for {@code callbacks.leaseSeconds} before it is attempted, so
 * no two nodes attempt it (or its room) at once, and the outcome is recorded only while the claim is still this
 * node's. A node that dies mid-attempt leaves its claims; the others take those events once the lease has run out.
 *
 * <p>Threads: one scheduler thread reads and updates the outbox (so updates of one event never race); the HTTP
 * client's own threads carry the requests and hand their outcome back to it.
 */
public final class CallbackSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);
    /** How often delivered and given-up events past their retention are deleted. */
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);
    /** The header carrying the event's unique id, the same as the body's {@code EventId}. */
    public static final String EVENT_ID_HEADER = "X-Lianmai-Event-Id";

    private final CallbacksConfig config;
    private final CallbackOutbox outbox;
    private final AppLookup apps;
    private final CallbackTargetPolicy policy;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService httpThreads;
    private final HttpClient http;
    /** Rooms ({@code sdkAppId/roomKey}) with an attempt in flight; scheduler thread only. */
    private final Set<String> inFlight = new HashSet<>();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final AtomicInteger attemptsInFlight = new AtomicInteger();
    /** Attempts started and not yet recorded (the outbox updated): {@link #close} waits for them. */
    private final AtomicInteger unrecorded = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    /** Where deliveries and failed attempts are reported for {@code /metrics}; null until {@link #reportTo}. */
    private volatile CallbackMeters meters;
    private volatile boolean closed;
    private long lastPurgeMs = Long.MIN_VALUE;

    public CallbackSender(CallbacksConfig config, CallbackOutbox outbox, AppLookup apps, CallbackTargetPolicy policy,
            Clock clock) {
        this.config = config;
        this.outbox = outbox;
        this.apps = apps;
        this.policy = policy;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "lianmai-callback-sender");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger count = new AtomicInteger();
        this.httpThreads = Executors.newFixedThreadPool(2, runnable -> {
            Thread t = new Thread(runnable, "lianmai-callback-http-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                // HTTP/1.1 as TRTC posts: no h2c upgrade headers for plain-HTTP receivers to trip over.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout())
                // A redirect could lead anywhere, past the target policy: a receiver must answer itself.
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpThreads)
                .build();
    }

    /** Starts polling the outbox (pending events of an earlier run go first, as they are oldest). */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::poll, 0, config.poll().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Looks for due events now (new ones were written); cheap to call often: wake-ups coalesce. */
    public void wake() {
        if (!closed && wakeQueued.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                wakeQueued.set(false);
                poll();
            });
        }
    }

    /** Events delivered since start. */
    public long delivered() {
        return delivered.get();
    }

    /** Attempts that failed since start (each retried or given up). */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    /** Events given up since start. */
    public long givenUp() {
        return givenUp.get();
    }

    /** Attempts in flight now. */
    public int inFlight() {
        return attemptsInFlight.get();
    }

    private void poll() {
        if (closed) {
            return;
        }
        try {
            long now = clock.millis();
            purgeIfDue(now);
            int free = config.maxConcurrent() - inFlight.size();
            if (free <= 0) {
                return;
            }
            // Rooms in flight still have their head pending: ask for enough to find free rooms past them.
            List<CallbackOutbox.Entry> due = outbox.due(now, free + inFlight.size());
            for (CallbackOutbox.Entry entry : due) {
                if (inFlight.size() >= config.maxConcurrent()) {
                    break;
                }
                if (!inFlight.add(room(entry))) {
                    continue;
                }
                if (outbox.claim(entry.seq(), now, now + config.lease().toMillis())) {
                    attempt(entry, now);
                } else {
                    // Another node took it between the read and the claim.
                    inFlight.remove(room(entry));
                }
            }
        } catch (StoreException e) {
            LOG.warn("cannot read the callback outbox (trying again in {} ms): {}", config.poll().toMillis(),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("callback sender failed a round (trying again in {} ms)", config.poll().toMillis(), e);
        }
    }

    private void purgeIfDue(long now) {
        if (now - lastPurgeMs < PURGE_INTERVAL.toMillis()) {
            return;
        }
        lastPurgeMs = now;
        int purged = outbox.purgeFinishedBefore(now - config.retention().toMillis());
        if (purged > 0) {
            LOG.info("purged {} callback event(s) older than {} h", purged, config.retention().toHours());
        }
    }

    private static String room(CallbackOutbox.Entry entry) {
        return entry.sdkAppId() + "/" + entry.roomKey();
    }

    /** On the scheduler thread: one attempt at {@code entry}, whose room is now in flight. */
    private void attempt(CallbackOutbox.Entry entry, long now) {
        unrecorded.incrementAndGet();
        Optional<App> app = apps.find(entry.sdkAppId());
        Optional<String> url = app.flatMap(App::webhookUrl);
        if (url.isEmpty()) {
            finish(entry, () -> giveUp(entry, false, OptionalInt.empty(), "the app has no callback URL any more", now));
            return;
        }
        byte[] body = body(entry, now);
        // The policy resolves DNS: off the scheduler thread, with the request.
        attemptsInFlight.incrementAndGet();
        CompletableFuture.supplyAsync(() -> send(url.get(), app.get(), entry, body), httpThreads)
                .thenCompose(future -> future)
                .whenComplete((status, failure) -> {
                    attemptsInFlight.decrementAndGet();
                    scheduler.execute(() -> finish(entry, () -> outcome(entry, status, failure)));
                });
    }

    private CompletableFuture<Integer> send(String url, App app, CallbackOutbox.Entry entry, byte[] body) {
        URI target;
        try {
            target = policy.check(url);
        } catch (CallbackTargetPolicy.DeniedException e) {
            return CompletableFuture.failedFuture(new IOException("callback URL refused: " + e.getMessage()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .header("SdkAppId", Long.toString(app.sdkAppId().value()))
                .header(EVENT_ID_HEADER, entry.eventId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        app.callbackKey().ifPresent(key -> request.header("Sign", CallbackSignature.sign(key, body)));
        // The answer's body is never read: close it at the headers, so a receiver cannot keep us streaming.
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()).thenApply(response -> {
            closeQuietly(response.body());
            return response.statusCode();
        });
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // The status is all that counts.
        }
    }

    /**
     * TRTC's body with {@code CallbackTs} (this attempt's time) and Lianmai's {@code EventId} added; the stored
     * {@code EventInfo} goes in as written.
     */
    static byte[] body(CallbackOutbox.Entry entry, long nowMs) {
        String json = "{\"EventGroupId\":" + entry.group()
                + ",\"EventType\":" + entry.type()
                + ",\"CallbackTs\":" + nowMs
                + ",\"EventInfo\":" + entry.eventInfo()
                + ",\"EventId\":\"" + entry.eventId() + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Reports every delivery's latency and every failed attempt's reason to {@code meters} from now on. */
    public void reportTo(CallbackMeters meters) {
        this.meters = meters;
    }

    /** On the scheduler thread: records how the attempt went. */
    private void outcome(CallbackOutbox.Entry entry, Integer status, Throwable failure) {
        long now = clock.millis();
        CallbackMeters reported = meters;
        if (failure == null && status >= 200 && status < 300) {
            if (!outbox.markDelivered(entry.seq(), status, now)) {
                lostClaim(entry, "delivered (HTTP " + status + ")");
                return;
            }
            delivered.incrementAndGet();
            if (reported != null) {
                reported.delivered(Duration.ofMillis(Math.max(0, now - entry.eventMs())));
            }
            return;
        }
        failedAttempts.incrementAndGet();
        if (reported != null) {
            reported.failed(failureReason(status, failure));
        }
        OptionalInt answered = failure == null ? OptionalInt.of(status) : OptionalInt.empty();
        String error = failure == null ? "HTTP " + status : describe(failure);
        int attempts = entry.attempts() + 1;
        if (now - entry.eventMs() >= config.retryFor().toMillis()) {
            giveUp(entry, true, answered, error + "; retried for " + config.retryFor().toHours() + " h", now);
            return;
        }
        long next = now + backoff(attempts);
        LOG.debug("callback {} of app {} failed ({}), attempt {}, next in {} ms", entry.eventId(), entry.sdkAppId(),
                error, attempts, next - now);
        if (!outbox.markRetry(entry.seq(), answered, error, next)) {
            lostClaim(entry, "failed (" + error + ")");
        }
    }

    /**
     * The attempt's claim ran out and another node took the event (or gave it up) meanwhile: its outcome is the one
     * kept. The receiver may get this event twice; it deduplicates by EventId.
     */
    private void lostClaim(CallbackOutbox.Entry entry, String outcome) {
        LOG.warn("callback {} of app {} room {}: attempt {} after its {} s lease, which another node took over; "
                + "not recorded", entry.eventId(), entry.sdkAppId(), entry.roomKey(), outcome,
                config.lease().toSeconds());
    }

    private void giveUp(CallbackOutbox.Entry entry, boolean attempted, OptionalInt status, String error, long now) {
        if (!outbox.markFailed(entry.seq(), attempted, status, error, now)) {
            lostClaim(entry, "given up (" + error + ")");
            return;
        }
        givenUp.incrementAndGet();
        LOG.warn("callback {} ({} of app {} room {}) given up: {}", entry.eventId(), entry.type(), entry.sdkAppId(),
                entry.roomKey(), error);
    }

    /** The wait after {@code attempts} failed attempts: initial × 2^(attempts−1), at most the configured maximum. */
    long backoff(int attempts) {
        long initial = config.retryInitial().toMillis();
        long max = config.retryMax().toMillis();
        int shift = Math.min(Math.max(attempts - 1, 0), 40);
        long wait = initial << shift;
        return wait <= 0 || wait > max ? max : wait;
    }

    /** Runs {@code update} then frees the room; an outbox failure leaves the event pending for a later round. */
    private void finish(CallbackOutbox.Entry entry, Runnable update) {
        try {
            update.run();
        } catch (StoreException e) {
            LOG.warn("cannot record callback {}'s attempt (it stays pending and is sent again): {}",
                    entry.eventId(), e.getMessage());
        } finally {
            inFlight.remove(room(entry));
            unrecorded.decrementAndGet();
        }
        wake();
    }

    /** On the scheduler thread, once closed: lets go of this node's claims unless an attempt is still out. */
    private void releaseClaimsIfIdle() {
        if (unrecorded.get() > 0) {
            LOG.warn("{} callback attempt(s) unanswered at shutdown: their events are sent again after the {} s "
                    + "lease", unrecorded.get(), config.lease().toSeconds());
            return;
        }
        try {
            outbox.releaseClaims(false);
        } catch (StoreException e) {
            LOG.warn("cannot release this node's callback claims (others take them after the lease): {}",
                    e.getMessage());
        }
    }

    /** A fixed word for the failures label: {@code timeout}, {@code status_4xx}/{@code status_5xx}, {@code error}. */
    static String failureReason(Integer status, Throwable failure) {
        if (failure == null) {
            return "status_" + (status / 100) + "xx";
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof HttpTimeoutException ? "timeout"
                : cause instanceof java.net.ConnectException ? "connect" : "error";
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /**
     * Stops sending: no attempt starts any more; those in flight get until their timeout (twice: connect, then
     * answer) to be answered and recorded, and the claims left then are released so that another node (or the next
     * start) sends those events at once. An attempt still unanswered keeps its claim: it may yet reach the receiver,
     * and another node sends it again only after the lease.
     */
    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + config.timeout().multipliedBy(2).plusSeconds(1).toNanos();
        while (unrecorded.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            // On the scheduler thread, after any round that was running: no attempt can start after this check.
            scheduler.submit(this::releaseClaimsIfIdle).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("cannot release this node's callback claims (others take them after the lease): {}",
                    e.toString());
        }
        // Not shutdownNow: an interrupt in the middle of a database call can close H2's file under every user.
        scheduler.shutdown();
        httpThreads.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the callback sender did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
