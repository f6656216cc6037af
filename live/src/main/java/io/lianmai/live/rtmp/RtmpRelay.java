package io.lianmai.live.rtmp;

import io.lianmai.live.flv.FlvTagPlayer;
import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.flv.LiveStreamHub;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one hub stream to an external RTMP URL (a CDN relay, TRTC's 旁路推流): connects with an
 * {@link RtmpPushClient}, then plays the stream from the hub starting at its latest keyframe and republishes every tag.
 *
 * <pre>
 *            ┌──────── not live (poll, or woken by {@link #onStreamPublished}) ────────┐
 *            ▼                                                                          │
 * start ─▶ WAITING_FOR_STREAM ──live──▶ CONNECTING ──Publish.Start──▶ RELAYING ──stream ended──┘
 *                                          │  ▲                          │
 *                               refused,   │  │ backoff 1 s, 2 s, 4 s …  │ CDN closed / too slow
 *                               unreachable▼  │ up to maxBackoff         ▼
 *                                        BACKING_OFF ◀───────────────────┘
 *                                             │ maxFailures in a row, or the target is refused
 *                                             ▼
 *                                          GAVE_UP (final; {@link #gaveUp} completes with the reason)
 * stop ─▶ STOPPED (FCUnpublish, deleteStream, close), from any state
 * </pre>
 *
 * The backoff and the count of failures in a row reset after a session that lasted {@code stableAfter}. The
 * target's address comes from an {@link AddressResolver} (which may refuse it: a policy on where relays may push);
 * the connection goes to exactly the address it returned. A push connection more than
 * {@code maxBacklogBytes} behind is closed and reconnected (from the then-latest keyframe) rather than buffered.
 *
 * <p>Every state change runs on one event loop of {@code group}; {@link #start}, {@link #stop} and
 * {@link #onStreamPublished} may be called from any thread.
 */
public final class RtmpRelay {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpRelay.class);
    /** How often a relaying session renews its interest in the stream ({@link LiveStreamHub#ensureLive}). */
    private static final long DEMAND_INTERVAL_MILLIS = 5000;

    /** Where a relay is in its life. */
    public enum State { WAITING_FOR_STREAM, CONNECTING, RELAYING, BACKING_OFF, GAVE_UP, STOPPED }

    /** Finds the address to push to; blocking (DNS), run on the relay's blocking executor. */
    @FunctionalInterface
    public interface AddressResolver {
        /** The system resolver, with no policy. */
        AddressResolver SYSTEM = url -> {
            try {
                return new InetSocketAddress(InetAddress.getByName(url.host()), url.port());
            } catch (UnknownHostException e) {
                throw new RtmpException("cannot resolve " + url.host());
            }
        };

        /**
         * The address to connect to for {@code url}.
         *
         * @throws RtmpException when it cannot be resolved (retried with backoff)
         * @throws TargetRefusedException when the target must never be pushed to (the relay gives up at once)
         */
        InetSocketAddress resolve(RtmpUrl url) throws RtmpException;
    }

    /** The target is refused by policy: retrying cannot help. */
    public static final class TargetRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TargetRefusedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Settings of a relay.
     *
     * @param initialBackoff  wait after the first failure; doubles per failure
     * @param maxBackoff      longest wait between attempts, so a CDN that comes back is found within it
     * @param stableAfter     a session this long resets the backoff
     * @param livePoll        how often a stream that is not live is asked for again ({@code ensureLive})
     * @param maxBacklogBytes bytes queued towards the CDN before the connection counts as too slow (~5 s of 6 Mbit/s)
     * @param push            the push client's settings
     * @param maxFailures     failed attempts in a row after which the relay gives up (10: about 3.5 min of backoff)
     */
    public record Config(Duration initialBackoff, Duration maxBackoff, Duration stableAfter, Duration livePoll,
                         long maxBacklogBytes, RtmpPushClient.Config push, int maxFailures) {
        public static final Config DEFAULT = new Config(Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(1), 4L * 1024 * 1024, RtmpPushClient.Config.DEFAULT, 10);

        public Config {
            if (maxFailures < 1) {
                throw new IllegalArgumentException("maxFailures must be at least 1");
            }
        }

        /** This configuration with another backlog limit. */
        public Config withMaxBacklogBytes(long bytes) {
            return new Config(initialBackoff, maxBackoff, stableAfter, livePoll, bytes, push, maxFailures);
        }

        /** This configuration with another give-up count. */
        public Config withMaxFailures(int failures) {
            return new Config(initialBackoff, maxBackoff, stableAfter, livePoll, maxBacklogBytes, push, failures);
        }
    }

    /** What a relay is doing, for APIs and logs. */
    public record Status(State state, long bytesSent, int sessions, int failures, String lastError) {
    }

    private final LiveStreamHub hub;
    private final String streamName;
    private final RtmpUrl url;
    private final EventLoopGroup group;
    private final EventExecutor executor;
    private final Executor blocking;
    private final AddressResolver addresses;
    private final Clock clock;
    private final Config config;
    private final AtomicLong bytesSent = new AtomicLong();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final CompletableFuture<String> gaveUp = new CompletableFuture<>();
    private volatile State state = State.WAITING_FOR_STREAM;
    private volatile String lastError;
    private volatile int sessions;
    private volatile int failures;
    private int failuresInARow;
    private Duration backoff;
    private ScheduledFuture<?> timer;
    private RtmpPushClient client;
    private RelayPlayer player;
    private long sessionStartMillis;

    /**
     * @param blocking  runs the blocking {@code addresses} lookup (never the event loop)
     * @param addresses finds, and may refuse, the address of the URL's host
     */
    public RtmpRelay(LiveStreamHub hub, String streamName, RtmpUrl url, EventLoopGroup group, Executor blocking,
                     AddressResolver addresses, Clock clock, Config config) {
        this.hub = hub;
        this.streamName = streamName;
        this.url = url;
        this.group = group;
        this.executor = group.next();
        this.blocking = blocking;
        this.addresses = addresses;
        this.clock = clock;
        this.config = config;
        this.backoff = config.initialBackoff();
    }

    public String streamName() {
        return streamName;
    }

    public RtmpUrl url() {
        return url;
    }

    public Status status() {
        return new Status(state, bytesSent.get(), sessions, failures, lastError);
    }

    /**
     * Completes, with the reason, when the relay gives up: {@link Config#maxFailures} failures in a row, or a
     * refused target. Never completes for a relay that is stopped first.
     */
    public CompletableFuture<String> gaveUp() {
        return gaveUp;
    }

    /** Starts relaying (or waiting for the stream). */
    public void start() {
        executor.execute(this::attempt);
    }

    /** The stream may just have gone live: a relay waiting for it tries at once instead of at its next poll. */
    public void onStreamPublished() {
        executor.execute(() -> {
            if (state == State.WAITING_FOR_STREAM && timer != null) {
                timer.cancel(false);
                attempt();
            }
        });
    }

    /** Stops relaying: the push ends politely. Completes when the relay has let go of the stream and connection. */
    public CompletableFuture<Void> stop() {
        executor.execute(() -> {
            state = State.STOPPED;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            endSession();
            stopped.complete(null);
        });
        return stopped;
    }

    private void attempt() {
        timer = null;
        if (state == State.STOPPED) {
            return;
        }
        if (!hub.ensureLive(streamName)) {
            state = State.WAITING_FOR_STREAM;
            timer = executor.schedule(this::attempt, config.livePoll().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        state = State.CONNECTING;
        CompletableFuture.supplyAsync(() -> addresses.resolve(url), blocking)
                .thenCompose(address -> RtmpPushClient.connect(group, address, url, config.push()))
                .whenComplete((connected, failure) -> executor.execute(() -> onConnected(connected, failure)));
    }

    private void onConnected(RtmpPushClient connected, Throwable failure) {
        if (state == State.STOPPED) {
            if (connected != null) {
                connected.close();
            }
            return;
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TargetRefusedException) {
                failures++;
                giveUp(cause.getMessage());
                return;
            }
            retryLater(cause.getMessage());
            return;
        }
        RelayPlayer attached = new RelayPlayer(connected);
        client = connected;
        player = attached;
        sessionStartMillis = clock.millis();
        if (!hub.play(streamName, attached, LiveStreamHub.Start.LATEST_KEYFRAME)) {
            // The stream ended between the check and now: nothing is wrong with the CDN.
            endSession();
            state = State.WAITING_FOR_STREAM;
            timer = executor.schedule(this::attempt, config.livePoll().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        state = State.RELAYING;
        sessions++;
        LOG.info("relaying {} to {}", streamName, url.redacted());
        timer = executor.schedule(() -> keepDemand(attached), DEMAND_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        connected.closeFuture().addListener(f -> executor.execute(() -> onSessionEnded(attached, Ending.CDN_CLOSED)));
    }

    /** Tells the hub, while relaying, that the stream is still wanted (an on-demand bridge keeps it running). */
    private void keepDemand(RelayPlayer attached) {
        timer = null;
        if (player == attached && state == State.RELAYING) {
            hub.ensureLive(streamName);
            timer = executor.schedule(() -> keepDemand(attached), DEMAND_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Why a relaying session ended. */
    private enum Ending { STREAM_ENDED, CDN_CLOSED, TOO_SLOW }

    private void onSessionEnded(RelayPlayer ended, Ending ending) {
        if (player != ended || state == State.STOPPED) {
            return;
        }
        boolean stable = clock.millis() - sessionStartMillis >= config.stableAfter().toMillis();
        if (stable) {
            backoff = config.initialBackoff();
            failuresInARow = 0;
        }
        Throwable cdnFailure = client.failure();
        endSession();
        switch (ending) {
            case STREAM_ENDED -> {
                LOG.info("relay of {} to {}: the stream ended; waiting for it to return", streamName, url.redacted());
                state = State.WAITING_FOR_STREAM;
                timer = executor.schedule(this::attempt, config.livePoll().toMillis(), TimeUnit.MILLISECONDS);
            }
            case CDN_CLOSED -> retryLater(cdnFailure != null ? cdnFailure.getMessage()
                    : url.redacted() + " closed the connection");
            case TOO_SLOW -> retryLater("more than " + config.maxBacklogBytes() + " bytes queued towards "
                    + url.redacted() + "; reconnecting from the latest keyframe");
        }
    }

    private void retryLater(String reason) {
        failures++;
        lastError = reason;
        if (++failuresInARow >= config.maxFailures()) {
            giveUp(failuresInARow + " failures in a row, the last: " + reason);
            return;
        }
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0 ? config.maxBackoff()
                : backoff.multipliedBy(2);
        LOG.info("relay of {} to {}: {}; retrying in {} ms", streamName, url.redacted(), reason, wait.toMillis());
        state = State.BACKING_OFF;
        timer = executor.schedule(this::attempt, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Final: no more attempts. */
    private void giveUp(String reason) {
        lastError = reason;
        state = State.GAVE_UP;
        LOG.warn("relay of {} to {} gave up: {}", streamName, url.redacted(), reason);
        gaveUp.complete(reason);
    }

    /** Lets go of the hub (the player refuses the next tag) and closes the push politely. */
    private void endSession() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (player != null) {
            player.detached = true;
            player = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public String toString() {
        return "relay of " + streamName + " to " + url.redacted();
    }

    /** Takes the hub's tags and republishes them; called on the publisher's thread. */
    private final class RelayPlayer extends FlvTagPlayer {
        private final RtmpPushClient push;
        private final AtomicLong backlog = new AtomicLong();
        private volatile boolean detached;
        private volatile boolean tooSlow;

        @Override
        public String kind() {
            return "cdn";
        }

        RelayPlayer(RtmpPushClient push) {
            this.push = push;
        }

        @Override
        protected boolean onTag(int type, long timestamp, ByteBuf body) {
            if (detached || !push.isActive()) {
                body.release();
                return false;
            }
            if (backlog.get() > config.maxBacklogBytes()) {
                tooSlow = true;
                body.release();
                return false;
            }
            int size = body.readableBytes();
            backlog.addAndGet(size);
            ChannelFuture written = type == FlvTags.SCRIPT ? push.sendMetadata(timestamp, body)
                    : push.send(type, timestamp, body);
            written.addListener(f -> {
                backlog.addAndGet(-size);
                if (f.isSuccess()) {
                    bytesSent.addAndGet(size);
                }
            });
            return true;
        }

        @Override
        protected boolean accepting() {
            return !detached && push.isActive();
        }

        @Override
        public void end() {
            Ending ending = tooSlow ? Ending.TOO_SLOW : !push.isActive() ? Ending.CDN_CLOSED : Ending.STREAM_ENDED;
            executor.execute(() -> onSessionEnded(this, ending));
        }
    }
}
