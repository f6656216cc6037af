package io.lianmai.live.record;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.live.flv.FlvPlayer;
import io.lianmai.live.flv.FlvTags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records one live stream (a {@code LiveStreamHub} player) into files as it arrives: H.264 and AAC from the hub's
 * FLV tags, written by {@link FileMuxer}s (one per requested container) without transcoding. A room member's WebRTC
 * stream reaches the hub through the room bridge, which already made H.264 and AAC of it.
 *
 * <p>Threads: the hub calls {@link #offer} on the publisher's thread; tags wait in a bounded queue (no allocation
 * per tag) and are muxed on {@code executor}, one turn at a time. {@link Files} is called on that thread.
 *
 * <p>A file starts at a video keyframe (or, without video, at the first audio frame), with every wanted track whose
 * configuration arrived in time (up to {@link #CONFIG_WAIT_MILLIS} of media after the first one). A new file starts
 * when the current one reaches the maximum duration (at the next keyframe) or the video configuration changes.
 */
public final class FlvRecorder implements FlvPlayer {
    /** How long (stream time) a file waits for the configuration of a wanted track before it starts without it. */
    static final long CONFIG_WAIT_MILLIS = 1_500;
    /** Media tags kept while waiting for configurations; older ones are dropped. */
    static final int MAX_PENDING_TAGS = 600;

    /** Where files go and what happens to them; called on the recorder's thread. */
    public interface Files {
        /** Paths (one per container) for a file set starting at {@code start}; their directories must exist. */
        List<Output> open(Instant start, boolean audio, boolean video);

        /** A file set is complete (trailer written) and may be listed as ready. */
        void onClosed(List<Path> files, Instant start, Instant end, boolean audio, boolean video);

        /** The recording ended: stream gone, stopped, or failed ({@code error}); called once, last. */
        void onEnded(Optional<String> error);
    }

    /** One container to write. */
    public record Output(FileMuxer.Format format, Path path) {
    }

    /**
     * What to record.
     *
     * @param audio           record the audio track
     * @param video           record the video track
     * @param maxFileDuration a file longer than this is closed at the next keyframe and a new one started
     * @param queueTags       tags that may wait for the muxing thread; a recorder further behind is dropped
     */
    public record Settings(boolean audio, boolean video, Duration maxFileDuration, int queueTags) {
        public Settings {
            if (!audio && !video) {
                throw new IllegalArgumentException("record audio, video or both");
            }
        }
    }

    private final Settings settings;
    private final Files files;
    private final Executor executor;
    private final Clock clock;
    private final ArrayBlockingQueue<ByteBuf> queue;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private volatile boolean ended;
    private volatile boolean stopped;
    private volatile boolean overflowed;
    /** Only on the recorder's thread from here on. */
    private boolean finished;
    private AvcDecoderConfigurationRecord videoConfig;
    private AudioSpecificConfig audioConfig;
    private final List<ByteBuf> pending = new ArrayList<>();
    private long firstMediaMillis = -1;
    private final List<FileMuxer> muxers = new ArrayList<>();
    private Instant fileStart;
    private boolean fileHasVideo;
    private boolean fileHasAudio;
    private boolean startedAtKeyframe;
    private long baseMillis;
    private boolean rollAtKeyframe;
    private long framesWritten;

    public FlvRecorder(Settings settings, Files files, Executor executor, Clock clock) {
        this.settings = settings;
        this.files = files;
        this.executor = executor;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueTags());
    }

    @Override
    public boolean offer(ByteBuf bytes) {
        if (stopped || ended || overflowed) {
            bytes.release();
            return false;
        }
        if (!queue.offer(bytes)) {
            bytes.release();
            overflowed = true;
            schedule();
            return false;
        }
        schedule();
        return true;
    }

    @Override
    public void end() {
        ended = true;
        schedule();
    }

    @Override
    public String kind() {
        return "record";
    }

    /** Ends the recording: what is queued is written, the files are finished, and the hub drops this player. */
    public void stop() {
        stopped = true;
        schedule();
    }

    /** Frames written into files so far (each frame counted once however many containers it went to). */
    public long framesWritten() {
        return framesWritten;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false); // shutting down: the files stay as flushed, as after a crash
            }
        }
    }

    private void drain() {
        do {
            ByteBuf tag;
            while ((tag = queue.poll()) != null) {
                try {
                    if (!finished) {
                        onTag(tag);
                    }
                } catch (RuntimeException e) {
                    finish(Optional.of(String.valueOf(e.getMessage())));
                } finally {
                    tag.release();
                }
            }
            if (mustFinish()) {
                finish(overflowed ? Optional.of("the recorder fell " + settings.queueTags()
                        + " tags behind the stream (disk too slow?)") : Optional.empty());
            }
            scheduled.set(false);
        } while ((!queue.isEmpty() || mustFinish()) && scheduled.compareAndSet(false, true));
    }

    private boolean mustFinish() {
        return !finished && (ended || stopped || overflowed);
    }

    /** One FLV tag as the hub hands it (header, data, previous tag size); the FLV file header is skipped. */
    private void onTag(ByteBuf bytes) {
        int at = bytes.readerIndex();
        int length = bytes.readableBytes();
        if (length < FlvTags.TAG_HEADER + FlvTags.PREVIOUS_TAG_SIZE) {
            return;
        }
        int type = bytes.getUnsignedByte(at);
        int size = bytes.getUnsignedMedium(at + 1);
        if ((type != FlvTags.AUDIO && type != FlvTags.VIDEO) || FlvTags.TAG_HEADER + size
                + FlvTags.PREVIOUS_TAG_SIZE != length || size < 2) {
            return; // the file header, metadata, or an empty tag
        }
        long timestamp = bytes.getUnsignedMedium(at + 4) | ((long) bytes.getUnsignedByte(at + 7) << 24);
        int body = at + FlvTags.TAG_HEADER;
        int first = bytes.getUnsignedByte(body);
        int packetType = bytes.getUnsignedByte(body + 1);
        if (type == FlvTags.VIDEO) {
            if (!settings.video() || (first & 0x0F) != 7) {
                return; // not wanted, or not AVC (HEVC over enhanced RTMP is not recorded)
            }
            if (packetType == 0) {
                onVideoConfig(bytes, body + 5, size - 5);
                return;
            }
            if (packetType != 1 || size <= 5) {
                return;
            }
        } else {
            if (!settings.audio() || (first >> 4) != 10) {
                return; // not wanted, or not AAC
            }
            if (packetType == 0) {
                onAudioConfig(bytes, body + 2, size - 2);
                return;
            }
            if (size <= 2) {
                return;
            }
        }
        if (muxers.isEmpty()) {
            hold(bytes, timestamp);
            return;
        }
        write(bytes, type, timestamp);
    }

    private void onVideoConfig(ByteBuf bytes, int from, int length) {
        AvcDecoderConfigurationRecord config;
        try {
            config = AvcDecoderConfigurationRecord.parse(ByteBufUtil.getBytes(bytes, from, Math.max(0, length)));
        } catch (CodecException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return; // a bad configuration: frames after it wait for a good one
        }
        if (videoConfig != null && !videoConfig.equals(config)) {
            rollAtKeyframe = true;
        }
        videoConfig = config;
    }

    private void onAudioConfig(ByteBuf bytes, int from, int length) {
        try {
            audioConfig = AudioSpecificConfig.parse(ByteBufUtil.getBytes(bytes, from, Math.max(0, length)));
        } catch (CodecException | IllegalArgumentException | IndexOutOfBoundsException e) {
            // frames wait for a good configuration
        }
    }

    /** Before the first file: keeps the tag until the wanted configurations are known or waited for long enough. */
    private void hold(ByteBuf bytes, long timestamp) {
        if (firstMediaMillis < 0) {
            firstMediaMillis = timestamp;
        }
        pending.add(bytes.retain());
        if (pending.size() > MAX_PENDING_TAGS) {
            pending.remove(0).release();
        }
        boolean complete = (!settings.video() || videoConfig != null) && (!settings.audio() || audioConfig != null);
        boolean waited = timestamp - firstMediaMillis >= CONFIG_WAIT_MILLIS && (videoConfig != null
                || audioConfig != null);
        if (!complete && !waited) {
            return;
        }
        openFiles(clock.instant());
        List<ByteBuf> held = new ArrayList<>(pending);
        pending.clear();
        try {
            for (ByteBuf tag : held) {
                if (!muxers.isEmpty()) {
                    write(tag, tag.getUnsignedByte(tag.readerIndex()), timestampOf(tag));
                }
            }
        } finally {
            held.forEach(ByteBuf::release);
        }
    }

    private static long timestampOf(ByteBuf tag) {
        int at = tag.readerIndex();
        return tag.getUnsignedMedium(at + 4) | ((long) tag.getUnsignedByte(at + 7) << 24);
    }

    private void openFiles(Instant start) {
        boolean video = settings.video() && videoConfig != null;
        boolean audio = settings.audio() && audioConfig != null;
        List<Output> outputs = files.open(start, audio, video);
        for (Output output : outputs) {
            muxers.add(FileMuxer.create(output.format(), output.path(), video ? videoConfig : null,
                    audio ? audioConfig : null));
        }
        fileStart = start;
        fileHasVideo = video;
        fileHasAudio = audio;
        startedAtKeyframe = false;
        rollAtKeyframe = false;
    }

    private void closeFiles(Instant end) {
        if (muxers.isEmpty()) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        CodecException failure = null;
        for (FileMuxer muxer : muxers) {
            paths.add(muxer.path());
            try {
                muxer.finish();
            } catch (CodecException e) {
                failure = e;
            }
        }
        muxers.clear();
        files.onClosed(paths, fileStart, end, fileHasAudio, fileHasVideo);
        if (failure != null) {
            throw failure;
        }
    }

    private void write(ByteBuf bytes, int type, long timestamp) {
        boolean video = type == FlvTags.VIDEO;
        if (video ? !fileHasVideo : !fileHasAudio) {
            return; // a track that had no configuration when the file started
        }
        int body = bytes.readerIndex() + FlvTags.TAG_HEADER;
        int size = bytes.getUnsignedMedium(bytes.readerIndex() + 1);
        boolean keyframe = video && ((bytes.getUnsignedByte(body) >> 4) & 0x7) == 1;
        if (!startedAtKeyframe) {
            if (fileHasVideo && !keyframe) {
                return; // a file starts at a keyframe: audio before it has no picture to go with
            }
            startedAtKeyframe = true;
            baseMillis = timestamp;
        } else if ((keyframe || !fileHasVideo) && (rollAtKeyframe
                || timestamp - baseMillis >= settings.maxFileDuration().toMillis())) {
            Instant now = clock.instant();
            closeFiles(now);
            openFiles(now);
            startedAtKeyframe = true;
            baseMillis = timestamp;
        }
        long dts = timestamp - baseMillis;
        if (dts < 0) {
            return; // audio stamped before the keyframe the file starts at
        }
        int from;
        int length;
        long pts = dts;
        if (video) {
            int composition = bytes.getMedium(body + 2); // signed 24 bits (SI24)
            pts = dts + composition;
            from = body + 5;
            length = size - 5;
        } else {
            from = body + 2;
            length = size - 2;
        }
        for (int i = 0; i < muxers.size(); i++) { // by index: no iterator per frame
            FileMuxer muxer = muxers.get(i);
            ByteBuffer frame = muxer.frameBuffer(length);
            bytes.getBytes(from, frame);
            muxer.writeFrame(video, length, dts, pts, keyframe);
        }
        framesWritten++;
    }

    private void finish(Optional<String> error) {
        if (finished) {
            return;
        }
        finished = true;
        pending.forEach(ByteBuf::release);
        pending.clear();
        Optional<String> outcome = error;
        try {
            closeFiles(clock.instant());
        } catch (RuntimeException e) {
            outcome = outcome.or(() -> Optional.of(e.getMessage()));
        } finally {
            for (FileMuxer muxer : muxers) {
                muxer.close();
            }
            muxers.clear();
        }
        files.onEnded(outcome);
    }
}
