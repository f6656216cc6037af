package io.lianmai.room;

import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.Privileges;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A room busy on another thread holds up nobody in other rooms: entering, resuming, publishing and messaging in one
 * room take that room's lock only, never one the registry or another room holds.
 */
class RoomIsolationTest extends RoomRegistryFixture {
    private static final RoomKey OTHER = new RoomKey(new SdkAppId(1400000001L), "r5678");

    @Test
    void anotherRoomHeldLockedDoesNotStopEnterResumePublishOrMessagesHere() throws Exception {
        Room busy = enter("alice", new RecordingListener()).member().room();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            busy.lock.lock();
            try {
                held.countDown();
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                busy.lock.unlock();
            }
        });
        try {
            assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<RoomEvent> elsewhere = CompletableFuture.supplyAsync(() -> {
                RecordingListener carol = new RecordingListener();
                registry.enter(new EnterRequest(OTHER, Scene.RTC, user("carol"), Role.ANCHOR, Privileges.all(), carol));
                RecordingListener oldDave = new RecordingListener();
                Member dave = registry.enter(new EnterRequest(OTHER, Scene.RTC, user("dave"), Role.ANCHOR,
                        Privileges.all(), oldDave)).member();
                dave.room().disconnect(dave, oldDave);
                dave = registry.resume(dave.sessionToken(), new RecordingListener()).member();
                dave.room().publish(dave, StreamType.MAIN, "dave-main", true, true);
                dave.room().message(dave, 1, "hello");
                return carol.events.get(carol.events.size() - 1);
            });

            assertThat(elsewhere.get(5, TimeUnit.SECONDS)).isEqualTo(new RoomEvent.CustomMessage(user("dave"), 1, "hello"));
            assertThat(holder).isNotDone();
        } finally {
            release.countDown();
            holder.get(5, TimeUnit.SECONDS);
        }
    }
}
