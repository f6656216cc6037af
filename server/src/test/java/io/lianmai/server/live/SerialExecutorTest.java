package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    private final Queue<Runnable> pool = new ArrayDeque<>();
    private final SerialExecutor serial = new SerialExecutor(pool::add, 2);

    private void runPool() {
        for (int i = 0; i < 100 && !pool.isEmpty(); i++) {
            pool.poll().run();
        }
    }

    @Test
    void aFullQueueRefusesWorkButNotTheTaskThatFreesTheCodecs() {
        List<String> ran = new ArrayList<>();
        assertThat(serial.offer(() -> ran.add("a"))).isTrue();
        assertThat(serial.offer(() -> ran.add("b"))).isTrue();

        assertThat(serial.offer(() -> ran.add("dropped"))).as("full").isFalse();
        assertThat(serial.offerFinal(() -> ran.add("free codecs"))).isTrue();
        runPool();

        assertThat(ran).containsExactly("a", "b", "free codecs");
    }
}
