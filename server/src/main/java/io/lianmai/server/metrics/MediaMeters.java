package io.lianmai.server.metrics;

import io.lianmai.media.MediaException;
import io.lianmai.media.MediaServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebRTC media plane's series: sessions, traffic, drops by reason, RTCP feedback and repair (from one
 * {@link MediaServer#stats()} per scrape), and the connect-time histograms (recorded once per session as it
 * connects, on the media loop: a timer record is a few lock-free adds).
 */
final class MediaMeters implements ScrapedMeters {
    private static final Logger LOG = LoggerFactory.getLogger(MediaMeters.class);
    /** Bucket bounds of the connect histograms: loopback handshakes take ms, a lossy mobile link seconds. */
    private static final Duration[] CONNECT_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MediaServer media;
    private volatile MediaServer.Stats last;

    MediaMeters(MediaServer media) {
        this.media = media;
    }

    @Override
    public void refresh() {
        try {
            last = media.stats();
        } catch (MediaException e) {
            // The loop did not answer within its 2 s: serve the previous figures rather than fail the scrape.
            LOG.debug("metrics: media plane stats unavailable ({}), serving the last ones", e.getMessage());
        }
    }

    /** A figure of the last snapshot; 0 before the media loop ever answered. */
    private double read(ToDoubleFunction<MediaServer.Stats> figure) {
        MediaServer.Stats stats = last;
        return stats == null ? 0 : figure.applyAsDouble(stats);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        refresh();
        gauge(registry, "lianmai.media.sessions", "WebRTC sessions (publishers and players) admitted and not ended",
                MediaServer.Stats::webRtcSessions);
        gauge(registry, "lianmai.media.publishers", "Publishing media sessions (SDK, WHIP; RTMP bridged in)",
                MediaServer.Stats::publishers);
        gauge(registry, "lianmai.media.players", "Playing media sessions (SDK, WHEP; live output bridges)",
                MediaServer.Stats::players);
        gauge(registry, "lianmai.media.dtls.handshakes.active", "DTLS handshake slots taken now",
                MediaServer.Stats::handshakesInProgress);
        gauge(registry, "lianmai.media.tcp.connections", "ICE-TCP connections open", MediaServer.Stats::tcpConnections);
        gauge(registry, "lianmai.media.loops", "Media loops (threads with a socket each on the media port)",
                MediaServer.Stats::loops);
        gauge(registry, "lianmai.media.mirrors", "Streams copied to another media loop for its players",
                MediaServer.Stats::mirrors);
        FunctionCounter.builder("lianmai.media.handed.over.packets", this,
                        meters -> meters.read(MediaServer.Stats::handedOver))
                .description("Datagrams and ICE-TCP frames one media loop read for a session of another")
                .register(registry);
        traffic(registry, "lianmai.media.packets", null, MediaServer.Stats::packetsIn, MediaServer.Stats::packetsOut);
        traffic(registry, "lianmai.media.bytes", "bytes", MediaServer.Stats::bytesIn, MediaServer.Stats::bytesOut);
        dropped(registry, "unknown", MediaServer.Stats::unknownPackets);
        dropped(registry, "bad_stun", MediaServer.Stats::badStun);
        dropped(registry, "srtp", MediaServer.Stats::srtpDropped);
        dropped(registry, "queue_full", MediaServer.Stats::laneQueueFull);
        dropped(registry, "handover_full", MediaServer.Stats::handoverDropped);
        dropped(registry, "protect_failed", MediaServer.Stats::laneProtectFailures);
        dropped(registry, "tcp_stalled", MediaServer.Stats::tcpDropped);
        dropped(registry, "internal_error", MediaServer.Stats::packetFailures);
        refused(registry, "session", MediaServer.Stats::refusedSessions);
        refused(registry, "handshake", MediaServer.Stats::refusedHandshakes);
        refused(registry, "tcp_connection", MediaServer.Stats::refusedTcpConnections);
        refused(registry, "retransmission", MediaServer.Stats::refusedRetransmissions);
        counter(registry, "lianmai.media.nacks", "direction", "received", "Generic NACKs (RFC 4585) from players",
                MediaServer.Stats::nacksReceived);
        counter(registry, "lianmai.media.nacks", "direction", "sent", "Generic NACKs (RFC 4585) to publishers",
                MediaServer.Stats::nacksSent);
        counter(registry, "lianmai.media.keyframe.requests", "direction", "received",
                "PLIs and FIRs from players", MediaServer.Stats::keyframeRequestsReceived);
        counter(registry, "lianmai.media.keyframe.requests", "direction", "sent", "PLIs to publishers",
                MediaServer.Stats::keyframeRequestsSent);
        FunctionCounter.builder("lianmai.media.retransmitted.packets", this,
                        meters -> meters.read(MediaServer.Stats::retransmitted))
                .description("Packets resent to players for their NACKs (RTX, RFC 4588, or plain)")
                .register(registry);
        FunctionCounter.builder("lianmai.media.tcp.handshake.timeouts", this,
                        meters -> meters.read(MediaServer.Stats::tcpHandshakeTimeouts))
                .description("ICE-TCP connections closed for sending no valid check in time")
                .register(registry);
        FunctionCounter.builder("lianmai.media.tick.failures", this, meters -> meters.read(MediaServer.Stats::tickFailures))
                .description("Sessions ended because their periodic work threw")
                .register(registry);
        Timer handshake = connectTimer(registry, "lianmai.media.dtls.handshake", null,
                "DTLS handshake time: first valid ICE check to SRTP keys");
        Timer publisherJoin = connectTimer(registry, "lianmai.media.connect", "publish",
                "Join time: offer accepted to media keys (ICE + DTLS)");
        Timer playerJoin = connectTimer(registry, "lianmai.media.connect", "play",
                "Join time: offer accepted to media keys (ICE + DTLS)");
        media.onSessionConnected((publisher, offerToConnectedMillis, handshakeMillis) -> {
            handshake.record(handshakeMillis, TimeUnit.MILLISECONDS);
            (publisher ? publisherJoin : playerJoin).record(offerToConnectedMillis, TimeUnit.MILLISECONDS);
        });
    }

    private void gauge(MeterRegistry registry, String name, String description,
            ToDoubleFunction<MediaServer.Stats> value) {
        ScrapedMeters.gauge(registry, name, description, this, meters -> meters.read(value));
    }

    private void traffic(MeterRegistry registry, String name, String unit, ToDoubleFunction<MediaServer.Stats> in,
            ToDoubleFunction<MediaServer.Stats> out) {
        String what = unit == null ? "Packets" : "Bytes";
        FunctionCounter.builder(name, this, meters -> meters.read(in))
                .tag("direction", "in").baseUnit(unit)
                .description(what + " read from the media sockets (UDP and ICE-TCP)")
                .register(registry);
        FunctionCounter.builder(name, this, meters -> meters.read(out))
                .tag("direction", "out").baseUnit(unit)
                .description(what + " written to the media sockets (UDP and ICE-TCP)")
                .register(registry);
    }

    private void dropped(MeterRegistry registry, String reason, ToDoubleFunction<MediaServer.Stats> value) {
        counter(registry, "lianmai.media.dropped.packets", "reason", reason, "Media packets dropped, by reason",
                value);
    }

    private void refused(MeterRegistry registry, String what, ToDoubleFunction<MediaServer.Stats> value) {
        counter(registry, "lianmai.media.refused", "what", what,
                "Offers, handshakes, ICE-TCP connections and retransmissions refused by a limit", value);
    }

    private void counter(MeterRegistry registry, String name, String tag, String tagValue, String description,
            ToDoubleFunction<MediaServer.Stats> value) {
        FunctionCounter.builder(name, this, meters -> meters.read(value))
                .tag(tag, tagValue)
                .description(description)
                .register(registry);
    }

    private static Timer connectTimer(MeterRegistry registry, String name, String role, String description) {
        Timer.Builder builder = Timer.builder(name)
                .description(description)
                .serviceLevelObjectives(CONNECT_BUCKETS)
                .minimumExpectedValue(CONNECT_BUCKETS[0])
                .maximumExpectedValue(Duration.ofSeconds(30));
        if (role != null) {
            builder.tag("role", role);
        }
        return builder.register(registry);
    }
}
