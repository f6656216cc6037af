package io.lianmai.bench.load;

import io.lianmai.common.SdkAppId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The 1:1 call that must survive every attack: two simulated WebRTC peers who publish (WHIP) and each play the other
 * (WHEP), as the {@code call} scenario, on one client loop of their own. Measured per window: video frames per
 * second received by both players and the p99 one-way forward latency.
 */
final class CallUnderTest {
    /** One window's figures. */
    record Window(double seconds, double framesPerSecond, double p99Millis, long latencySamples) {
    }

    private final ClientLoop loop;
    private final long roomId;
    private final List<PublisherPeer> publishers;
    private final List<SubscriberPeer> subscribers;
    private long startNanos;
    private long startFrames;

    CallUnderTest(ClientLoop loop, long roomId, List<PublisherPeer> publishers, List<SubscriberPeer> subscribers) {
        this.loop = loop;
        this.roomId = roomId;
        this.publishers = publishers;
        this.subscribers = subscribers;
    }

    long roomId() {
        return roomId;
    }

    List<PublisherPeer> publishers() {
        return publishers;
    }

    List<SubscriberPeer> subscribers() {
        return subscribers;
    }

    /** The live stream names of the call, {@code {sdkAppID}_{roomID}_{userID}_main}. */
    List<String> streamNames(SdkAppId sdkAppId) {
        return publishers.stream().map(p -> sdkAppId + "_" + roomId + "_" + p.streamId()).toList();
    }

    /** Whether all four peers are still connected. */
    boolean connected() {
        return publishers.stream().allMatch(p -> p.state() == SimulatedPeer.State.CONNECTED)
                && subscribers.stream().allMatch(s -> s.state() == SimulatedPeer.State.CONNECTED);
    }

    /** Starts a window: resets the loop's latency histogram and remembers the frame count. */
    void startWindow() throws InterruptedException {
        long[] frames = new long[1];
        LoadRun.onLoops(List.of(loop), l -> {
            l.startWindow();
            frames[0] = frames();
        });
        startFrames = frames[0];
        startNanos = System.nanoTime();
    }

    /** Ends the window started last and returns its figures. */
    Window endWindow() throws InterruptedException {
        long[] frames = new long[1];
        Histogram copy = new Histogram(60_000_000L, 3);
        LoadRun.onLoops(List.of(loop), l -> {
            frames[0] = frames();
            copy.add(l.latency);
        });
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double fps = (frames[0] - startFrames) / seconds / Math.max(1, subscribers.size());
        double p99 = copy.getTotalCount() == 0 ? Double.NaN : copy.getValueAtPercentile(99) / 1000.0;
        return new Window(seconds, fps, p99, copy.getTotalCount());
    }

    private long frames() {
        long total = 0;
        for (SubscriberPeer s : subscribers) {
            total += s.videoFrames();
        }
        return total;
    }

    /** Waits up to {@code seconds} for every player's first media. */
    boolean awaitMedia(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (subscribers.stream().allMatch(s -> s.firstVideoNanos != 0)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
