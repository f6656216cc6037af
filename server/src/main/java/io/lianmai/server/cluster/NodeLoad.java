package io.lianmai.server.cluster;

import io.lianmai.media.MediaServer;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.Version;
import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.server.live.LiveService;
import java.lang.management.ManagementFactory;
import java.util.function.IntSupplier;

/**
 * This node's registry entry with its load now: rooms, members, media sessions, the media bit rate sent since the
 * last snapshot and the process's CPU load. Called once a heartbeat on a worker thread (the media plane's counters
 * are read on each loop, waiting for it).
 */
public final class NodeLoad {
    private final LianmaiConfig config;
    private final MediaServer media;
    private final RoomRegistry rooms;
    private final LiveService live;
    private final IntSupplier httpPort;
    private final long startedAt = System.currentTimeMillis();
    private long lastBytesOut = -1;
    private long lastNanos;

    /** @param httpPort the HTTP port bound (in this node's URL) */
    public NodeLoad(LianmaiConfig config, MediaServer media, RoomRegistry rooms, LiveService live,
            IntSupplier httpPort) {
        this.config = config;
        this.media = media;
        this.rooms = rooms;
        this.live = live;
        this.httpPort = httpPort;
    }

    /** The entry now; not thread-safe (one heartbeat at a time calls it). */
    public ClusterNode snapshot() {
        MediaServer.Stats stats = media.stats();
        long now = System.nanoTime();
        long bitrate = 0;
        if (lastBytesOut >= 0 && now > lastNanos) {
            bitrate = (stats.bytesOut() - lastBytesOut) * 8 * 1_000_000_000L / (now - lastNanos);
        }
        lastBytesOut = stats.bytesOut();
        lastNanos = now;
        int port = httpPort.getAsInt();
        String internal = config.cluster().internalUrl(config.http().publicUrl(),
                config.media().candidateAddresses().get(0), port);
        String url = config.http().publicUrl().map(value -> value.endsWith("/") ? value : value + "/")
                .orElse(internal);
        return new ClusterNode(config.cluster().nodeId(), url, internal, media.udpPort(), live.rtmpPort(),
                rooms.roomCount(), rooms.memberCount(), stats.webRtcSessions(), Math.max(0, bitrate), cpu(), false,
                startedAt, Version.current());
    }

    private static double cpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuLoad();
        }
        return -1;
    }
}
