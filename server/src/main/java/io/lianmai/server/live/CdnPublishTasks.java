package io.lianmai.server.live;

import io.lianmai.common.SdkAppId;
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
import java.util.LinkedHashMap;
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
 * RTMP URLs with an {@link RtmpRelay} per URL, until it is stopped, or until every one of its relays gave up
 * ({@code cdn.maxRetries} failures in a row); the reason is logged and kept for {@link #ended}. Tasks live in
 * memory: a restart ends them, as it ends the streams they relay.
 *
 * <p>Every URL's host is checked by the {@link CdnTargetPolicy} when the task starts (a refused target fails the
 * request) and again at each connection attempt, which connects to the address the policy checked. Quotas: at most
 * {@code cdn.maxTasks} tasks on the node and {@code cdn.maxRelaysPerApp} per app.
 *
 * <p>Thread-safe. {@link #start} blocks on DNS: call it from a worker thread.
 */
public final class CdnPublishTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CdnPublishTasks.class);
    /** URLs per task, as TRTC allows. */
    public static final int MAX_URLS_PER_TASK = 10;
    /** Ended tasks whose reason is remembered for {@link #ended}; the oldest is forgotten first. */
    private static final int ENDED_REMEMBERED = 1000;

    /**
     * One relay task: a stream and where it is pushed.
     *
     * @param sequence the {@code SequenceNumber} of the last update applied; 0 before any
     */
    public record Task(String taskId, SdkAppId sdkAppId, String streamName, List<RtmpRelay> relays, long sequence) {
    }

    /** Thrown when an update's sequence number is not greater than the task's last one. */
    public static final class StaleUpdateException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long last;

        StaleUpdateException(long last) {
            super("SequenceNumber must be greater than the last update's, " + last, null, false, false);
            this.last = last;
        }

        /** The sequence number of the last update applied (0: none yet). */
        public long last() {
            return last;
        }
    }

    /** Thrown when the node's or the app's quota of tasks is used up. */
    public static final class LimitExceededException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitExceededException(String message) {
            super(message);
        }
    }

    /** Thrown when a URL's target is refused by the {@link CdnTargetPolicy}; the message is safe to show. */
    public static final class TargetDeniedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int index;

        TargetDeniedException(int index, String message) {
            super(message, null, false, false);
            this.index = index;
        }

        /** Which of the task's URLs, from 0. */
        public int index() {
            return index;
        }
    }

    private final LiveStreamHub hub;
    private final EventLoopGroup group;
    private final Executor blocking;
    private final CdnTargetPolicy policy;
    private final Clock clock;
    private final RtmpRelay.Config config;
    private final int maxTasks;
    private final int maxTasksPerApp;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    /** Guarded by itself: why tasks ended on their own, by task id, oldest first. */
    private final LinkedHashMap<String, Ended> ended = new LinkedHashMap<>();

    /** Why a task ended on its own. */
    private record Ended(SdkAppId sdkAppId, String reason) {
    }

    /**
     * @param group          event loops for the push connections and the relays' timers
     * @param blocking       runs blocking DNS lookups of CDN hosts (never an event loop)
     * @param policy         where relays may push
     * @param maxTasks       tasks on the node ({@code cdn.maxTasks})
     * @param maxTasksPerApp tasks per app ({@code cdn.maxRelaysPerApp})
     */
    public CdnPublishTasks(LiveStreamHub hub, EventLoopGroup group, Executor blocking, CdnTargetPolicy policy,
                           Clock clock, RtmpRelay.Config config, int maxTasks, int maxTasksPerApp) {
        this.hub = hub;
        this.group = group;
        this.blocking = blocking;
        this.policy = policy;
        this.clock = clock;
        this.config = config;
        this.maxTasks = maxTasks;
        this.maxTasksPerApp = maxTasksPerApp;
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
     * yet. Returns the task with its new id. Blocks on DNS (the policy's check of each host).
     *
     * @throws TargetDeniedException when a URL's host is refused by the policy (nothing is started)
     * @throws LimitExceededException when the node or the app already runs its quota of tasks
     */
    public Task start(SdkAppId sdkAppId, String streamName, List<RtmpUrl> urls) {
        checkTargets(sdkAppId, urls);
        return startChecked(sdkAppId, streamName, urls);
    }

    /**
     * {@link #start} for a caller that ran {@link #checkTargets} on {@code urls} just before, outside its own locks:
     * no DNS here (each relay connection checks its target again on the relay's thread).
     *
     * @throws LimitExceededException when the node or the app already runs its quota of tasks
     */
    public Task startChecked(SdkAppId sdkAppId, String streamName, List<RtmpUrl> urls) {
        List<RtmpRelay> relays = new ArrayList<>();
        for (RtmpUrl url : urls) {
            relays.add(newRelay(streamName, url));
        }
        Task task = new Task(newTaskId(), sdkAppId, streamName, List.copyOf(relays), 0);
        synchronized (tasks) {
            if (tasks.size() >= maxTasks) {
                throw new LimitExceededException("this node already runs " + maxTasks
                        + " CDN publish tasks (cdn.maxTasks)");
            }
            long ofApp = tasks.values().stream().filter(t -> t.sdkAppId().equals(sdkAppId)).count();
            if (ofApp >= maxTasksPerApp) {
                throw new LimitExceededException("app " + sdkAppId + " already runs " + maxTasksPerApp
                        + " CDN publish tasks on this node (cdn.maxRelaysPerApp); stop one first");
            }
            tasks.put(task.taskId(), task);
        }
        for (RtmpRelay relay : relays) {
            relay.gaveUp().thenAccept(reason -> onRelayGaveUp(task));
        }
        relays.forEach(RtmpRelay::start);
        LOG.info("CDN publish task {} of app {}: {} to {}", task.taskId(), sdkAppId, streamName, urls);
        return task;
    }

    /**
     * Changes the running task {@code taskId} of app {@code sdkAppId} (TRTC's {@code UpdatePublishCdnStream}): the
     * stream it relays and the URLs it pushes to. Pushes whose stream and URL stay go on untouched; removed URLs end
     * politely, new ones start; a new stream restarts every push (each CDN URL then carries the new stream). An
     * update whose {@code sequence} is not greater than the task's last one is refused, so that a delayed request
     * cannot undo a newer one. Empty when no such task runs for that app. Blocks on DNS for new URLs.
     *
     * @param streamName the stream to relay from now on
     * @param urls the URLs to push to from now on (1..{@link #MAX_URLS_PER_TASK})
     * @throws StaleUpdateException when {@code sequence} is not greater than the last applied one
     * @throws TargetDeniedException when a new URL's host is refused by the policy (nothing changes)
     */
    public Optional<Task> update(SdkAppId sdkAppId, String taskId, long sequence, String streamName,
            List<RtmpUrl> urls) {
        if (urls.isEmpty() || urls.size() > MAX_URLS_PER_TASK) {
            throw new IllegalArgumentException("a task pushes to 1.." + MAX_URLS_PER_TASK + " URLs");
        }
        checkTargets(sdkAppId, urls);
        Task updated;
        List<RtmpRelay> started = new ArrayList<>();
        List<RtmpRelay> stopped = new ArrayList<>();
        synchronized (tasks) {
            Task current = find(sdkAppId, taskId).orElse(null);
            if (current == null) {
                return Optional.empty();
            }
            if (sequence <= current.sequence()) {
                throw new StaleUpdateException(current.sequence());
            }
            List<RtmpRelay> relays = new ArrayList<>();
            List<RtmpRelay> kept = new ArrayList<>();
            for (RtmpUrl url : urls) {
                RtmpRelay same = streamName.equals(current.streamName()) ? current.relays().stream()
                        .filter(relay -> relay.url().equals(url) && !kept.contains(relay) && !relay.gaveUp().isDone())
                        .findFirst().orElse(null) : null;
                if (same != null) {
                    kept.add(same);
                    relays.add(same);
                } else {
                    RtmpRelay fresh = newRelay(streamName, url);
                    started.add(fresh);
                    relays.add(fresh);
                }
            }
            current.relays().stream().filter(relay -> !kept.contains(relay)).forEach(stopped::add);
            updated = new Task(taskId, sdkAppId, streamName, List.copyOf(relays), sequence);
            tasks.put(taskId, updated);
        }
        stopped.forEach(RtmpRelay::stop);
        for (RtmpRelay relay : updated.relays()) {
            relay.gaveUp().thenAccept(reason -> onRelayGaveUp(updated));
        }
        started.forEach(RtmpRelay::start);
        LOG.info("CDN publish task {} of app {} updated ({}): {} to {}", taskId, sdkAppId, sequence, streamName,
                urls);
        return Optional.of(updated);
    }

    /**
     * Every URL's host must pass the target policy before anything starts. Blocks on DNS: call from a thread that
     * may block, holding no lock others wait for.
     *
     * @throws TargetDeniedException naming the first refused URL
     */
    public void checkTargets(SdkAppId sdkAppId, List<RtmpUrl> urls) {
        for (int i = 0; i < urls.size(); i++) {
            try {
                policy.check(urls.get(i).host(), urls.get(i).port());
            } catch (CdnTargetPolicy.DeniedException e) {
                LOG.info("CDN publish task of app {} refused: {}", sdkAppId, e.getMessage());
                throw new TargetDeniedException(i, e.getMessage());
            }
        }
    }

    /** A relay of {@code streamName} to {@code url} whose every connection checks the policy again (DNS may change). */
    private RtmpRelay newRelay(String streamName, RtmpUrl url) {
        RtmpRelay.AddressResolver addresses = target -> {
            try {
                return policy.check(target.host(), target.port());
            } catch (CdnTargetPolicy.DeniedException e) {
                throw new RtmpRelay.TargetRefusedException(e.getMessage());
            }
        };
        return new RtmpRelay(hub, streamName, url, group, blocking, addresses, clock, config);
    }

    /** A task whose every relay gave up ends: its quota is freed and the reason kept for {@link #ended}. */
    private void onRelayGaveUp(Task task) {
        if (!task.relays().stream().allMatch(relay -> relay.gaveUp().isDone())) {
            return;
        }
        String reason = task.relays().stream()
                .map(relay -> relay.url().redacted() + ": " + relay.gaveUp().getNow(""))
                .collect(java.util.stream.Collectors.joining("; "));
        // The reason is kept before the task leaves the running set, so whoever sees it gone can read why. Under
        // the lock: the last two relays may give up at once, and only one of them ends the task.
        synchronized (ended) {
            if (tasks.get(task.taskId()) != task) {
                return;
            }
            ended.put(task.taskId(), new Ended(task.sdkAppId(), reason));
            if (ended.size() > ENDED_REMEMBERED) {
                ended.remove(ended.keySet().iterator().next());
            }
            if (!tasks.remove(task.taskId(), task)) {
                // Stopped meanwhile (StopPublishCdnStream): it did not end on its own.
                ended.remove(task.taskId());
                return;
            }
        }
        task.relays().forEach(RtmpRelay::stop);
        LOG.warn("CDN publish task {} of app {} ended: every relay gave up ({})", task.taskId(), task.sdkAppId(),
                reason);
    }

    /** Why the task {@code taskId} of app {@code sdkAppId} ended on its own (every relay gave up), if it did. */
    public Optional<String> ended(SdkAppId sdkAppId, String taskId) {
        synchronized (ended) {
            Ended found = taskId == null ? null : ended.get(taskId);
            return found == null || !found.sdkAppId().equals(sdkAppId) ? Optional.empty() : Optional.of(found.reason());
        }
    }

    /** The task {@code taskId} of app {@code sdkAppId}, if it runs. */
    public Optional<Task> find(SdkAppId sdkAppId, String taskId) {
        return Optional.ofNullable(taskId == null ? null : tasks.get(taskId))
                .filter(task -> task.sdkAppId().equals(sdkAppId));
    }

    /**
     * Stops the task {@code taskId} of app {@code sdkAppId}: its pushes end politely (FCUnpublish, deleteStream).
     * Empty when no such task runs for that app.
     */
    public Optional<Task> stop(SdkAppId sdkAppId, String taskId) {
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
