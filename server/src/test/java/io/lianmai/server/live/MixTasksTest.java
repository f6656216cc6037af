package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.auth.Privileges;
import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Mixer;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.rtmp.RtmpRelay;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.media.MediaConfig;
import io.lianmai.media.MediaServer;
import io.lianmai.room.EnterRequest;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.LocalRoomRegistry;
import io.lianmai.room.Member;
import io.lianmai.room.MemberListener;
import io.lianmai.room.Role;
import io.lianmai.room.RoomConfig;
import io.lianmai.room.RoomEvent;
import io.lianmai.room.RoomKey;
import io.lianmai.room.Scene;
import io.lianmai.server.config.CdnConfig;
import io.lianmai.server.config.MixConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MixTasks#start} resolves the CDN targets before it takes its lock and before it touches a running mix: a slow
 * DNS answer for one room holds up no other room's start or stop, and a replacement whose CDN URL is refused leaves
 * the running mix playing. Real mixers (FFmpeg), a real media plane and hub; the resolver is a fake.
 */
class MixTasksTest {
    private static final SdkAppId APP = new SdkAppId(1400000000L);
    private static final Clock CLOCK = Clock.systemUTC();
    private final CountDownLatch slowLookup = new CountDownLatch(1);
    private final CountDownLatch lookupStarted = new CountDownLatch(1);
    private final ExecutorService caller = Executors.newSingleThreadExecutor();
    private MediaServer media;
    private NioEventLoopGroup group;
    private LocalRoomRegistry rooms;
    private LiveStreamHub hub;
    private MixTasks mixes;

    @BeforeEach
    void start() {
        media = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        group = new NioEventLoopGroup(1);
        rooms = new LocalRoomRegistry(RoomConfig.defaults(), CLOCK);
        hub = new LiveStreamHub(ByteBufAllocator.DEFAULT);
        CdnTargetPolicy policy = new CdnTargetPolicy(CdnConfig.DEFAULT, host -> {
            if (host.equals("slow.example")) {
                lookupStarted.countDown();
                try {
                    slowLookup.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new InetAddress[] {InetAddress.getByName("10.0.0.1")}; // private: refused
        });
        CdnPublishTasks cdn = new CdnPublishTasks(hub, group, Runnable::run, policy, CLOCK, RtmpRelay.Config.DEFAULT,
                10, 10);
        mixes = new MixTasks(hub, media, rooms, cdn, MixConfig.DEFAULT, CLOCK);
        rooms.addObserver(mixes);
        enter("1");
        enter("2");
    }

    @AfterEach
    void stop() {
        slowLookup.countDown();
        caller.shutdownNow();
        mixes.close();
        media.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aSlowCdnLookupHoldsUpNoOtherRoom() throws Exception {
        CompletableFuture<Boolean> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return mixes.start(spec("1", "mixslow", "rtmp://slow.example/live/x"));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, caller);
        assertThat(lookupStarted.await(10, TimeUnit.SECONDS)).as("room 1's start resolves its CDN host").isTrue();
        // while that lookup hangs, room 2's mix starts and stops
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
            try {
                boolean updated = mixes.start(spec("2", "mixquick", null));
                return !updated && mixes.stop(APP, RoomRef.parse("2", null));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(other.get(10, TimeUnit.SECONDS)).as("room 2 started and stopped during room 1's lookup").isTrue();
        assertThat(slow).isNotDone();
        slowLookup.countDown();
        assertThatThrownBy(() -> slow.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(CdnPublishTasks.TargetDeniedException.class);
        assertThat(mixes.size()).isZero();
    }

    @Test
    void aReplacementWhoseCdnUrlIsRefusedLeavesTheRunningMix() throws Exception {
        assertThat(mixes.start(spec("1", "mixfirst", null))).isFalse();
        assertThat(hub.isLive("mixfirst")).isTrue();
        // another output name (a replacement) whose CDN target is refused
        assertThatThrownBy(() -> mixes.start(spec("1", "mixsecond", "rtmp://cdn.example/live/x")))
                .isInstanceOf(CdnPublishTasks.TargetDeniedException.class);
        assertThat(hub.isLive("mixfirst")).as("the running mix plays on").isTrue();
        assertThat(hub.isLive("mixsecond")).isFalse();
        assertThat(mixes.appOf("mixfirst")).contains(APP);
        // the same output with a refused CDN URL (an encoding change would replace it) changes nothing either
        assertThatThrownBy(() -> mixes.start(spec("1", "mixfirst", "rtmp://cdn.example/live/y")))
                .isInstanceOf(CdnPublishTasks.TargetDeniedException.class);
        assertThat(hub.isLive("mixfirst")).isTrue();
        assertThat(mixes.size()).isEqualTo(1);
    }

    private static MixSpec spec(String room, String stream, String cdnUrl) {
        return new MixSpec(APP, RoomRef.parse(room, null), stream,
                Mixer.Config.DEFAULTS.withSize(160, 90).withFps(5).withGopFrames(5), MixLayout.grid(), MixImages.NONE,
                Optional.empty(), false, Set.of(), false, 48_000, 1, 64_000,
                cdnUrl == null ? List.of() : List.of(RtmpUrl.parse(cdnUrl)));
    }

    private Member enter(String room) {
        return rooms.enter(new EnterRequest(new RoomKey(APP, RoomRef.parse(room, null).key()), Scene.RTC,
                new UserId("viewer"), Role.ANCHOR, Privileges.all(), new MemberListener() {
                    @Override
                    public void onRoomEvent(RoomEvent event) {
                    }

                    @Override
                    public void onMemberRemoved(Member member, LeaveReason reason) {
                    }

                    @Override
                    public void onListenerReplaced(Member member) {
                    }
                })).member();
    }
}
