package io.lianmai.bench.load;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One event loop of the load generator and what its simulated clients share: the 2 ms tick that paces media,
 * repeats ICE checks, sends NACKs and releases delayed packets; the receive and send scratch arrays; and the
 * latency histograms its subscribers record into (one per loop, so recording takes no lock).
 *
 * <p>Everything here runs on the loop's thread, except {@link #add}, which hands the peer over through the loop.
 */
final class ClientLoop {
    /** The tick: fine enough for 20 ms audio and 33 ms video frames, and for jitter in milliseconds. */
    static final long TICK_NANOS = 2_000_000L;
    /** Latencies up to a minute in microseconds, three significant digits. */
    private static final long MAX_LATENCY_MICROS = 60_000_000L;

    private final EventLoop loop;
    private final List<SimulatedPeer> peers = new ArrayList<>();
    final byte[] receive = new byte[SyntheticStream.BUFFER_LENGTH];
    final byte[] send = new byte[SyntheticStream.BUFFER_LENGTH];
    final int[] nackScratch = new int[64];
    /** One-way forward latency of packets that arrived the first time (not retransmitted), µs. */
    final Histogram latency = new Histogram(MAX_LATENCY_MICROS, 3);
    /** Send to arrival of packets recovered by a NACK, µs. */
    final Histogram recoveryLatency = new Histogram(MAX_LATENCY_MICROS, 3);
    private long ticks;
    private long maxTickLagNanos;
    private long lastTick;

    ClientLoop(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop eventLoop() {
        return loop;
    }

    void start() {
        loop.scheduleAtFixedRate(this::tick, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Adds a peer to the tick; from any thread. */
    void add(SimulatedPeer peer) {
        loop.execute(() -> peers.add(peer));
    }

    private void tick() {
        long now = System.nanoTime();
        if (lastTick != 0) {
            maxTickLagNanos = Math.max(maxTickLagNanos, now - lastTick - TICK_NANOS);
        }
        lastTick = now;
        ticks++;
        for (int i = 0; i < peers.size(); i++) {
            peers.get(i).tick(now);
        }
    }

    /** Resets the histograms for the measurement window; on the loop. */
    void startWindow() {
        latency.reset();
        recoveryLatency.reset();
        maxTickLagNanos = 0;
        for (SimulatedPeer peer : peers) {
            peer.markWindowStart();
        }
    }

    List<SimulatedPeer> peers() {
        return peers;
    }

    /** The longest the tick ran late in the window: how far behind the generator itself fell. */
    long maxTickLagNanos() {
        return maxTickLagNanos;
    }
}
