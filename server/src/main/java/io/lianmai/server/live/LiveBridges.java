package io.lianmai.server.live;

import io.lianmai.auth.Privileges;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.flv.LiveStreamObserver;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.ClientKind;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.cluster.RoomPlacement;
import io.lianmai.server.room.MediaOnlyMembers;
import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the live world (RTMP in, FLV/HLS out) and the room world (WebRTC) in both directions:
 * <ul>
 *   <li>an RTMP publisher of {@code {sdkAppID}_{roomID}_{userID}_main} becomes that user's main stream in the room
 *       ({@link RtmpRoomBridge}: H.264 passed through as RTP, AAC transcoded to Opus while someone watches);</li>
 *   <li>a room member's WebRTC stream becomes the live stream of the same name when an FLV/HLS player or a CDN relay
 *       asks for it ({@link RoomLiveBridge}: H.264 passed through, VP8 transcoded to H.264, Opus to AAC), and stops
 *       when nobody has wanted it for a while ({@code live.idleSeconds}).</li>
 * </ul>
 * Transcoding runs on a small shared pool, each bridge's work in order ({@link SerialExecutor}). At most
 * {@code maxPerApp} room streams of one app are bridged at once ({@code live.maxTranscodesPerApp}): an anonymous or
 * careless player cannot make the node transcode every stream it hosts.
 */
public final class LiveBridges implements LiveStreamObserver, LiveStreamHub.DemandListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveBridges.class);
    private static final long IDLE_CHECK_MILLIS = 1_000;
    /** How long {@link #close} waits for the transcoding threads to finish and free their codec contexts. */
    static final long CLOSE_WAIT_MILLIS = 3_000;

    private final Clock clock;
    private final LiveStreamHub hub;
    private final MediaPlane media;
    private final RoomRegistry rooms;
    private final MediaOnlyMembers mediaOnlyMembers;
    /** Where the seats of RTMP publishers entering as members of their own are taken (a cluster's Redis). */
    private volatile RoomPlacement placement = RoomPlacement.LOCAL;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final Map<String, RtmpRoomBridge> fromRtmp = new ConcurrentHashMap<>();
    private final Map<String, RoomLiveBridge> toLive = new ConcurrentHashMap<>();
    private final long idleMillis;
    private final int maxPerApp;
    private final Function<String, Privileges> publishPrivileges;

    /** What {@link #demand} did. */
    public enum Demand {
        /** The stream was live already. */
        LIVE,
        /** A bridge from the room was started: the stream is live now. */
        STARTED,
        /** Nobody publishes such a stream in a room (or its RTMP publisher is gone). */
        NOTHING_TO_START,
        /** The app already has {@code maxPerApp} streams bridged: nothing was started. */
        APP_AT_CAPACITY
    }

    /**
     * @param clock the hub's clock: idle times, and the bridges' timestamps
     * @param idleMillis a stream bridged on demand that nobody played or polled for this long is stopped
     * @param maxPerApp  room streams of one app bridged at once
     * @param publishPrivileges what the credentials of the RTMP publisher of a stream name grant (the room member
     *     it becomes has these privileges, e.g. {@code create_room} is checked against them)
     */
    public LiveBridges(LiveStreamHub hub, MediaPlane media, RoomRegistry rooms, Clock clock, long idleMillis,
            int maxPerApp, Function<String, Privileges> publishPrivileges) {
        this.publishPrivileges = publishPrivileges;
        this.clock = clock;
        this.hub = hub;
        this.idleMillis = idleMillis;
        this.maxPerApp = maxPerApp;
        this.media = media;
        this.rooms = rooms;
        this.mediaOnlyMembers = new MediaOnlyMembers(rooms, media, ClientKind.RTMP);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger counter = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "lianmai-transcode-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
        this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lianmai-bridge-idle");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::stopIdle, IDLE_CHECK_MILLIS, IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        hub.addObserver(this);
        hub.setDemandListener(this);
    }

    /** In a cluster: RTMP publishers entering as members of their own take their seats in the room through it. */
    public void placeRoomsWith(RoomPlacement placement) {
        this.placement = placement;
    }

    // ---- RTMP -> room ----

    @Override
    public void onPublish(String name) {
        if (toLive.containsKey(name)) {
            return; // our own output
        }
        Optional<LiveStreamName> cdn = LiveStreamName.tryParse(name);
        if (cdn.isEmpty()) {
            return;
        }
        RtmpRoomBridge bridge = new RtmpRoomBridge(name, cdn.get(), cdn.get().streamKey().toString(), media, rooms,
                mediaOnlyMembers, placement, new SerialExecutor(pool, RtmpRoomBridge.QUEUE_TASKS),
                publishPrivileges.apply(name), clock);
        RtmpRoomBridge previous = fromRtmp.put(name, bridge);
        if (previous != null) {
            previous.close();
        }
    }

    @Override
    public void onMessage(String name, int type, long timestamp, ByteBuf body) {
        RtmpRoomBridge bridge = fromRtmp.get(name);
        if (bridge != null) {
            bridge.onMessage(type, timestamp, body);
        }
    }

    @Override
    public void onUnpublish(String name) {
        RtmpRoomBridge bridge = fromRtmp.remove(name);
        if (bridge != null) {
            bridge.close();
        }
        RoomLiveBridge output = toLive.remove(name);
        if (output != null) {
            output.close();
        }
    }

    // ---- room -> FLV/HLS ----

    @Override
    public boolean onDemand(String name) {
        Demand demand = demand(name);
        return demand == Demand.LIVE || demand == Demand.STARTED;
    }

    /**
     * Makes {@code name} live by bridging it from its room if it is not live yet and the app has room for one more
     * bridge. Players call this before attaching, to tell a full app (503) from a missing stream (404).
     */
    public Demand demand(String name) {
        if (hub.isLive(name)) {
            return Demand.LIVE;
        }
        Optional<LiveStreamName> cdn = LiveStreamName.tryParse(name);
        if (cdn.isEmpty()) {
            return Demand.NOTHING_TO_START;
        }
        return demand(cdn.get());
    }

    /**
     * As {@link #demand(String)}, for a stream named by its parts: a string room's name does not parse back (its
     * strRoomID may hold {@code _}), so cloud recording asks by parts.
     */
    public Demand demand(LiveStreamName stream) {
        String name = stream.toString();
        if (hub.isLive(name)) {
            return Demand.LIVE;
        }
        Optional<LiveStreamName> cdn = Optional.of(stream);
        String streamKey = sourceKey(cdn.get());
        if (!media.isPublished(streamKey) || fromRtmp.containsKey(name)) {
            return Demand.NOTHING_TO_START;
        }
        synchronized (toLive) {
            if (hub.isLive(name)) {
                return Demand.LIVE;
            }
            int ofApp = bridgedToLive(cdn.get().app());
            if (ofApp >= maxPerApp) {
                // Debug: a CDN relay waiting for the stream asks again every second.
                LOG.debug("live output {} not started: app {} already has {} room streams bridged "
                        + "(live.maxTranscodesPerApp)", name, cdn.get().app().value(), ofApp);
                return Demand.APP_AT_CAPACITY;
            }
            RoomLiveBridge bridge = new RoomLiveBridge(name, streamKey, hub, media,
                    new SerialExecutor(pool, RoomLiveBridge.QUEUE_TASKS), clock, this::onOutputEnded);
            toLive.put(name, bridge);
            hub.publish(name);
            bridge.start();
            LOG.info("bridging {} to live output {}", streamKey, name);
            return Demand.STARTED;
        }
    }

    /**
     * The media stream a live name plays: the room's own stream, or for the other room's anchor shown in the room by
     * a cross-room PK, that anchor's stream in its own room (docs/protocol.md, {@code connectOtherRoom}).
     */
    private String sourceKey(LiveStreamName cdn) {
        RoomKey room = new RoomKey(cdn.app(), cdn.room().key());
        return rooms.find(room).map(found -> found.streamSource(cdn.stream())).filter(source -> !source.equals(room))
                .map(source -> source.streamKey(cdn.stream())).orElse(cdn.streamKey()).toString();
    }

    /**
     * Stops the live output {@code name} bridged from a room, if any (its players are disconnected): a cross-room
     * PK ended, so the room no longer shows that stream although its anchor still publishes it in its own room.
     */
    public void stopOutput(String name) {
        RoomLiveBridge bridge = toLive.get(name);
        if (bridge != null) {
            LOG.info("live output {} stopped: the room no longer shows the stream", name);
            bridge.close();
            onOutputEnded(bridge);
        }
    }

    private void onOutputEnded(RoomLiveBridge bridge) {
        if (toLive.remove(bridge.name(), bridge)) {
            hub.unpublish(bridge.name());
        }
    }

    private void stopIdle() {
        long now = clock.millis();
        for (RoomLiveBridge bridge : toLive.values()) {
            String name = bridge.name();
            long lastDemand = hub.lastDemandMillis(name);
            if (hub.playerCount(name) == 0 && lastDemand >= 0 && now - lastDemand > idleMillis) {
                LOG.info("live output {} unwatched for {} ms: stopped", name, idleMillis);
                bridge.close();
                onOutputEnded(bridge);
            }
        }
    }

    /** Room streams bridged to live output now (each a transcoder from WebRTC to FLV/HLS), every app. */
    public int bridgedToLive() {
        return toLive.size();
    }

    /** RTMP publications bridged into rooms now (each a transcoder to WebRTC). */
    public int bridgedFromRtmp() {
        return fromRtmp.size();
    }

    /** RTMP publishers in their rooms now (members without a signalling socket). */
    public int rtmpMembers() {
        return mediaOnlyMembers.size();
    }

    /** Room streams of app {@code sdkAppId} bridged to live output now. */
    public int bridgedToLive(SdkAppId sdkAppId) {
        String prefix = sdkAppId + "_";
        return (int) toLive.keySet().stream().filter(name -> name.startsWith(prefix)).count();
    }

    /** AAC frames of the RTMP stream {@code name} transcoded to Opus so far, or -1 when it is not bridged. */
    public long audioFramesTranscoded(String name) {
        RtmpRoomBridge bridge = fromRtmp.get(name);
        return bridge == null ? -1 : bridge.audioFramesTranscoded();
    }

    /**
     * How often the live output {@code name} of a room stream moved its audio to line up with its video by the
     * tracks' sender reports, or -1 when it is not bridged.
     */
    public long lipSyncShifts(String name) {
        RoomLiveBridge bridge = toLive.get(name);
        return bridge == null ? -1 : bridge.lipSyncShifts();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        fromRtmp.values().forEach(RtmpRoomBridge::close);
        fromRtmp.clear();
        toLive.values().forEach(RoomLiveBridge::close);
        toLive.clear();
        // Not shutdownNow: the bridges' last tasks free their FFmpeg contexts and must run (they are quick).
        pool.shutdown();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("transcoders still busy {} ms after close: stopping them without freeing", CLOSE_WAIT_MILLIS);
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
