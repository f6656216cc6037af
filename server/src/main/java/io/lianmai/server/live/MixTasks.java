package io.lianmai.server.live;

import io.lianmai.common.LiveStreamName;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.MemberInfo;
import io.lianmai.room.Role;
import io.lianmai.room.Room;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomObserver;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.config.MixConfig;
import io.lianmai.server.room.MediaOnlyMembers;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCU mix tasks of this node ({@code StartMCUMixTranscode}/{@code StopMCUMixTranscode}): at most one per room (a
 * second start updates its layout), each on a thread of its own, at most {@code mix.maxPerApp} per app and
 * {@code mix.maxPerNode} in all. A task follows its room's members (who publishes) and ends with the room (its last
 * member left, or it was dismissed). Its output is a live stream of the hub, played with the app's signed URLs
 * ({@link PlaybackGate} asks {@link #appOf}).
 */
public final class MixTasks implements RoomObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MixTasks.class);

    /** A refused start: over a limit ({@code LimitExceeded}). */
    public static final class LimitExceededException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitExceededException(String message) {
            super(message);
        }
    }

    /** A refused start: the output name is taken by another stream ({@code InvalidParameter.OutputParams}). */
    public static final class StreamTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StreamTakenException(String message) {
            super(message);
        }
    }

    /** A refused start: the room has no member ({@code FailedOperation.RoomNotExist}). */
    public static final class RoomNotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RoomNotFoundException(String message) {
            super(message);
        }
    }

    private final LiveStreamHub hub;
    private final MediaPlane media;
    private final RoomRegistry rooms;
    private final CdnPublishTasks cdn;
    private final MixConfig config;
    private final MediaOnlyMembers feedBackMembers;
    private final Clock clock;
    private final Map<RoomKey, Running> tasks = new ConcurrentHashMap<>();
    private final AtomicInteger threads = new AtomicInteger();
    /** Room events are handled here, in order, off the room's lock. */
    private final ExecutorService events = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lianmai-mix-events");
        thread.setDaemon(true);
        return thread;
    });

    private record Running(MixTask task, Optional<String> cdnTaskId) {
    }

    public MixTasks(LiveStreamHub hub, MediaPlane media, RoomRegistry rooms, CdnPublishTasks cdn, MixConfig config,
            Clock clock) {
        this.hub = hub;
        this.media = media;
        this.rooms = rooms;
        this.cdn = cdn;
        this.config = config;
        this.clock = clock;
        this.feedBackMembers = new MediaOnlyMembers(rooms, media, ClientKind.MIX);
    }

    /** The limits requests are checked against (output size, bit rate). */
    public MixConfig config() {
        return config;
    }

    /**
     * Starts the room's mix, or updates it when one runs: the same output name and encoding take the new layout and
     * members at once; otherwise the running mix is stopped and a new one started. Blocks while the encoder opens.
     *
     * @return true when a running mix was updated in place
     * @throws LimitExceededException over {@code mix.maxPerApp}/{@code mix.maxPerNode}
     * @throws StreamTakenException when {@code spec.streamName()} is live already (another stream of any app)
     * @throws CdnPublishTasks.TargetDeniedException when a CDN URL is refused (nothing is started)
     */
    public synchronized boolean start(MixSpec spec) throws Exception {
        RoomKey key = roomKey(spec);
        if (rooms.find(key).isEmpty()) {
            throw new RoomNotFoundException("room " + key + " does not exist");
        }
        Running running = tasks.get(key);
        if (running != null) {
            MixSpec old = running.task().spec();
            if (old.streamName().equals(spec.streamName()) && old.video().equals(spec.video())
                    && old.pureAudio() == spec.pureAudio() && old.audioSampleRate() == spec.audioSampleRate()
                    && old.audioChannels() == spec.audioChannels() && old.audioBitrate() == spec.audioBitrate()
                    && old.cdnUrls().equals(spec.cdnUrls()) && old.feedBack().equals(spec.feedBack())) {
                running.task().update(spec);
                refresh(key);
                LOG.info("mix {} of room {}: layout updated", spec.streamName(), key);
                return true;
            }
        }
        int others = running == null ? tasks.size() : tasks.size() - 1;
        if (others >= config.maxPerNode()) {
            throw new LimitExceededException("this node already runs " + config.maxPerNode()
                    + " MCU mixes (mix.maxPerNode)");
        }
        long ofApp = tasks.keySet().stream().filter(k -> k.sdkAppId().equals(spec.app()) && !k.equals(key)).count();
        if (ofApp >= config.maxPerApp()) {
            throw new LimitExceededException("app " + spec.app() + " already runs " + config.maxPerApp()
                    + " MCU mixes on this node (mix.maxPerApp); stop one first");
        }
        boolean ownName = running != null && running.task().spec().streamName().equals(spec.streamName());
        if (!ownName && (hub.isLive(spec.streamName()) || tasks.values().stream()
                .anyMatch(r -> r.task().spec().streamName().equals(spec.streamName())))) {
            throw new StreamTakenException("OutputParams.StreamId " + spec.streamName() + " is live already");
        }
        if (running != null) {
            // Another output name or encoding: the running mix is replaced (its stream ends, the new one starts).
            stop(key, "replaced by a new mix of the room");
        }
        Optional<String> cdnTask = spec.cdnUrls().isEmpty() ? Optional.empty()
                : Optional.of(cdn.start(spec.app(), spec.streamName(), spec.cdnUrls()).taskId());
        int n = threads.incrementAndGet();
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "lianmai-mix-" + n);
            t.setDaemon(true);
            return t;
        });
        MixTask task = new MixTask(spec, hub, media, feedBackMembers, clock, thread);
        hub.publish(spec.streamName());
        try {
            task.start();
        } catch (Exception e) {
            task.close();
            hub.unpublish(spec.streamName());
            cdnTask.ifPresent(id -> cdn.stop(spec.app(), id));
            throw e;
        }
        tasks.put(key, new Running(task, cdnTask));
        refresh(key);
        LOG.info("mix {} of room {} started: {}x{} {} fps", spec.streamName(), key, spec.video().width(),
                spec.video().height(), spec.video().fps());
        return false;
    }

    /** Stops the room's mix; false when none runs. */
    public boolean stop(SdkAppId app, io.lianmai.common.RoomRef room) {
        return stop(new RoomKey(app, room.key()), "StopMCUMixTranscode");
    }

    private synchronized boolean stop(RoomKey key, String why) {
        Running running = tasks.remove(key);
        if (running == null) {
            return false;
        }
        MixSpec spec = running.task().spec();
        running.task().close();
        running.cdnTaskId().ifPresent(id -> cdn.stop(spec.app(), id));
        hub.unpublish(spec.streamName());
        LOG.info("mix {} of room {} stopped: {}", spec.streamName(), key, why);
        return true;
    }

    /** Stops the app's mix whose live stream is {@code streamName} (a mixed CDN relay's task id); false when none. */
    public synchronized boolean stopStream(SdkAppId app, String streamName) {
        for (Map.Entry<RoomKey, Running> entry : tasks.entrySet()) {
            MixSpec spec = entry.getValue().task().spec();
            if (spec.app().equals(app) && spec.streamName().equals(streamName)) {
                return stop(entry.getKey(), "stopped");
            }
        }
        return false;
    }

    /** The running mix of app {@code app} whose live stream is {@code streamName}, if one runs. */
    public Optional<MixSpec> find(SdkAppId app, String streamName) {
        return tasks.values().stream().map(running -> running.task().spec())
                .filter(spec -> spec.app().equals(app) && spec.streamName().equals(streamName)).findFirst();
    }

    /** The app whose mix publishes live stream {@code streamName}, if one does. */
    public Optional<SdkAppId> appOf(String streamName) {
        for (Running running : tasks.values()) {
            if (running.task().spec().streamName().equals(streamName)) {
                return Optional.of(running.task().spec().app());
            }
        }
        return Optional.empty();
    }

    /** Mixes running now. */
    public int size() {
        return tasks.size();
    }

    private static RoomKey roomKey(MixSpec spec) {
        return new RoomKey(spec.app(), spec.room().key());
    }

    /** Tells the room's task who publishes a main stream now (join order). */
    private synchronized void refresh(RoomKey key) {
        Running running = tasks.get(key);
        if (running == null) {
            return;
        }
        Optional<Room> room = rooms.find(key);
        if (room.isEmpty()) {
            return;
        }
        List<String[]> publishing = new ArrayList<>();
        for (MemberInfo member : room.get().members()) {
            if (member.main().isPresent()) {
                StreamId stream = StreamId.of(member.userId(), StreamType.MAIN);
                String streamKey = room.get().streamSource(stream).streamKey(stream).toString();
                publishing.add(new String[] {member.userId().value(), streamKey});
            }
        }
        running.task().onMembers(publishing);
    }

    // ---- room events (under the room's lock: hand the work on, never call back into the room here) ----

    @Override
    public void onRoomDismissed(RoomKey room, Instant at) {
        if (tasks.containsKey(room)) {
            events.execute(() -> stop(room, "the room was dismissed (its last member left)"));
        }
    }

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        refreshLater(room);
    }

    @Override
    public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
            Instant at) {
        refreshLater(room);
    }

    private void refreshLater(RoomKey room) {
        if (tasks.containsKey(room)) {
            events.execute(() -> refresh(room));
        }
    }

    @Override
    public synchronized void close() {
        for (RoomKey key : List.copyOf(tasks.keySet())) {
            stop(key, "shutdown");
        }
        events.shutdownNow();
    }
}
