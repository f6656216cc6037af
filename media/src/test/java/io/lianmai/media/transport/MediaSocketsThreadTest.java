package io.lianmai.media.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.MediaConfig;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The media loop runs on Netty's {@link FastThreadLocalThread}: every forwarded packet reaches Netty's thread-local
 * state (the pooled allocator's cache, the outbound buffer's and the buffers' recyclers), which on a plain
 * {@link Thread} is a {@link ThreadLocal} lookup each time.
 */
class MediaSocketsThreadTest {
    @Test
    void mediaLoopIsAFastThreadLocalThread() throws Exception {
        MediaSockets sockets = new MediaSockets(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"),
                Duration.ofSeconds(30), Duration.ofSeconds(10), 0), Clock.systemUTC());
        try {
            boolean fast = sockets.loop().submit(() -> Thread.currentThread() instanceof FastThreadLocalThread
                    && FastThreadLocalThread.currentThreadHasFastThreadLocal()).get(5, TimeUnit.SECONDS);
            String name = sockets.loop().submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
            assertThat(fast).isTrue();
            assertThat(name).isEqualTo("lianmai-media");
        } finally {
            sockets.close();
        }
    }
}
