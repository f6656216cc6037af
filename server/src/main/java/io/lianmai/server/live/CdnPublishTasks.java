package io.lianmai.server.live;

import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.flv.LiveStreamObserver;
import io.lianmai.live.rtmp.RtmpRelay;
import io.lianmai.live.rtmp.RtmpUrl;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CDN relay tasks (TRTC's 旁路推流, {@code StartPublishCdnStream}): each task pushes one live stream to one or more
 * RTMP URLs with an {@link RtmpRelay} per URL, until it is stopped. Tasks live in memory: a restart ends them, as it
 * ends the streams they relay.
 *
 * <p>Thread-safe.
 */
public final class CdnPublishTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CdnPublishTasks.class);
    /** Tasks on one node; each holds a push connection per URL, so this bounds what API callers can open. */
    public static final int MAX_TASKS = 1000;
    /** URLs per task, as TRTC allows. */
    public static final int MAX_URLS_PER_TASK = 10;

    /** One relay task: a stream and where it is pushed. */
    public record Task(String taskId, long sdkAppId, String streamName, List<RtmpRelay> relays) {
    }

    /** Thrown when {@link #MAX_TASKS} tasks already run. */
    public static final class LimitExceededException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitExceededException(String message) {
            super(message);
        }
    }

    private final LiveStreamHub hub;
    private final EventLoopGroup group;
    private final Executor resolver;
    private final Clock clock;
    private final RtmpRelay.Config config;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    /**
     * @param group    event loops for the push connections and the relays' timers
     * @param resolver runs blocking DNS lookups of CDN hosts
     */
    public CdnPublishTasks(LiveStreamHub hub, EventLoopGroup group, Executor resolver, Clock clock,
                           RtmpRelay.Config config) {
        this.hub = hub;
        this.group = group;
        this.resolver = resolver;
        this.clock = clock;
        this.config = config;
        hub.addObserver(new LiveStreamObserver() {
            @Override
            public void onPublish(String name) {
                for (Task task : tasks.values()) {
                    if (task.streamName().equals(name)) {
                        task.relays().forEach(RtmpRelay::onStreamPublished);
                    }
                }
            }

            @Override
            public void onMessage(String name, int type, long timestamp, ByteBuf body) {
                // Relays play the stream from the hub; nothing to see per message.
            }

            @Override
            public void onUnpublish(String name) {
                // Each relay learns it from its player's end.
            }
        });
    }

    /**
     * Starts relaying {@code streamName} to {@code urls} (1..{@link #MAX_URLS_PER_TASK}); the stream need not be live
     * yet. Returns the task with its new id.
     *
     * @throws LimitExceededException when {@link #MAX_TASKS} tasks already run
     */
    public Task start(long sdkAppId, String streamName, List<RtmpUrl> urls) {
        if (urls.isEmpty() || urls.size() > MAX_URLS_PER_TASK) {
            throw new IllegalArgumentException("a task pushes to 1.." + MAX_URLS_PER_TASK + " URLs");
        }
        if (tasks.size() >= MAX_TASKS) {
            throw new LimitExceededException("this node already runs " + MAX_TASKS + " CDN publish tasks");
        }
        List<RtmpRelay> relays = new ArrayList<>();
        for (RtmpUrl url : urls) {
            relays.add(new RtmpRelay(hub, streamName, url, group, resolver, clock, config));
        }
        Task task = new Task(newTaskId(), sdkAppId, streamName, List.copyOf(relays));
        tasks.put(task.taskId(), task);
        relays.forEach(RtmpRelay::start);
        LOG.info("CDN publish task {} of app {}: {} to {}", task.taskId(), sdkAppId, streamName, urls);
        return task;
    }

    /** The task {@code taskId} of app {@code sdkAppId}, if it runs. */
    public Optional<Task> find(long sdkAppId, String taskId) {
        return Optional.ofNullable(taskId == null ? null : tasks.get(taskId))
                .filter(task -> task.sdkAppId() == sdkAppId);
    }

    /**
     * Stops the task {@code taskId} of app {@code sdkAppId}: its pushes end politely (FCUnpublish, deleteStream).
     * Empty when no such task runs for that app.
     */
    public Optional<Task> stop(long sdkAppId, String taskId) {
        Optional<Task> found = find(sdkAppId, taskId);
        found.ifPresent(task -> {
            if (tasks.remove(task.taskId(), task)) {
                task.relays().forEach(RtmpRelay::stop);
                LOG.info("CDN publish task {} of app {} stopped", task.taskId(), sdkAppId);
            }
        });
        return found;
    }

    /** Tasks running now. */
    public int size() {
        return tasks.size();
    }

    /** 18 random bytes, URL-safe base64: unguessable, so a task id cannot be probed across apps. */
    private String newTaskId() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Stops every task, waiting briefly for the pushes to end. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (Task task : tasks.values()) {
            task.relays().forEach(relay -> stopping.add(relay.stop()));
        }
        tasks.clear();
        try {
            CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.info("CDN relays did not all stop within 2 s: {}", e.toString());
        }
    }
}
