package io.lianmai.live.flv;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Players' writes merged per window: the tags of one window go out as one batch, in order, with one wake-up of the
 * loop for all its players; the backlog counts queued and unwritten bytes; every buffer is released.
 */
class MergingPlayerTest {
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(33);

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final WriteMerger merger = new WriteMerger(loop.eventLoop(), WINDOW_NANOS);
    private final List<ByteBuf> offered = new ArrayList<>();

    {
        loop.freezeTime();
    }

    @Test
    void tagsOfOneWindowAreWrittenTogetherInOrderAfterTheWindow() {
        Recorder player = new Recorder(merger, 1 << 20);
        for (int i = 0; i < 5; i++) {
            assertThat(player.offer(tag(i))).isTrue();
        }
        elapse(TimeUnit.MILLISECONDS.toNanos(32));
        assertThat(player.batches).as("nothing written before the window has passed").isEmpty();

        elapse(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(player.batches).containsExactly(List.of(0, 1, 2, 3, 4));
        assertThat(merger.wakeups()).isEqualTo(1);

        player.offer(tag(5));
        player.offer(tag(6));
        elapse(WINDOW_NANOS);
        assertThat(player.batches).containsExactly(List.of(0, 1, 2, 3, 4), List.of(5, 6));
        assertThat(merger.wakeups()).isEqualTo(2);
        assertAllReleased();
    }

    @Test
    void oneWakeUpPerWindowFlushesEveryPlayerOfTheLoopOnceEach() {
        List<Recorder> players = new ArrayList<>();
        for (int p = 0; p < 100; p++) {
            players.add(new Recorder(merger, 1 << 20));
        }
        for (int i = 0; i < 3; i++) {
            for (Recorder player : players) {
                player.offer(tag(i));
            }
        }
        elapse(WINDOW_NANOS);

        assertThat(merger.wakeups()).as("wake-ups of the loop for 100 players x 3 tags").isEqualTo(1);
        for (Recorder player : players) {
            assertThat(player.batches).containsExactly(List.of(0, 1, 2));
        }
        elapse(10 * WINDOW_NANOS);
        assertThat(merger.wakeups()).as("no wake-up without tags").isEqualTo(1);
        assertAllReleased();
    }

    @Test
    void aTagThatArrivesAfterAWindowStartedWaitsForTheNextOnly() {
        Recorder player = new Recorder(merger, 1 << 20);
        player.offer(tag(0));
        elapse(TimeUnit.MILLISECONDS.toNanos(20));
        player.offer(tag(1));
        elapse(TimeUnit.MILLISECONDS.toNanos(13));
        assertThat(player.batches).containsExactly(List.of(0, 1));

        player.offer(tag(2));
        elapse(WINDOW_NANOS);
        assertThat(player.batches).containsExactly(List.of(0, 1), List.of(2));
        assertAllReleased();
    }

    @Test
    void theBacklogCountsQueuedAndUnwrittenBytesAndAPlayerBeyondItIsRefused() {
        Recorder player = new Recorder(merger, 250);
        player.completeWrites = false;
        for (int i = 0; i < 3; i++) {
            assertThat(player.offer(tag(i))).isTrue(); // 100 bytes each
        }
        assertThat(player.backlogBytes()).isEqualTo(300);
        assertThat(player.offer(tag(3))).as("more than 250 bytes behind").isFalse();
        assertThat(player.dropped()).isTrue();

        elapse(WINDOW_NANOS);
        assertThat(player.backlogBytes()).as("written to the connection, not yet to the socket").isEqualTo(300);
        player.completePending();
        assertThat(player.backlogBytes()).isZero();
        assertAllReleased();
    }

    @Test
    void tagsQueuedWhenThePlayerClosesAreReleasedAndLaterOnesRefused() {
        Recorder player = new Recorder(merger, 1 << 20);
        player.offer(tag(0));
        player.offer(tag(1));
        player.close();
        assertThat(player.offer(tag(2))).isFalse();
        elapse(WINDOW_NANOS);

        assertThat(player.batches).isEmpty();
        assertThat(player.backlogBytes()).isZero();
        assertAllReleased();
    }

    @Test
    void aZeroWindowFlushesOnTheLoopsNextTurnMergingWhatArrivedTogether() {
        WriteMerger now = new WriteMerger(loop.eventLoop(), 0);
        Recorder player = new Recorder(now, 1 << 20);
        player.offer(tag(0));
        player.offer(tag(1));
        loop.runPendingTasks();
        assertThat(player.batches).containsExactly(List.of(0, 1));
        assertThat(now.wakeups()).isEqualTo(1);
        assertAllReleased();
    }

    private void elapse(long nanos) {
        loop.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        loop.runScheduledPendingTasks();
        loop.runPendingTasks();
    }

    /** A 100-byte tag whose first byte is {@code n}. */
    private ByteBuf tag(int n) {
        ByteBuf tag = Unpooled.buffer(100).writeByte(n).writeZero(99);
        offered.add(tag);
        return tag;
    }

    private void assertAllReleased() {
        assertThat(offered).allSatisfy(tag -> assertThat(tag.refCnt()).as("reference count").isZero());
    }

    /** Records each batch as the first bytes of its tags and releases them, as a socket write would. */
    private static final class Recorder extends MergingPlayer {
        final List<List<Integer>> batches = new ArrayList<>();
        final List<Long> pending = new ArrayList<>();
        boolean completeWrites = true;

        Recorder(WriteMerger merger, long maxBacklogBytes) {
            super(merger, maxBacklogBytes);
        }

        @Override
        protected void write(ArrayDeque<ByteBuf> tags, long bytes) {
            List<Integer> batch = new ArrayList<>();
            for (ByteBuf tag; (tag = tags.poll()) != null; ) {
                batch.add((int) tag.getByte(tag.readerIndex()));
                tag.release();
            }
            batches.add(batch);
            if (completeWrites) {
                written(bytes);
            } else {
                pending.add(bytes);
            }
        }

        void completePending() {
            pending.forEach(this::written);
            pending.clear();
        }

        void close() {
            closeQueue();
        }

        @Override
        protected boolean isOpen() {
            return true;
        }

        @Override
        public void end() {
            closeQueue();
        }
    }
}
