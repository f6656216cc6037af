package io.lianmai.live.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live streams by name, each fanning one publisher's audio, video and metadata out to FLV players. A player joining
 * mid-stream gets the header, metadata and codec configuration, then the current GOP from its keyframe, so it
 * starts decoding at once.
 *
 * <p>A low-latency player ({@link Start#NEXT_KEYFRAME}) skips the GOP cache: it gets the header, metadata and codec
 * configuration at once, then nothing until the next video keyframe, so it starts at the live edge instead of up to a
 * GOP behind.
 *
 * <p>Thread-safe: one lock per stream (never across streams). Memory per stream is bounded: the GOP cache holds at
 * most {@link #MAX_GOP_BYTES}, and a player that cannot keep up is dropped.
 */
public final class LiveStreamHub {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStreamHub.class);
    /** Largest GOP kept for late joiners; a longer GOP is cut (those players wait for the next keyframe). */
    public static final int MAX_GOP_BYTES = 8 * 1024 * 1024;

    private final ByteBufAllocator allocator;
    /** When consumers last asked for a stream ({@link #lastDemandMillis}) is read on this clock. */
    private final Clock clock;
    private final Map<String, LiveStream> streams = new ConcurrentHashMap<>();
    private final List<LiveStreamObserver> observers = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong observerFailures = new java.util.concurrent.atomic.AtomicLong();
    private volatile DemandListener demand = name -> false;

    /** A hub on the system clock (tests that do not look at demand times). */
    public LiveStreamHub(ByteBufAllocator allocator) {
        this(allocator, Clock.systemUTC());
    }

    /** A hub that stamps demand ({@link #ensureLive}) with {@code clock}'s time. */
    public LiveStreamHub(ByteBufAllocator allocator, Clock clock) {
        this.allocator = allocator;
        this.clock = clock;
    }

    /** How many times an observer threw on a message (each was caught and the stream went on). */
    public long observerFailures() {
        return observerFailures.get();
    }

    /** Adds an observer of every stream (HLS segmenting, CDN relays); see {@link LiveStreamObserver}. */
    public void addObserver(LiveStreamObserver observer) {
        observers.add(observer);
    }

    /**
     * Sets who is asked to start a stream that someone wants but nobody publishes over RTMP (a WebRTC member's
     * stream, bridged on demand).
     */
    public void setDemandListener(DemandListener listener) {
        demand = listener;
    }

    /** A publisher starts {@code name}; a previous publisher's state is dropped and its players ended. */
    public void publish(String name) {
        publish(name, true);
    }

    /**
     * {@link #publish(String)}; {@code hasVideo} false for a stream that never carries video (an audio-only mix):
     * players' FLV headers then declare audio only, so that they do not wait for a video track (ffprobe/ffmpeg and
     * flv.js hold the start until every declared track has appeared).
     */
    public void publish(String name, boolean hasVideo) {
        LiveStream previous = streams.put(name, new LiveStream(name, hasVideo));
        if (previous != null) {
            previous.end();
        }
        for (LiveStreamObserver observer : observers) {
            observer.onPublish(name);
        }
    }

    /** The publisher of {@code name} stopped; its players end. */
    public void unpublish(String name) {
        LiveStream stream = streams.remove(name);
        if (stream != null) {
            stream.end();
            for (LiveStreamObserver observer : observers) {
                observer.onUnpublish(name);
            }
        }
    }

    /**
     * Whether {@code name} is live, asking the {@link DemandListener} to start it when it is not; a consumer calls
     * this before attaching, and again while it keeps consuming (it also counts as a sign of interest, see
     * {@link #lastDemandMillis}).
     */
    public boolean ensureLive(String name) {
        LiveStream stream = streams.get(name);
        if (stream == null && demand.onDemand(name)) {
            stream = streams.get(name);
        }
        if (stream != null) {
            stream.lastDemandMillis = clock.millis();
        }
        return stream != null;
    }

    /**
     * When a consumer last asked for {@code name} through {@link #ensureLive} or a player of it left, whichever is
     * later (on the hub's clock), or -1 when it is not live.
     */
    public long lastDemandMillis(String name) {
        LiveStream stream = streams.get(name);
        return stream == null ? -1 : stream.lastDemandMillis;
    }

    public boolean isLive(String name) {
        return streams.containsKey(name);
    }

    /** One audio (8), video (9) or data (18) message body of {@code name}; only read. */
    public void onMessage(String name, int type, long timestamp, ByteBuf body) {
        LiveStream stream = streams.get(name);
        if (stream != null) {
            stream.onMessage(type, timestamp, body);
        }
    }

    /**
     * Adds a player to a live stream (starting it on demand) from its latest keyframe; false when nobody publishes
     * {@code name}.
     */
    public boolean play(String name, FlvPlayer player) {
        return play(name, player, Start.LATEST_KEYFRAME);
    }

    /**
     * Adds a player to a live stream (starting it on demand); false when nobody publishes {@code name}. The player's
     * first {@link FlvPlayer#offer} calls happen on the calling thread before this returns; later ones on the
     * publisher's thread.
     */
    public boolean play(String name, FlvPlayer player, Start start) {
        if (!ensureLive(name)) {
            return false;
        }
        LiveStream stream = streams.get(name);
        return stream != null && stream.add(player, start);
    }

    /** Players currently attached to {@code name}. */
    public int playerCount(String name) {
        return Optional.ofNullable(streams.get(name)).map(LiveStream::playerCount).orElse(0);
    }

    /** Live streams now (published by RTMP or bridged from rooms). */
    public int streamCount() {
        return streams.size();
    }

    /**
     * Players attached to every stream now, by {@link FlvPlayer#kind()}. Locks each stream in turn, never two at
     * once: for metrics, not the media path.
     */
    public Map<String, Integer> playersByKind() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (LiveStream stream : streams.values()) {
            stream.countPlayers(counts);
        }
        return counts;
    }

    /** Where a new player starts. */
    public enum Start {
        /** At the cached GOP's keyframe: the picture appears at once, up to one GOP behind the live edge. */
        LATEST_KEYFRAME,
        /**
         * At the next keyframe to arrive (low-latency HTTP-FLV): the live edge, after up to one GOP of waiting. An
         * audio-only stream starts with the next audio tag.
         */
        NEXT_KEYFRAME
    }

    /** A player and whether it still waits for its first keyframe. */
    private static final class Attached {
        final FlvPlayer player;
        boolean waitingForKeyframe;

        Attached(FlvPlayer player, boolean waitingForKeyframe) {
            this.player = player;
            this.waitingForKeyframe = waitingForKeyframe;
        }
    }

    private final class LiveStream {
        private final String name;
        private final List<Attached> players = new ArrayList<>();
        private final List<ByteBuf> gop = new ArrayList<>();
        private ByteBuf metadata;
        private ByteBuf videoConfig;
        private ByteBuf audioConfig;
        private int gopBytes;
        private boolean videoSeen;
        private final boolean hasVideo;
        private boolean ended;
        private volatile long lastDemandMillis = clock.millis();

        LiveStream(String name, boolean hasVideo) {
            this.name = name;
            this.hasVideo = hasVideo;
        }

        synchronized void onMessage(int type, long timestamp, ByteBuf body) {
            if (ended) {
                return;
            }
            ByteBuf tag = FlvTags.tag(allocator, type, timestamp, type == FlvTags.SCRIPT ? withoutSetDataFrame(body) : body);
            boolean media = false;
            boolean keyframe = false;
            if (type == FlvTags.SCRIPT) {
                replace(tag, Slot.METADATA);
            } else if (type == FlvTags.VIDEO && FlvTags.isVideoSequenceHeader(body)) {
                replace(tag, Slot.VIDEO_CONFIG);
                videoSeen = true;
            } else if (type == FlvTags.AUDIO && FlvTags.isAudioSequenceHeader(body)) {
                replace(tag, Slot.AUDIO_CONFIG);
            } else {
                media = true;
                if (type == FlvTags.VIDEO) {
                    videoSeen = true;
                    keyframe = FlvTags.isKeyframe(body);
                }
                if (keyframe) {
                    clearGop();
                }
                if (gopBytes + tag.readableBytes() <= MAX_GOP_BYTES) {
                    gop.add(tag.retainedDuplicate());
                    gopBytes += tag.readableBytes();
                }
            }
            for (LiveStreamObserver observer : observers) {
                try {
                    observer.onMessage(name, type, timestamp, body);
                } catch (RuntimeException e) {
                    // An observer's bug must not stop the stream for its players.
                    if (observerFailures.incrementAndGet() <= 10) {
                        LOG.warn("an observer of live stream {} failed on a message", name, e);
                    }
                }
            }
            deliver(tag, media, keyframe);
        }

        private void replace(ByteBuf tag, Slot slot) {
            ByteBuf kept = tag.retainedDuplicate();
            ByteBuf old = switch (slot) {
                case METADATA -> { ByteBuf o = metadata; metadata = kept; yield o; }
                case VIDEO_CONFIG -> { ByteBuf o = videoConfig; videoConfig = kept; yield o; }
                case AUDIO_CONFIG -> { ByteBuf o = audioConfig; audioConfig = kept; yield o; }
            };
            if (old != null) {
                old.release();
            }
        }

        /**
         * Sends {@code tag} to every player (consuming it), dropping those that cannot keep up. Players waiting for a
         * keyframe get configuration and metadata but no audio or video before it.
         */
        private void deliver(ByteBuf tag, boolean media, boolean keyframe) {
            for (int i = players.size() - 1; i >= 0; i--) {
                Attached attached = players.get(i);
                if (attached.waitingForKeyframe && media) {
                    if (!keyframe) {
                        continue;
                    }
                    attached.waitingForKeyframe = false;
                }
                if (!attached.player.offer(tag.retainedDuplicate())) {
                    players.remove(i);
                    attached.player.end();
                    // Watching is interest: the idle time (live.idleSeconds) runs from when a player left, not from
                    // when it came; else a stream watched longer than that stopped the moment its player left.
                    lastDemandMillis = clock.millis();
                }
            }
            tag.release();
        }

        synchronized boolean add(FlvPlayer player, Start start) {
            if (ended) {
                return false;
            }
            boolean fromGop = start == Start.LATEST_KEYFRAME;
            // An audio-only stream has no keyframe to wait for: such a player starts with the next audio tag.
            boolean waiting = !fromGop && videoSeen;
            boolean ok = player.offer(FlvTags.header(allocator, true, hasVideo));
            for (ByteBuf tag : new ByteBuf[] {metadata, videoConfig, audioConfig}) {
                if (ok && tag != null) {
                    ok = player.offer(tag.retainedDuplicate());
                }
            }
            if (fromGop) {
                for (ByteBuf tag : gop) {
                    if (ok) {
                        ok = player.offer(tag.retainedDuplicate());
                    }
                }
            }
            if (!ok) {
                player.end();
                return false;
            }
            players.add(new Attached(player, waiting));
            return true;
        }

        synchronized int playerCount() {
            return players.size();
        }

        synchronized void countPlayers(Map<String, Integer> counts) {
            for (Attached attached : players) {
                counts.merge(attached.player.kind(), 1, Integer::sum);
            }
        }

        synchronized void end() {
            ended = true;
            for (Attached attached : players) {
                attached.player.end();
            }
            players.clear();
            clearGop();
            for (ByteBuf tag : new ByteBuf[] {metadata, videoConfig, audioConfig}) {
                if (tag != null) {
                    tag.release();
                }
            }
            metadata = null;
            videoConfig = null;
            audioConfig = null;
        }

        private void clearGop() {
            for (ByteBuf tag : gop) {
                tag.release();
            }
            gop.clear();
            gopBytes = 0;
        }
    }

    /** AMF0 string "@setDataFrame": RTMP publishers wrap onMetaData in it; an FLV file carries onMetaData alone. */
    private static final byte[] SET_DATA_FRAME = {0x02, 0x00, 0x0D, '@', 's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r',
        'a', 'm', 'e'};

    private static ByteBuf withoutSetDataFrame(ByteBuf body) {
        if (body.readableBytes() <= SET_DATA_FRAME.length) {
            return body;
        }
        for (int i = 0; i < SET_DATA_FRAME.length; i++) {
            if (body.getByte(body.readerIndex() + i) != SET_DATA_FRAME[i]) {
                return body;
            }
        }
        return body.slice(body.readerIndex() + SET_DATA_FRAME.length, body.readableBytes() - SET_DATA_FRAME.length);
    }

    private enum Slot { METADATA, VIDEO_CONFIG, AUDIO_CONFIG }

    /** Starts streams on demand. */
    @FunctionalInterface
    public interface DemandListener {
        /**
         * Someone wants {@code name}, which is not live; start it (calling {@link #publish} before returning) and
         * return true, or return false when there is no such stream to start.
         */
        boolean onDemand(String name);
    }
}
