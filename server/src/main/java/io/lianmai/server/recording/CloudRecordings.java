package io.lianmai.server.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.config.MixConfig;
import io.lianmai.server.live.LiveBridges;
import io.lianmai.server.live.MixTasks;
import io.lianmai.store.CloudRecordingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's cloud recording tasks: created, described, modified and deleted by the server API, persisted in the
 * app database ({@link CloudRecordingStore}), and resumed when the server starts again after a crash or a stop.
 *
 * <p>Each task looks at its room every {@link RecordingConfig#checkInterval}: a subscribed stream that is published
 * gets a recorder (a player of the live stream hub, {@link RecordingTask}); a task whose room has had no subscribed
 * stream for its {@code MaxIdleTime} ends. Muxing runs on a small pool of its own; the checks on one timer thread.
 *
 * <p>Nodes sharing a database (cluster mode) each run their own tasks: a task is stored with the id of the node that
 * created it, a node's restart resumes only its own, and another node describes it from the database but refuses to
 * modify or delete it, naming the node that runs it ({@link #runningElsewhere}); the tasks of a node that is gone
 * are taken over by the node that serves their room then ({@link #adoptTasksOfDeadNodes}). A single node owns every
 * task.
 */
public final class CloudRecordings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudRecordings.class);
    /** How long an ended task's recorders may take to finish their files before 302 is sent anyway. */
    static final long FINISH_WAIT_MILLIS = 5_000;
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Why a request was refused. */
    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** What was refused. */
        public enum Reason {
            /** The app runs {@code recording.maxTasksPerApp} tasks already. */
            TASK_LIMIT,
            /** The disk has less than {@code recording.minFreeMegabytes} free. */
            DISK_FULL,
            /** The same recorder UserId already records this room. */
            DUPLICATE,
            /** Mixed mode: the node or the app runs {@code mix.maxPerNode}/{@code mix.maxPerApp} mixes already. */
            MIX_LIMIT
        }

        private final Reason reason;

        RefusedException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /**
     * A task as {@code DescribeCloudRecording} shows it.
     *
     * @param status TRTC's {@code Idle} (running, nothing recorded now), {@code InProgress} or {@code Exited}
     */
    public record Description(String taskId, String status, List<StoredFile> files) {
    }

    /** One of a task's files, its name relative to the recording directory. */
    public record StoredFile(String fileName, String userId, String trackType, long beginTimeStamp) {
    }

    private final RecordingConfig config;
    private final RecordingStorage storage;
    private final CloudRecordingStore store;
    private final RoomRegistry rooms;
    private final LiveBridges bridges;
    private final LiveStreamHub hub;
    private final MixTasks mixes;
    private final RecordingEvents events;
    private final Clock clock;
    private final Map<String, RecordingTask> tasks = new ConcurrentHashMap<>();
    /** This node's id ({@code cluster.nodeId}), stored with its tasks. */
    private final String nodeId;
    /** A single node: every task in the database is this node's, whatever node id an earlier run had. */
    private final boolean alone;
    /** In a cluster, once wired: how this node sees which nodes are gone and which rooms it serves. */
    private volatile DeadNodes deadNodes;
    /** Nodes that own running tasks and are missing from the registry, with when they were first seen missing. */
    private final Map<String, Long> missingSince = new HashMap<>();
    private final ThreadPoolExecutor muxing;
    private final ScheduledExecutorService timer;

    /**
     * @param nodeId this node's id, stored with the tasks it creates
     * @param alone  a single node (alone with its database); false in a cluster, where only this node's tasks (and
     *               those of no node) are resumed at start
     */
    public CloudRecordings(RecordingConfig config, RecordingStorage storage, CloudRecordingStore store,
            RoomRegistry rooms, LiveBridges bridges, LiveStreamHub hub, MixTasks mixes, RecordingEvents events,
            Clock clock, String nodeId, boolean alone) {
        this.nodeId = nodeId;
        this.alone = alone;
        this.config = config;
        this.storage = storage;
        this.store = store;
        this.rooms = rooms;
        this.bridges = bridges;
        this.hub = hub;
        this.mixes = mixes;
        this.events = events;
        this.clock = clock;
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors() / 2);
        AtomicInteger counter = new AtomicInteger();
        this.muxing = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "lianmai-record-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        muxing.allowCoreThreadTimeOut(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lianmai-recording");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Resumes the tasks a previous run of this node left running (each goes on with new files; the files it was
     * writing stay as they were flushed) and starts the checks. Other nodes' tasks are theirs to resume.
     */
    public void start() {
        for (CloudRecordingStore.Task stored : store.running()) {
            if (store.adopt(stored.taskId(), nodeId, alone)) {
                resume(stored, "after a restart");
            }
        }
        long every = config.checkInterval().toMillis();
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * In a cluster: the running tasks of a node that is gone go on here once this node serves their room (its
     * members came back here), each taken over by exactly one node ({@link CloudRecordingStore#takeOver}). Checked
     * with the tasks' checks.
     *
     * @param liveNodes  the ids of the nodes in the registry now; a view that does not hold this node is not read
     *                   yet (or is stale), and then no node counts as gone
     * @param servesRoom whether this node serves a room now (holds members of it and is its home, not an edge);
     *                   called on the recording timer thread, may block briefly
     * @param grace      how long a node must be missing from the registry before its tasks are taken: longer than
     *                   a live node takes to register again after Redis lost its entry ({@code cluster.nodeTtlMillis})
     */
    public void adoptTasksOfDeadNodes(Supplier<Collection<String>> liveNodes, Predicate<RoomKey> servesRoom,
            Duration grace) {
        this.deadNodes = new DeadNodes(liveNodes, servesRoom, grace.toMillis());
    }

    private record DeadNodes(Supplier<Collection<String>> liveNodes, Predicate<RoomKey> servesRoom,
                             long graceMillis) {
    }

    private void adoptTasksOfDeadNodes() {
        DeadNodes dead = deadNodes;
        if (dead == null) {
            return;
        }
        Collection<String> live = dead.liveNodes().get();
        if (!live.contains(nodeId)) {
            missingSince.clear();
            return;
        }
        long now = clock.millis();
        Set<String> missing = new HashSet<>();
        for (CloudRecordingStore.Task stored : store.running()) {
            String owner = stored.nodeId().orElse(nodeId);
            if (owner.equals(nodeId) || live.contains(owner) || tasks.containsKey(stored.taskId())) {
                continue;
            }
            missing.add(owner);
            if (now - missingSince.computeIfAbsent(owner, id -> now) < dead.graceMillis()
                    || !dead.servesRoom().test(new RoomKey(stored.sdkAppId(), stored.roomKey()))) {
                continue;
            }
            if (store.takeOver(stored.taskId(), owner, nodeId)) {
                resume(stored, "from node " + owner + ", which is gone");
            }
        }
        missingSince.keySet().retainAll(missing);
    }

    /** Runs a stored task here again: it goes on with new files; the files it was writing stay as flushed. */
    private void resume(CloudRecordingStore.Task stored, String why) {
        try {
            RecordingParams params = JSON.readValue(stored.params(), RecordingParams.class);
            RecordingTask task = task(stored.taskId(), stored.sdkAppId(), RoomRef.parseKey(stored.roomKey()),
                    stored.userId(), params);
            sealPlaylists(stored.sdkAppId(), stored.taskId());
            tasks.put(task.taskId(), task);
            LOG.info("cloud recording task {} of app {} resumed {}", stored.taskId(), stored.sdkAppId().value(), why);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("cloud recording task {} cannot resume {} ({}): closed", stored.taskId(), why, e.getMessage());
            store.end(stored.taskId(), clock.millis(), "could not resume " + why + ": " + e.getMessage());
        }
    }

    /**
     * Ends the HLS playlists a killed process left open ({@code #EXT-X-ENDLIST} appended): players then read them as
     * finished recordings instead of waiting for segments that will never come. MP4 files need nothing: every
     * fragment written is complete in itself.
     */
    private void sealPlaylists(SdkAppId sdkAppId, String taskId) {
        if (!RecordingFileNames.isTaskId(taskId)) {
            return;
        }
        try {
            for (String name : storage.list(RecordingFileNames.taskDirectory(sdkAppId, taskId))) {
                if (!name.endsWith(".m3u8")) {
                    continue;
                }
                Optional<java.nio.file.Path> file = storage.localFile(name);
                if (file.isPresent() && !java.nio.file.Files.readString(file.get()).contains("#EXT-X-ENDLIST")) {
                    java.nio.file.Files.writeString(file.get(), "#EXT-X-ENDLIST\n",
                            java.nio.file.StandardOpenOption.APPEND);
                    storage.commit(name);
                    LOG.info("recording {}: playlist {} left open by the previous run ended", taskId, name);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("recording {}: cannot end the playlists the previous run left open: {}", taskId, e.toString());
        }
    }

    private RecordingTask task(String taskId, SdkAppId sdkAppId, RoomRef room, String userId,
            RecordingParams params) {
        return new RecordingTask(taskId, sdkAppId, room, userId, params, this);
    }

    /**
     * Creates and starts a task recording {@code room} of {@code sdkAppId} as {@code userId}; returns its TaskId.
     *
     * @throws RefusedException over the app's task limit, with too little disk, for a second task of the same
     *     recorder in the same room, or in mixed mode when no more mix may run now
     */
    public String create(SdkAppId sdkAppId, RoomRef room, String userId, RecordingParams params) {
        long free = usableBytes();
        if (free < config.minFreeBytes()) {
            throw new RefusedException(RefusedException.Reason.DISK_FULL, "the recording disk has "
                    + free / (1024 * 1024) + " MiB free, below recording.minFreeMegabytes ("
                    + config.minFreeBytes() / (1024 * 1024) + ")");
        }
        if (params.recordMode() == RecordingParams.MIXED && !mixes.hasRoomFor(sdkAppId)) {
            throw new RefusedException(RefusedException.Reason.MIX_LIMIT, "a mixed recording runs an MCU mix, and "
                    + "this node or SdkAppId " + sdkAppId.value() + " runs as many as mix.maxPerNode/mix.maxPerApp "
                    + "allow");
        }
        String taskId;
        synchronized (tasks) {
            int ofApp = 0;
            for (RecordingTask task : tasks.values()) {
                if (task.sdkAppId().equals(sdkAppId)) {
                    ofApp++;
                    if (task.room().equals(room) && task.userId().equals(userId)) {
                        throw new RefusedException(RefusedException.Reason.DUPLICATE, "UserId " + userId
                                + " already records this room (task " + task.taskId() + ")");
                    }
                }
            }
            if (ofApp >= config.maxTasksPerApp()) {
                throw new RefusedException(RefusedException.Reason.TASK_LIMIT, "SdkAppId " + sdkAppId.value()
                        + " already runs " + ofApp + " recording tasks (recording.maxTasksPerApp)");
            }
            taskId = UUID.randomUUID().toString();
            store.insert(new CloudRecordingStore.Task(taskId, sdkAppId, room.key(), userId, json(params), true,
                    clock.millis(), java.util.OptionalLong.empty(), Optional.empty(), Optional.of(nodeId)));
            tasks.put(taskId, task(taskId, sdkAppId, room, userId, params));
        }
        events.publish(sdkAppId, room, RecordingEvents.RECORDER_START, clock.instant(), taskId, userId,
                RecordingEvents.payload().put("Status", 0));
        timer.execute(this::check);
        return taskId;
    }

    /**
     * The task {@code taskId} of {@code sdkAppId}, running or ended, with its files; empty when there is none. A task
     * that another node runs is described from the database: {@code InProgress}, with the files this node's
     * recording storage shows (all of them when the nodes share it).
     */
    public Optional<Description> describe(SdkAppId sdkAppId, String taskId) {
        RecordingTask running = tasks.get(taskId);
        String status;
        if (running != null && running.sdkAppId().equals(sdkAppId)) {
            status = running.status();
        } else {
            Optional<CloudRecordingStore.Task> stored = store.find(sdkAppId, taskId);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            status = runsElsewhere(stored.get()) ? "InProgress" : "Exited";
        }
        return Optional.of(new Description(taskId, status, files(sdkAppId, taskId)));
    }

    /** Changes whose streams a running task records; false when the app runs no such task. */
    public boolean modify(SdkAppId sdkAppId, String taskId, RecordingParams.Subscription subscription) {
        RecordingTask task = tasks.get(taskId);
        if (task == null || !task.sdkAppId().equals(sdkAppId)) {
            return false;
        }
        RecordingParams changed = task.params().withSubscription(subscription);
        if (!store.updateParams(taskId, json(changed))) {
            return false;
        }
        task.params(changed);
        timer.execute(this::check);
        return true;
    }

    /** Ends a running task (its files are finished); false when the app runs no such task. */
    public boolean delete(SdkAppId sdkAppId, String taskId) {
        RecordingTask task = tasks.get(taskId);
        if (task == null || !task.sdkAppId().equals(sdkAppId)) {
            return false;
        }
        try {
            // The caller may read the files once this returns: their trailers are written (or 5 s passed).
            end(task, "DeleteCloudRecording").get(FINISH_WAIT_MILLIS + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("recording task {}: files not finished within {} ms of its deletion", taskId,
                    FINISH_WAIT_MILLIS);
        }
        return true;
    }

    /**
     * The node that runs the task {@code taskId} of {@code sdkAppId}, when that is another node (cluster mode):
     * {@link #modify} and {@link #delete} cannot act on it here.
     */
    public Optional<String> runningElsewhere(SdkAppId sdkAppId, String taskId) {
        RecordingTask task = tasks.get(taskId);
        if (task != null) {
            return Optional.empty();
        }
        return store.find(sdkAppId, taskId).filter(this::runsElsewhere).flatMap(CloudRecordingStore.Task::nodeId);
    }

    private boolean runsElsewhere(CloudRecordingStore.Task stored) {
        return !alone && stored.running() && stored.nodeId().isPresent() && !stored.nodeId().get().equals(nodeId)
                && !tasks.containsKey(stored.taskId());
    }

    /** Whether the app has a task {@code taskId}, running or ended. */
    public boolean exists(SdkAppId sdkAppId, String taskId) {
        RecordingTask task = tasks.get(taskId);
        return (task != null && task.sdkAppId().equals(sdkAppId)) || store.find(sdkAppId, taskId).isPresent();
    }

    /** Tasks running on this node. */
    public int running() {
        return tasks.size();
    }

    /**
     * Ends {@code task}: stored as ended now; its recorders finish their files, then 302 is sent (after every file's
     * 310). The answer completes when the files are finished.
     */
    CompletableFuture<Void> end(RecordingTask task, String reason) {
        if (!tasks.remove(task.taskId(), task)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> finished = task.stopAll();
        store.end(task.taskId(), clock.millis(), reason);
        LOG.info("cloud recording task {} of app {} ended: {}", task.taskId(), task.sdkAppId().value(), reason);
        return finished.orTimeout(FINISH_WAIT_MILLIS, TimeUnit.MILLISECONDS).handle((done, failure) -> {
            events.publish(task.sdkAppId(), task.room(), RecordingEvents.RECORDER_STOP, clock.instant(),
                    task.taskId(), task.userId(), RecordingEvents.payload()
                            .put("LeaveCode", reason.startsWith("the disk") ? 1 : 0).put("Reason", reason));
            return null;
        });
    }

    private void check() {
        try {
            adoptTasksOfDeadNodes();
        } catch (RuntimeException e) {
            LOG.warn("cannot look for recording tasks of nodes that are gone: {}", e.toString());
        }
        if (tasks.isEmpty()) {
            return; // nothing to do, and no recording directory made on a node that never records
        }
        long free;
        try {
            free = usableBytes();
        } catch (UncheckedIOException e) {
            free = Long.MAX_VALUE;
            LOG.warn("cannot read the recording disk's free space: {}", e.getMessage());
        }
        for (RecordingTask task : tasks.values()) {
            try {
                if (free < config.minFreeBytes()) {
                    end(task, "the disk has " + free / (1024 * 1024) + " MiB free, below recording.minFreeMegabytes");
                } else {
                    task.check();
                }
            } catch (RuntimeException e) {
                LOG.warn("cloud recording task {} check failed", task.taskId(), e);
            }
        }
    }

    private List<StoredFile> files(SdkAppId sdkAppId, String taskId) {
        if (!RecordingFileNames.isTaskId(taskId)) {
            return List.of();
        }
        List<StoredFile> files = new ArrayList<>();
        try {
            for (String name : storage.list(RecordingFileNames.taskDirectory(sdkAppId, taskId))) {
                if (!name.endsWith(".mp4") && !name.endsWith(".m3u8")) {
                    continue;
                }
                String file = name.substring(name.lastIndexOf('/') + 1);
                RecordingFileNames.parse(file).ifPresent(parsed -> files.add(new StoredFile(name, parsed.userId(),
                        parsed.track(), parsed.begin().toEpochMilli())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the files of recording task " + taskId, e);
        }
        return files;
    }

    private long usableBytes() {
        try {
            return storage.usableBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(RecordingParams params) {
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    RoomRegistry rooms() {
        return rooms;
    }

    LiveBridges bridges() {
        return bridges;
    }

    LiveStreamHub hub() {
        return hub;
    }

    MixTasks mixes() {
        return mixes;
    }

    /** The limits a mixed recording's output is checked against (size, bit rate): the MCU mix's. */
    public MixConfig mixLimits() {
        return mixes.config();
    }

    RecordingStorage storage() {
        return storage;
    }

    RecordingEvents events() {
        return events;
    }

    Clock clock() {
        return clock;
    }

    java.util.concurrent.Executor muxing() {
        return muxing;
    }

    /**
     * Stops the checks and every recorder, finishing their files. Tasks stay running in the database: the next start
     * resumes them with new files (a server restart does not end a recording).
     */
    @Override
    public void close() {
        timer.shutdownNow();
        for (RecordingTask task : tasks.values()) {
            task.stopAll();
        }
        muxing.shutdown();
        try {
            if (!muxing.awaitTermination(3, TimeUnit.SECONDS)) {
                LOG.warn("recorders still finishing files 3 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
