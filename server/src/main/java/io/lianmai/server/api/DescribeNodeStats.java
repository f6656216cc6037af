package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaServer;
import io.lianmai.room.ClientKind;
import io.lianmai.room.RoomRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code DescribeNodeStats} (Lianmai's own): this node now — rooms, members by kind, media sessions, the media
 * plane's bitrate in and out, the process's CPU and heap — what the operator console charts every 2 s. Shows the whole
 * node, so it needs a credential for every app ({@link ApiScope#requireAllApps}).
 *
 * <p>Bitrates are the media plane's byte counters over the time since the previous call (at least
 * {@link #MIN_WINDOW_MILLIS}; a call sooner answers the previous figure), so any number of consoles polling share one
 * series. Thread-safe: the last sample is swapped under this object's lock.
 */
final class DescribeNodeStats implements ScopedAction<DescribeNodeStats.Request> {
    /** Windows shorter than this give a noisy rate; a sooner call repeats the last one. */
    static final long MIN_WINDOW_MILLIS = 500;

    /** No parameters. */
    record Request() {
    }

    /** The answer; CPU is a percentage of all the host's cores (-1 when the JVM cannot tell). */
    record Response(@JsonProperty("Timestamp") long timestampMs,
                    @JsonProperty("Rooms") int rooms,
                    @JsonProperty("Members") int members,
                    @JsonProperty("WebRtcMembers") int webRtcMembers,
                    @JsonProperty("WhipMembers") int whipMembers,
                    @JsonProperty("RtmpMembers") int rtmpMembers,
                    @JsonProperty("Publishers") int publishers,
                    @JsonProperty("Players") int players,
                    @JsonProperty("BitrateInBps") long bitrateInBps,
                    @JsonProperty("BitrateOutBps") long bitrateOutBps,
                    @JsonProperty("ProcessCpuPercent") double processCpuPercent,
                    @JsonProperty("HeapUsedBytes") long heapUsedBytes) {
    }

    /** The byte counters at one time, and the rates measured up to it. */
    private record Sample(long atMillis, long bytesIn, long bytesOut, long inBps, long outBps) {
    }

    private final RoomRegistry rooms;
    private final RoomMemberKinds kinds;
    private final Supplier<MediaServer.Stats> media;
    private final Clock clock;
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private Sample last;

    /** @param media the media plane's counters (blocks up to 2 s) */
    DescribeNodeStats(RoomRegistry rooms, RoomMemberKinds kinds, Supplier<MediaServer.Stats> media, Clock clock) {
        this.rooms = rooms;
        this.kinds = kinds;
        this.media = media;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "DescribeNodeStats";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(ApiScope scope, Request request) {
        scope.requireAllApps(name());
        MediaServer.Stats stats;
        try {
            stats = media.get();
        } catch (MediaException e) {
            throw new RestApiException(RestApiException.INTERNAL_ERROR, "the media plane did not answer in time");
        }
        long now = clock.millis();
        Sample sample = rates(now, stats.bytesIn(), stats.bytesOut());
        Map<ClientKind, Integer> byKind = kinds.countByKind();
        return new Response(now, rooms.roomCount(), rooms.memberCount(), byKind.get(ClientKind.WEBRTC),
                byKind.get(ClientKind.WHIP), byKind.get(ClientKind.RTMP), stats.publishers(), stats.players(),
                sample.inBps(), sample.outBps(), cpuPercent(), memory.getHeapMemoryUsage().getUsed());
    }

    /** The rates since the previous sample, which this one replaces once the window is long enough. */
    private synchronized Sample rates(long now, long bytesIn, long bytesOut) {
        Sample previous = last;
        if (previous == null || now < previous.atMillis()) {
            last = new Sample(now, bytesIn, bytesOut, 0, 0);
            return last;
        }
        long window = now - previous.atMillis();
        if (window < MIN_WINDOW_MILLIS) {
            return previous;
        }
        last = new Sample(now, bytesIn, bytesOut, Math.max(0, bytesIn - previous.bytesIn()) * 8000 / window,
                Math.max(0, bytesOut - previous.bytesOut()) * 8000 / window);
        return last;
    }

    private double cpuPercent() {
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            double load = sun.getProcessCpuLoad();
            return load < 0 ? -1 : Math.round(load * 1000) / 10.0;
        }
        return -1;
    }
}
