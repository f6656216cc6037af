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
 * {@code mix.maxPerNode} in all, counting the unlisted mixes that mixed cloud recordings run ({@link #startUnlisted}).
 * A task follows its room's members (who publishes) and ends with the room (its last member left, or it was
 * dismissed). Its output is a live stream of the hub, played with the app's signed URLs ({@link PlaybackGate} asks
 * {@link #appOf}).
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
    /** Unlisted mixes (a mixed cloud recording's) by output name: several per room, none playable from outside. */
    private final Map<String, MixTask> unlisted = new ConcurrentHashMap<>();
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
     * Starts the room's mix, or updates it when one runs: the same output name, encoding and background take the new
     * layout and members at once; otherwise the running mix is stopped and a new one started. Blocks while the CDN
     * targets are resolved (before this object's lock is taken, so other rooms' starts and stops never wait for DNS) and
     * while the encoder opens. A request refused for any reason leaves a running mix as it was.
     *
     * @return true when a running mix was updated in place
     * @throws LimitExceededException over {@code mix.maxPerApp}/{@code mix.maxPerNode}
     * @throws StreamTakenException when {@code spec.streamName()} is live already (another stream of any app)
     * @throws CdnPublishTasks.TargetDeniedException when a CDN URL is refused (nothing is started or stopped)
     */
    public boolean start(MixSpec spec) throws Exception {
        boolean[] handedOver = {false};
        try {
            RoomKey key = roomKey(spec);
            if (rooms.find(key).isEmpty()) {
                throw new RoomNotFoundException("room " + key + " does not exist");
            }
            if (!spec.cdnUrls().isEmpty()) {
                cdn.checkTargets(spec.app(), spec.cdnUrls()); // DNS: outside the lock, before anything is replaced
            }
            return startChecked(key, spec, handedOver);
        } finally {
            if (!handedOver[0]) {
                spec.images().close(); // refused: no task holds them
            }
        }
    }

    /** Under the lock: no DNS, no image fetch. {@code handedOver[0]} is set once a task owns the spec's images. */
    private synchronized boolean startChecked(RoomKey key, MixSpec spec, boolean[] handedOver) throws Exception {
        Running running = tasks.get(key);
        if (running != null) {
            MixSpec old = running.task().spec();
            if (old.streamName().equals(spec.streamName()) && old.video().equals(spec.video())
                    && old.pureAudio() == spec.pureAudio() && old.audioSampleRate() == spec.audioSampleRate()
                    && old.audioChannels() == spec.audioChannels() && old.audioBitrate() == spec.audioBitrate()
                    && old.cdnUrls().equals(spec.cdnUrls()) && old.feedBack().equals(spec.feedBack())
                    && old.images().backgroundUrl().equals(spec.images().backgroundUrl())) {
                handedOver[0] = true;
                running.task().update(spec);
                refresh(key);
                LOG.info("mix {} of room {}: layout updated", spec.streamName(), key);
                return true;
            }
        }
        checkLimits(spec.app(), running == null ? null : key);
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
                : Optional.of(cdn.startChecked(spec.app(), spec.streamName(), spec.cdnUrls()).taskId());
        handedOver[0] = true; // the task frees the images when it closes, also if it cannot start
        MixTask task;
        try {
            task = launch(spec);
        } catch (Exception e) {
            cdnTask.ifPresent(id -> cdn.stop(spec.app(), id));
            throw e;
        }
        tasks.put(key, new Running(task, cdnTask));
        refresh(key);
        LOG.info("mix {} of room {} started: {}x{} {} fps", spec.streamName(), key, spec.video().width(),
                spec.video().height(), spec.video().fps());
        return false;
    }

    private void checkLimits(SdkAppId app, RoomKey replaced) {
        int others = tasks.size() + unlisted.size() - (replaced == null ? 0 : 1);
        if (others >= config.maxPerNode()) {
            throw new LimitExceededException("this node already runs " + config.maxPerNode()
                    + " MCU mixes (mix.maxPerNode; mixed cloud recordings count)");
        }
        long ofApp = tasks.keySet().stream().filter(k -> k.sdkAppId().equals(app) && !k.equals(replaced)).count()
                + unlisted.values().stream().filter(t -> t.spec().app().equals(app)).count();
        if (ofApp >= config.maxPerApp()) {
            throw new LimitExceededException("app " + app + " already runs " + config.maxPerApp()
                    + " MCU mixes on this node (mix.maxPerApp; mixed cloud recordings count); stop one first");
        }
    }

    /** Whether one more mix of {@code app} would be within {@code mix.maxPerApp} and {@code mix.maxPerNode} now. */
    public synchronized boolean hasRoomFor(SdkAppId app) {
        try {
            checkLimits(app, null);
            return true;
        } catch (LimitExceededException e) {
            return false;
        }
    }

    /**
     * Starts a mix for the server's own use (a mixed cloud recording): published into the hub under
     * {@code spec.streamName()} for in-process players only ({@link #appOf} does not know it, so no URL plays it),
     * several per room, counted against {@code mix.maxPerApp}/{@code mix.maxPerNode}; no CDN relay. It follows the
     * room's members like a listed mix but outlives the room (a recording waits for members to come back).
     *
     * @throws LimitExceededException over a limit
     * @throws StreamTakenException when the name is live already
     */
    public synchronized void startUnlisted(MixSpec spec) throws Exception {
        checkLimits(spec.app(), null);
        if (hub.isLive(spec.streamName()) || unlisted.containsKey(spec.streamName())) {
            throw new StreamTakenException("mix output " + spec.streamName() + " is live already");
        }
        unlisted.put(spec.streamName(), launch(spec));
        refresh(roomKey(spec));
        LOG.info("unlisted mix of room {} started: {}x{} {} fps", roomKey(spec), spec.video().width(),
                spec.video().height(), spec.video().fps());
    }

    /** New members or layout for an unlisted mix (same name and encoding); false when it does not run. */
    public synchronized boolean updateUnlisted(MixSpec spec) {
        MixTask task = unlisted.get(spec.streamName());
        if (task == null) {
            return false;
        }
        task.update(spec);
        refresh(roomKey(spec));
        return true;
    }

    /** Stops an unlisted mix (its hub stream ends); false when none runs under that name. */
    public synchronized boolean stopUnlisted(String streamName) {
        MixTask task = unlisted.remove(streamName);
        if (task == null) {
            return false;
        }
        task.close();
        hub.unpublish(streamName);
        LOG.info("unlisted mix of room {} stopped", roomKey(task.spec()));
        return true;
    }

    /** Publishes the mix's output stream and starts its task on a thread of its own; undone if it cannot start. */
    private MixTask launch(MixSpec spec) throws Exception {
        MixTask task = new MixTask(spec, hub, media, feedBackMembers, clock, mixThread());
        hub.publish(spec.streamName(), !spec.pureAudio());
        try {
            task.start();
            return task;
        } catch (Exception e) {
            task.close();
            hub.unpublish(spec.streamName());
            throw e;
        }
    }

    private ScheduledExecutorService mixThread() {
        int n = threads.incrementAndGet();
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "lianmai-mix-" + n);
            t.setDaemon(true);
            return t;
        });
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

    /** Listed mixes (StartMCUMixTranscode's) running now. */
    public int size() {
        return tasks.size();
    }

    /** Unlisted mixes (mixed cloud recordings') running now. */
    public int unlistedCount() {
        return unlisted.size();
    }

    private static RoomKey roomKey(MixSpec spec) {
        return new RoomKey(spec.app(), spec.room().key());
    }

    /** Tells the room's task who publishes which streams now (join order). */
    private synchronized void refresh(RoomKey key) {
        Running running = tasks.get(key);
        List<MixTask> ofRoom = new ArrayList<>();
        for (MixTask task : unlisted.values()) {
            if (roomKey(task.spec()).equals(key)) {
                ofRoom.add(task);
            }
        }
        if (running == null && ofRoom.isEmpty()) {
            return;
        }
        Optional<Room> room = rooms.find(key);
        List<MixTask.Published> publishing = new ArrayList<>();
        for (MemberInfo member : room.map(Room::members).orElse(List.of())) {
            for (StreamType type : StreamType.values()) {
                if ((type == StreamType.MAIN ? member.main() : member.aux()).isPresent()) {
                    StreamId stream = StreamId.of(member.userId(), type);
                    String streamKey = room.get().streamSource(stream).streamKey(stream).toString();
                    publishing.add(new MixTask.Published(member.userId().value(), type, streamKey));
                }
            }
        }
        if (running != null && room.isPresent()) {
            running.task().onMembers(publishing);
        }
        ofRoom.forEach(task -> task.onMembers(publishing));
    }

    // ---- room events (under the room's lock: hand the work on, never call back into the room here) ----

    @Override
    public void onRoomDismissed(RoomKey room, Instant at) {
        if (tasks.containsKey(room)) {
            events.execute(() -> stop(room, "the room was dismissed (its last member left)"));
        }
        refreshLater(room); // unlisted mixes stay, with nobody in the picture
    }

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        refreshLater(room);
    }

    /** A cross-room PK's anchor shown in the room is mixed like a member (TRTC's PK picture on CDN). */
    @Override
    public void onMirrorChanged(RoomKey room, UserId userId, Instant at) {
        refreshLater(room);
    }

    @Override
    public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
            Instant at) {
        refreshLater(room);
    }

    private void refreshLater(RoomKey room) {
        if (tasks.containsKey(room) || !unlisted.isEmpty()) {
            events.execute(() -> refresh(room));
        }
    }

    @Override
    public synchronized void close() {
        for (RoomKey key : List.copyOf(tasks.keySet())) {
            stop(key, "shutdown");
        }
        for (String name : List.copyOf(unlisted.keySet())) {
            stopUnlisted(name);
        }
        events.shutdownNow();
    }
}
