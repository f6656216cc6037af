package io.lianmai.server.callback;

import io.lianmai.room.RoomRegistry;
import io.lianmai.server.config.CallbacksConfig;
import io.lianmai.store.AppLookup;
import io.lianmai.store.CallbackOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event callbacks for one server: observes the rooms, writes their events to the outbox, delivers them. Started
 * with the server; {@link #close} writes what the rooms reported until then (a shutdown's exits and dismissals
 * included) and stops sending, leaving undelivered events pending for the next start.
 */
public final class CallbackService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackService.class);
    /** How long a shutdown waits for the last events to reach the database. */
    static final Duration FLUSH_WAIT = Duration.ofSeconds(5);

    private final CallbackOutbox outbox;
    private final OutboxWriter writer;
    private final CallbackSender sender;

    private CallbackService(CallbackOutbox outbox, OutboxWriter writer, CallbackSender sender) {
        this.outbox = outbox;
        this.writer = writer;
        this.sender = sender;
    }

    /**
     * Records the exits and dismissals a crashed earlier run left out, starts the writer and the sender (which
     * resumes pending events at once) and observes {@code rooms}. Call before anyone can enter a room.
     */
    public static CallbackService start(CallbacksConfig config, CallbackOutbox outbox, AppLookup apps,
            RoomRegistry rooms, Clock clock) {
        closeLeftovers(outbox, clock);
        CallbackSender sender = new CallbackSender(config, outbox, apps,
                new CallbackTargetPolicy(config.allowPrivateTargets()), clock);
        OutboxWriter writer = new OutboxWriter(outbox, apps, config.queueSize(), sender::wake);
        rooms.addObserver(new CallbackRecorder(writer));
        sender.start();
        return new CallbackService(outbox, writer, sender);
    }

    /**
     * A run that ended without its rooms emptying (kill -9, power loss) never reported their members leaving: the
     * outbox's presence says who was still in, and each gets its exit, each room its dismissal, now.
     */
    static void closeLeftovers(CallbackOutbox outbox, Clock clock) {
        List<CallbackOutbox.Presence> present = outbox.presence();
        if (present.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<CallbackOutbox.NewEvent> events = new ArrayList<>(present.size());
        for (CallbackOutbox.Presence each : present) {
            events.add(CallbackEvent.leftover(each, now).toOutbox(UUID.randomUUID().toString()));
        }
        outbox.append(events);
        LOG.warn("the previous run ended with rooms open: recorded {} exit(s) and dismissal(s) for their callbacks",
                events.size());
    }

    /** The outbox: the reconcile view reads it. */
    public CallbackOutbox outbox() {
        return outbox;
    }

    public OutboxWriter writer() {
        return writer;
    }

    public CallbackSender sender() {
        return sender;
    }

    /** Call after the rooms were emptied and before the database closes. */
    @Override
    public void close() {
        writer.close(FLUSH_WAIT);
        sender.close();
    }
}
