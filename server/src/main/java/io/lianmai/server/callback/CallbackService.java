package io.lianmai.server.callback;

import io.lianmai.room.LocalMembersOnly;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.config.CallbacksConfig;
import io.lianmai.store.AppLookup;
import io.lianmai.store.CallbackOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
     *
     * @param outbox the outbox as this node ({@link CallbackOutbox#forNode})
     * @param alone  a single node, alone with its database: the presence and delivery claims left in it are all its
     *               own earlier runs' (whatever node id they had); false in a cluster, where only those of
     *               {@code outbox}'s node are
     */
    public static CallbackService start(CallbacksConfig config, CallbackOutbox outbox, boolean alone,
            AppLookup apps, RoomRegistry rooms, Clock clock) {
        closeLeftovers(outbox, alone, clock);
        int released = outbox.releaseClaims(alone);
        if (released > 0) {
            LOG.info("took back {} callback event(s) the previous run had claimed", released);
        }
        CallbackSender sender = new CallbackSender(config, outbox, apps,
                new CallbackTargetPolicy(config.allowPrivateTargets()), clock);
        OutboxWriter writer = new OutboxWriter(outbox, apps, config.queueSize(), sender::wake);
        // Members shown here from another node are reported by their own node (docs/cluster.md).
        rooms.addObserver(LocalMembersOnly.of(new CallbackRecorder(writer)));
        sender.start();
        return new CallbackService(outbox, writer, sender);
    }

    /**
     * A run that ended without its rooms emptying (kill -9, power loss) never reported their members leaving: the
     * outbox's presence says who was still in, and each gets its exit, each room its dismissal, now. In a cluster
     * only this node's rows are its own; other nodes' rooms are alive (a node that never comes back is the
     * cluster's to close: {@link #closeLeftoversOf}).
     */
    static void closeLeftovers(CallbackOutbox outbox, boolean alone, Clock clock) {
        Map<String, List<CallbackOutbox.Presence>> byNode = new TreeMap<>();
        for (CallbackOutbox.Presence each : outbox.presence()) {
            if (alone || each.nodeId().equals(outbox.node())) {
                byNode.computeIfAbsent(each.nodeId(), node -> new ArrayList<>()).add(each);
            }
        }
        Instant now = clock.instant();
        byNode.forEach((node, present) -> close(outbox.forNode(node), present, now));
    }

    /**
     * Records the exits and dismissals node {@code nodeId} left (a node that died and does not come back): for the
     * cluster's failure handling, which knows the node is gone. Events go out as that node's, removing its presence.
     *
     * @return how many events were recorded
     */
    public static int closeLeftoversOf(CallbackOutbox outbox, String nodeId, Clock clock) {
        List<CallbackOutbox.Presence> present = new ArrayList<>();
        for (CallbackOutbox.Presence each : outbox.presence()) {
            if (each.nodeId().equals(nodeId)) {
                present.add(each);
            }
        }
        return close(outbox.forNode(nodeId), present, clock.instant());
    }

    private static int close(CallbackOutbox asNode, List<CallbackOutbox.Presence> present, Instant now) {
        if (present.isEmpty()) {
            return 0;
        }
        List<CallbackOutbox.NewEvent> events = new ArrayList<>(present.size());
        for (CallbackOutbox.Presence each : present) {
            events.add(CallbackEvent.leftover(each, now).toOutbox(UUID.randomUUID().toString()));
        }
        asNode.append(events);
        LOG.warn("a run of node '{}' ended with rooms open: recorded {} exit(s) and dismissal(s) for their callbacks",
                asNode.node(), events.size());
        return events.size();
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
