package io.lianmai.server.history;

import io.lianmai.media.MediaPlane;
import io.lianmai.room.LocalMembersOnly;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.config.HistoryConfig;
import io.lianmai.server.db.QueuedWriter;
import io.lianmai.store.RoomHistory;
import io.lianmai.store.StoreException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room and member history for one server ({@code history.*}): observes the rooms, samples the players' quality every
 * {@code history.sampleSeconds}, writes both through one bounded queue (dropping, counted and logged, when the
 * database falls behind), and deletes what ended more than {@code history.retentionDays} ago, hourly. Started with the
 * server, before anyone can enter; {@link #close} writes what the rooms reported until then.
 */
public final class HistoryService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryService.class);
    /** Rows per transaction. */
    static final int BATCH = 512;
    /** Changes held between a room's change and their write: minutes of a busy node's joins and samples. */
    static final int QUEUE_SIZE = 100_000;
    static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    static final Duration FLUSH_WAIT = Duration.ofSeconds(5);

    private final HistoryConfig config;
    private final RoomHistory history;
    private final Clock clock;
    private final QueuedWriter<RoomHistory.Change> writer;
    private final HistoryRecorder recorder;
    private final QualitySampler sampler;
    private final ScheduledExecutorService scheduler;

    private HistoryService(HistoryConfig config, RoomHistory history, RoomRegistry rooms, MediaPlane media,
            Clock clock, boolean schedule) {
        this.config = config;
        this.history = history;
        this.clock = clock;
        this.writer = new QueuedWriter<>("history", QUEUE_SIZE, BATCH, history::apply);
        this.recorder = new HistoryRecorder(writer);
        this.sampler = new QualitySampler(media, rooms, recorder, writer, clock);
        // Members shown here from another node are recorded by their own node (docs/cluster.md).
        rooms.addObserver(LocalMembersOnly.of(recorder));
        if (schedule) {
            scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread t = new Thread(runnable, "lianmai-history");
                t.setDaemon(true);
                return t;
            });
            long sampleMillis = config.sampleInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::sample, sampleMillis, sampleMillis, TimeUnit.MILLISECONDS);
            scheduler.scheduleWithFixedDelay(this::purge, 0, PURGE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            scheduler = null;
        }
    }

    /**
     * Ends the rooms and stays a crashed earlier run left open, then observes {@code rooms} and starts sampling and
     * purging. Call before anyone can enter a room.
     *
     * @param history the history as this node ({@link RoomHistory#forNode})
     * @param alone   a single node: what is left open is all its own; false in a cluster, where only this node's
     *                rooms and stays are ended (other nodes' are live)
     * @return the service, or null when {@code history.enabled} is false (nothing is recorded)
     */
    public static HistoryService start(HistoryConfig config, RoomHistory history, boolean alone, RoomRegistry rooms,
            MediaPlane media, Clock clock) {
        if (!config.enabled()) {
            return null;
        }
        int closed = history.closeOpen(clock.millis(), alone);
        if (closed > 0) {
            LOG.warn("the previous run ended with rooms open: ended {} room(s) and stay(s) in the history", closed);
        }
        return new HistoryService(config, history, rooms, media, clock, true);
    }

    /** For tests: a service whose sampling and purging run only when called. */
    static HistoryService unscheduled(HistoryConfig config, RoomHistory history, RoomRegistry rooms, MediaPlane media,
            Clock clock) {
        return new HistoryService(config, history, rooms, media, clock, false);
    }

    /** Takes one quality sample of every member's players. */
    void sample() {
        try {
            sampler.sample();
        } catch (RuntimeException e) {
            LOG.warn("quality sample failed", e);
        }
    }

    /** Deletes what ended more than the retention ago. */
    void purge() {
        try {
            int deleted = history.purgeBefore(clock.millis() - config.retention().toMillis());
            if (deleted > 0) {
                LOG.info("deleted {} room history row(s) older than {} day(s)", deleted, config.retention().toDays());
            }
        } catch (StoreException e) {
            LOG.warn("cannot purge the room history (tried again in an hour): {}", e.getMessage());
        }
    }

    /** The recorder: the CommIds of live rooms. */
    public HistoryRecorder recorder() {
        return recorder;
    }

    /** Rows dropped because the database fell behind, since start. */
    public long dropped() {
        return writer.dropped();
    }

    /** Rows waiting for the database. */
    public int queued() {
        return writer.queued();
    }

    /**
     * Registers the writer's series on {@code registry}: rows dropped because the database fell behind, and rows
     * waiting for it (both read at scrape time).
     */
    public void reportTo(MeterRegistry registry) {
        FunctionCounter.builder("lianmai.history.dropped", writer, QueuedWriter::dropped)
                .description("Room history rows dropped because the database fell behind")
                .register(registry);
        Gauge.builder("lianmai.history.queue", writer, QueuedWriter::queued)
                .description("Room history rows waiting for the database")
                .register(registry);
    }

    /** Call after the rooms were emptied and before the database closes. */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        writer.close(FLUSH_WAIT);
    }
}
