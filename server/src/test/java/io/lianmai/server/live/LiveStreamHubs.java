package io.lianmai.server.live;

import io.lianmai.server.TestServer;
import java.util.concurrent.TimeUnit;

/** Test access to a server's live streams. */
final class LiveStreamHubs {
    private LiveStreamHubs() {
    }

    /** Waits up to 20 s for {@code stream} to be live on {@code server}. */
    static void awaitLive(TestServer server, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!server.server().live().hub().isLive(stream)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(stream + " did not go live within 20 s");
            }
            Thread.sleep(50);
        }
    }
}
