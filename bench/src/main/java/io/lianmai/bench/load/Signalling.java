package io.lianmai.bench.load;

import java.util.List;

/**
 * How simulated clients join a server and leave it, as a browser page would: Lianmai's WHIP/WHEP with UserSigs
 * ({@link Joiner}), SRS's WHIP/WHEP ({@link SrsSignalling}), or Janus's VideoRoom over its HTTP API
 * ({@link JanusSignalling}). One per run, made by its {@link LoadTarget}.
 *
 * <p>{@link #publish} and {@link #subscribe} are called from the run's thread and return soon: the server's answer
 * (or offer) reaches the peer later from an HTTP thread, and a failure fails the peer with the reason. Every wait
 * inside has a deadline.
 */
interface Signalling extends AutoCloseable {
    /** Starts {@code peer} publishing as {@code publisher}; sets the peer's join start. */
    void publish(PublisherPeer peer, Scenario.Publisher publisher);

    /** Starts {@code peer} playing {@code subscription}'s stream, whose publisher has connected. */
    void subscribe(SubscriberPeer peer, Scenario.Subscription subscription);

    /** Ends every session of {@code peers}, as pages closing do; waits a bounded time. */
    void leave(List<? extends SimulatedPeer> peers);

    /** Ends what the signalling itself holds (keepalives, rooms it created); bounded. */
    @Override
    default void close() {
    }
}
