package io.lianmai.server.recording;

import io.lianmai.common.LiveStreamName;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.record.FileMuxer;
import io.lianmai.live.record.FlvRecorder;
import io.lianmai.room.MemberInfo;
import io.lianmai.room.Room;
import io.lianmai.room.RoomKey;
import io.lianmai.server.live.LiveBridges;
import io.lianmai.server.live.MixTasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cloud recording task. Single-stream mode: every published stream of its room that the subscription allows
 * gets a {@link FlvRecorder} on the stream's live output (bridged from the room on demand: VP8 becomes H.264 and Opus
 * AAC there). Mixed mode: while a subscribed member publishes, an unlisted MCU mix of the room
 * ({@link MixTasks#startUnlisted}) runs and one {@link FlvRecorder} records its output. Files are named by
 * {@link RecordingFileNames} under the task's directory.
 *
 * <p>{@link #check} runs on the recordings' timer thread; recorders report on the muxing threads.
 */
final class RecordingTask {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingTask.class);
    /** Mixed mode: the one recorder's key. */
    private static final String MIX_KEY = "|mix";

    private final String taskId;
    private final SdkAppId sdkAppId;
    private final RoomRef room;
    private final String userId;
    private final CloudRecordings owner;
    private volatile RecordingParams params;
    /** Recorders by stream and tracks ({@code alice|main|av}). */
    private final Map<String, FlvRecorder> recorders = new ConcurrentHashMap<>();
    private long lastActiveMillis;
    private volatile boolean stopped;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** Mixed mode: the running mix's hub stream (never told to anyone), or null while none runs. */
    private String mixStream;
    /** Mixed mode: who the running mix was told to take (empty: everyone). */
    private Optional<Set<String>> mixedUsers = Optional.empty();

    RecordingTask(String taskId, SdkAppId sdkAppId, RoomRef room, String userId, RecordingParams params,
            CloudRecordings owner) {
        this.taskId = taskId;
        this.sdkAppId = sdkAppId;
        this.room = room;
        this.userId = userId;
        this.params = params;
        this.owner = owner;
        this.lastActiveMillis = owner.clock().millis();
    }

    String taskId() {
        return taskId;
    }

    SdkAppId sdkAppId() {
        return sdkAppId;
    }

    RoomRef room() {
        return room;
    }

    String userId() {
        return userId;
    }

    RecordingParams params() {
        return params;
    }

    void params(RecordingParams changed) {
        params = changed;
    }

    /** TRTC's status: {@code InProgress} while a stream is being recorded, {@code Idle} while none is. */
    String status() {
        return recorders.isEmpty() ? "Idle" : "InProgress";
    }

    /** Starts recorders for newly published subscribed streams, stops those no longer wanted, ends an idle task. */
    synchronized void check() {
        if (stopped) {
            return;
        }
        long now = owner.clock().millis();
        RecordingParams current = params;
        Set<String> wanted = new HashSet<>();
        Optional<Room> found = owner.rooms().find(new RoomKey(sdkAppId, room.key()));
        List<MemberInfo> members = found.map(Room::members).orElse(List.of());
        if (current.recordMode() == RecordingParams.MIXED) {
            checkMixed(members, current, now);
            return;
        }
        for (MemberInfo member : members) {
            String user = member.userId().value();
            if (user.equals(userId)) {
                continue;
            }
            if (member.main().isPresent()) {
                want(wanted, user, StreamType.MAIN, current.recordsAudio(user), current.recordsVideo(user));
            }
            if (member.aux().isPresent()) {
                // A screen share carries no audio of its own in rooms.
                want(wanted, user, StreamType.AUX, false, current.recordsVideo(user));
            }
        }
        if (!wanted.isEmpty()) {
            lastActiveMillis = now;
        }
        for (Map.Entry<String, FlvRecorder> entry : recorders.entrySet()) {
            if (!wanted.contains(entry.getKey())) {
                entry.getValue().stop();
            }
        }
        if (now - lastActiveMillis > current.maxIdleTime() * 1000L) {
            owner.end(this, "no subscribed stream in the room for MaxIdleTime (" + current.maxIdleTime() + " s)");
        }
    }

    /**
     * Mixed mode: the mix runs (and its recorder with it) while a subscribed member publishes; with subscription
     * lists, the mix is told the publishing members they allow (again whenever that set changes).
     */
    private void checkMixed(List<MemberInfo> members, RecordingParams current, long now) {
        Set<String> users = new LinkedHashSet<>();
        for (MemberInfo member : members) {
            String user = member.userId().value();
            if (!user.equals(userId) && member.main().isPresent() && current.mixes(user)) {
                users.add(user);
            }
        }
        boolean everyone = current.subscription().subscribeVideoUserIds().isEmpty()
                && current.subscription().unSubscribeVideoUserIds().isEmpty();
        Optional<Set<String>> chosen = everyone ? Optional.empty() : Optional.of(Set.copyOf(users));
        if (mixStream != null && !recorders.containsKey(MIX_KEY)) {
            stopMix("its recorder ended"); // started again below
        }
        if (!users.isEmpty()) {
            lastActiveMillis = now;
            if (mixStream == null) {
                startMix(current, chosen);
            } else if (!chosen.equals(mixedUsers)) {
                mixedUsers = chosen;
                owner.mixes().updateUnlisted(MixedRecording.spec(sdkAppId, room, mixStream, current, chosen));
            }
        } else if (mixStream != null) {
            stopMix("no subscribed member publishes");
        }
        if (now - lastActiveMillis > current.maxIdleTime() * 1000L) {
            owner.end(this, "no subscribed stream in the room for MaxIdleTime (" + current.maxIdleTime() + " s)");
        }
    }

    private void startMix(RecordingParams current, Optional<Set<String>> chosen) {
        String name = MixedRecording.streamName();
        try {
            owner.mixes().startUnlisted(MixedRecording.spec(sdkAppId, room, name, current, chosen));
        } catch (MixTasks.LimitExceededException e) {
            LOG.warn("recording task {}: the mix waits: {}", taskId, e.getMessage());
            return;
        } catch (Exception e) {
            LOG.warn("recording task {}: the mix could not start: {}", taskId, e.toString());
            return;
        }
        mixStream = name;
        mixedUsers = chosen;
        boolean audio = current.streamType() != RecordingParams.STREAM_VIDEO;
        boolean video = current.streamType() != RecordingParams.STREAM_AUDIO;
        FlvRecorder[] self = new FlvRecorder[1];
        FlvRecorder recorder = new FlvRecorder(new FlvRecorder.Settings(audio, video,
                Duration.ofMinutes(current.maxMediaFileDuration()), RecordingConfig.QUEUE_TAGS),
                new Files(MIX_KEY, "", RecordingFileNames.MIX, current.outputFormat(), self), owner.muxing(),
                owner.clock());
        self[0] = recorder;
        recorders.put(MIX_KEY, recorder);
        if (!owner.hub().play(name, recorder, LiveStreamHub.Start.LATEST_KEYFRAME)) {
            recorder.stop();
        }
        LOG.info("recording task {}: mixing the room into one file", taskId);
    }

    /** Stops the mix's recorder (its files are finished) and the mix. */
    private void stopMix(String why) {
        FlvRecorder recorder = recorders.get(MIX_KEY);
        if (recorder != null) {
            recorder.stop();
        }
        owner.mixes().stopUnlisted(mixStream);
        LOG.info("recording task {}: mix stopped: {}", taskId, why);
        mixStream = null;
        mixedUsers = Optional.empty();
    }

    private void want(Set<String> wanted, String user, StreamType type, boolean audio, boolean video) {
        if (!audio && !video) {
            return;
        }
        if (audio && video && params.avMerge() == 0) {
            want(wanted, user, type, true, false);
            want(wanted, user, type, false, true);
            return;
        }
        String key = user + "|" + type.name() + "|" + (audio ? "a" : "") + (video ? "v" : "");
        wanted.add(key);
        if (!recorders.containsKey(key)) {
            start(key, user, type, audio, video);
        }
    }

    private void start(String key, String user, StreamType type, boolean audio, boolean video) {
        LiveStreamName name = new LiveStreamName(sdkAppId, room, StreamId.of(UserId.parse(user), type));
        LiveBridges.Demand demand = owner.bridges().demand(name);
        if (demand == LiveBridges.Demand.NOTHING_TO_START || demand == LiveBridges.Demand.APP_AT_CAPACITY) {
            if (demand == LiveBridges.Demand.APP_AT_CAPACITY) {
                LOG.warn("recording task {}: stream {} waits: the app has live.maxTranscodesPerApp streams bridged",
                        taskId, name);
            }
            return;
        }
        RecordingParams current = params;
        FlvRecorder[] self = new FlvRecorder[1];
        FlvRecorder recorder = new FlvRecorder(new FlvRecorder.Settings(audio, video,
                Duration.ofMinutes(current.maxMediaFileDuration()), RecordingConfig.QUEUE_TAGS),
                new Files(key, user, type == StreamType.MAIN ? "main" : "aux", current.outputFormat(), self),
                owner.muxing(), owner.clock());
        self[0] = recorder;
        recorders.put(key, recorder);
        if (!owner.hub().play(name.toString(), recorder, LiveStreamHub.Start.LATEST_KEYFRAME)) {
            recorder.stop();
        }
    }

    /**
     * Stops every recorder (their files are finished on the muxing threads); the task records nothing more. The
     * answer completes once every recorder has finished its files (at once when none was running).
     */
    synchronized CompletableFuture<Void> stopAll() {
        stopped = true;
        for (FlvRecorder recorder : recorders.values()) {
            recorder.stop();
        }
        if (mixStream != null) {
            stopMix("the task ended");
        }
        if (recorders.isEmpty()) {
            finished.complete(null);
        }
        return finished;
    }

    /** A recorder ended: the last one of a stopped task completes {@link #stopAll}'s answer. */
    private void recorderEnded(String key, FlvRecorder recorder) {
        recorders.remove(key, recorder);
        synchronized (this) {
            if (stopped && recorders.isEmpty()) {
                finished.complete(null);
            }
        }
    }

    /** Where one recorder's files go. */
    private final class Files implements FlvRecorder.Files {
        private final String key;
        private final String user;
        private final String stream;
        private final int outputFormat;
        private final FlvRecorder[] recorder;
        private final List<String> names = new ArrayList<>();

        Files(String key, String user, String stream, int outputFormat, FlvRecorder[] recorder) {
            this.key = key;
            this.user = user;
            this.stream = stream;
            this.outputFormat = outputFormat;
            this.recorder = recorder;
        }

        @Override
        public List<FlvRecorder.Output> open(Instant start, boolean audio, boolean video) {
            List<FileMuxer.Format> formats = switch (outputFormat) {
                case RecordingParams.OUTPUT_HLS_MP4 -> List.of(FileMuxer.Format.HLS, FileMuxer.Format.MP4);
                case RecordingParams.OUTPUT_MP4 -> List.of(FileMuxer.Format.MP4);
                default -> List.of(FileMuxer.Format.HLS);
            };
            List<FlvRecorder.Output> outputs = new ArrayList<>();
            names.clear();
            for (FileMuxer.Format format : formats) {
                String name = RecordingFileNames.taskDirectory(sdkAppId, taskId) + (key.equals(MIX_KEY)
                        ? RecordingFileNames.mixedFileName(sdkAppId, room, audio, video, start, format.extension())
                        : RecordingFileNames.fileName(sdkAppId, room, user, stream, audio, video, start,
                                format.extension()));
                try {
                    Path path = owner.storage().create(name);
                    outputs.add(new FlvRecorder.Output(format, path));
                    names.add(name);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create recording file " + name, e);
                }
            }
            return outputs;
        }

        @Override
        public void onClosed(List<Path> files, Instant start, Instant end, boolean audio, boolean video) {
            List<String> done = List.copyOf(names);
            for (String name : done) {
                owner.storage().commit(name);
            }
            var payload = RecordingEvents.payload().put("Status", 0);
            var list = payload.putArray("FileList");
            done.forEach(list::add);
            var message = payload.putArray("FileMessage");
            for (String name : done) {
                message.addObject().put("FileName", name).put("UserId", user)
                        .put("TrackType", RecordingFileNames.Track.of(audio, video).wire())
                        .put("MediaId", stream).put("StartTimeStamp", start.toEpochMilli())
                        .put("EndTimeStamp", end.toEpochMilli());
            }
            owner.events().publish(sdkAppId, room, RecordingEvents.FILE_READY, end, taskId, userId, payload);
        }

        @Override
        public void onEnded(Optional<String> error) {
            recorderEnded(key, recorder[0]);
            error.ifPresent(why -> LOG.warn("recording task {}: recording of {} {} ended: {}", taskId, user, stream,
                    why));
        }
    }
}
