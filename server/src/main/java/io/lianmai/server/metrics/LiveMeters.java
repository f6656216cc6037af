package io.lianmai.server.metrics;

import io.lianmai.server.live.LiveBridges;
import io.lianmai.server.live.LiveService;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Live output: streams, players by kind ({@code flv} HTTP-FLV, {@code rtmp} RTMP play, {@code cdn} CDN relay
 * pushes), the transcoders between rooms and live streams, and CDN relay tasks. HLS is served per request and has
 * no player to count. Counted once per scrape: the player count locks each stream in turn.
 */
final class LiveMeters implements ScrapedMeters {
    private static final String[] PLAYER_KINDS = {"flv", "rtmp", "cdn", "record"};

    private final LiveService live;
    private volatile Counts last = new Counts(0, Map.of(), 0, 0, 0);

    /** What one scrape counted. */
    private record Counts(int streams, Map<String, Integer> players, int toLive, int fromRtmp, int relayTasks) {
    }

    LiveMeters(LiveService live) {
        this.live = live;
    }

    @Override
    public void refresh() {
        LiveBridges bridges = live.bridges();
        last = new Counts(live.hub().streamCount(), live.hub().playersByKind(),
                bridges == null ? 0 : bridges.bridgedToLive(), bridges == null ? 0 : bridges.bridgedFromRtmp(),
                live.cdnTasks().size());
    }

    /** A gauge of one count of the last snapshot, with {@code tags} as name/value pairs. */
    private void gauge(MeterRegistry registry, String name, String description, ToIntFunction<Counts> value,
            String... tags) {
        ScrapedMeters.gauge(registry, name, description, this, meters -> value.applyAsInt(meters.last), tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "lianmai.live.streams", "Live streams (RTMP-published or bridged from rooms)",
                Counts::streams);
        for (String kind : PLAYER_KINDS) {
            gauge(registry, "lianmai.live.players", "Live output players, by protocol",
                    counts -> counts.players().getOrDefault(kind, 0), "kind", kind);
        }
        String transcoders = "Transcoders between rooms and live streams, by direction";
        gauge(registry, "lianmai.live.transcoders", transcoders, Counts::toLive, "direction", "room_to_live");
        gauge(registry, "lianmai.live.transcoders", transcoders, Counts::fromRtmp, "direction", "rtmp_to_room");
        gauge(registry, "lianmai.cdn.relay.tasks", "CDN relay tasks running (StartPublishCdnStream)",
                Counts::relayTasks);
    }
}
