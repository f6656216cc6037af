package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.amf.Amf0Decoder;
import io.lianmai.live.amf.Amf0EcmaArray;
import io.lianmai.live.amf.Amf0Encoder;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.flv.LiveStreamHub;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The push client and the relay against this project's RTMP server on loopback, standing in for a CDN ingest: the
 * command sequence, the media as published, refusals, reconnection with backoff, waiting for a stream, stopping.
 */
class RtmpRelayIT {
    private static final byte[] AVC_CONFIG = {0x17, 0x00, 0, 0, 0, 1, 2};
    private static final byte[] AAC_CONFIG = {(byte) 0xAF, 0x00, 0x12, 0x10};
    private static final byte[] KEYFRAME = {0x17, 0x01, 0, 0, 0, 9};
    private static final byte[] DELTA = {0x27, 0x01, 0, 0, 0, 8};
    private static final RtmpRelay.Config FAST = new RtmpRelay.Config(Duration.ofMillis(100), Duration.ofMillis(400),
            Duration.ofSeconds(10), Duration.ofMillis(100), 1 << 20, RtmpPushClient.Config.DEFAULT, 1000);

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> media = new CopyOnWriteArrayList<>();
    private final AtomicInteger demand = new AtomicInteger();
    private final LiveStreamHub hub = new LiveStreamHub(PooledByteBufAllocator.DEFAULT);
    private EventLoopGroup group;
    private RtmpServer cdn;

    @BeforeEach
    void start() {
        // As the server's: epoll where it loads (the CDN server and the relay's client then run on epoll channels).
        group = new MultiThreadIoEventLoopGroup(2,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        hub.setDemandListener(name -> {
            demand.incrementAndGet();
            return false;
        });
    }

    @AfterEach
    void stop() {
        if (cdn != null) {
            cdn.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theRelayPushesTheStreamFromItsLatestKeyframeFollowsItAndStopsCleanly() throws Exception {
        int port = startCdn(0);
        hub.publish("s");
        send(FlvTags.SCRIPT, 0, metadata());
        send(FlvTags.VIDEO, 0, AVC_CONFIG);
        send(FlvTags.AUDIO, 0, AAC_CONFIG);
        send(FlvTags.VIDEO, 0, KEYFRAME);
        send(FlvTags.VIDEO, 33, DELTA);
        send(FlvTags.VIDEO, 1000, KEYFRAME);
        send(FlvTags.VIDEO, 1033, DELTA);
        RtmpRelay relay = relay(port, "cdn1?key=ok");

        relay.start();
        await(() -> relay.status().state() == RtmpRelay.State.RELAYING);
        await(() -> media.size() >= 5);
        send(FlvTags.VIDEO, 1066, DELTA);
        await(() -> media.size() >= 6);

        assertThat(events).containsExactly("publish live/cdn1");
        assertThat(media).containsExactly("18 @0 @setDataFrame onMetaData", "9 @0 [23, 0]", "8 @0 [-81, 0]",
                "9 @1000 [23, 1]", "9 @1033 [39, 1]", "9 @1066 [39, 1]");

        hub.unpublish("s");
        await(() -> events.size() == 2);
        assertThat(events.get(1)).isEqualTo("close cdn1");
        await(() -> relay.status().state() == RtmpRelay.State.WAITING_FOR_STREAM);

        hub.publish("s");
        relay.onStreamPublished();
        await(() -> events.size() == 3 && relay.status().state() == RtmpRelay.State.RELAYING);

        relay.stop().get(5, TimeUnit.SECONDS);
        await(() -> events.size() == 4);
        assertThat(events).containsExactly("publish live/cdn1", "close cdn1", "publish live/cdn1", "close cdn1");
        assertThat(relay.status().state()).isEqualTo(RtmpRelay.State.STOPPED);
        assertThat(relay.status().sessions()).isEqualTo(2);
        assertThat(relay.status().bytesSent()).isPositive();
    }

    @Test
    void anUnreachableCdnIsRetriedWithBackoffUntilItComesUp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        hub.publish("s");
        RtmpRelay relay = relay(port, "cdn2?key=ok");

        relay.start();
        await(() -> relay.status().failures() >= 2);
        assertThat(relay.status().lastError()).contains("cannot connect to rtmp://127.0.0.1:" + port + "/live/cdn2");
        assertThat(relay.status().lastError()).doesNotContain("key=ok");

        startCdn(port);
        await(() -> relay.status().state() == RtmpRelay.State.RELAYING);
        assertThat(events).containsExactly("publish live/cdn2");
        relay.stop().get(5, TimeUnit.SECONDS);
    }

    @Test
    void anUnreachableCdnIsGivenUpAfterMaxFailuresInARow() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        hub.publish("s");
        RtmpRelay relay = new RtmpRelay(hub, "s", RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/cdn5"), group,
                Runnable::run, RtmpRelay.AddressResolver.SYSTEM, Clock.systemUTC(), FAST.withMaxFailures(3));

        relay.start();
        String reason = relay.gaveUp().get(10, TimeUnit.SECONDS);

        assertThat(reason).startsWith("3 failures in a row, the last: cannot connect to rtmp://127.0.0.1:" + port);
        assertThat(relay.status().state()).isEqualTo(RtmpRelay.State.GAVE_UP);
        assertThat(relay.status().failures()).isEqualTo(3);
        Thread.sleep(600); // longer than the largest backoff: no further attempt
        assertThat(relay.status().failures()).isEqualTo(3);
        relay.stop().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRefusedTargetIsGivenUpAtOnceWithoutConnecting() throws Exception {
        hub.publish("s");
        RtmpRelay relay = new RtmpRelay(hub, "s", RtmpUrl.parse("rtmp://169.254.169.254/live/cdn6"), group,
                Runnable::run, url -> {
                    throw new RtmpRelay.TargetRefusedException(url.host() + " is not allowed");
                }, Clock.systemUTC(), FAST);

        relay.start();

        assertThat(relay.gaveUp().get(5, TimeUnit.SECONDS)).isEqualTo("169.254.169.254 is not allowed");
        assertThat(relay.status().failures()).isEqualTo(1);
        relay.stop().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRefusalIsReportedAndRetried() throws Exception {
        int port = startCdn(0);
        hub.publish("s");
        RtmpRelay relay = relay(port, "cdn3?key=wrong");

        relay.start();
        await(() -> relay.status().failures() >= 2);

        assertThat(relay.status().lastError()).contains("refused publish: NetStream.Publish.Denied bad key");
        assertThat(relay.status().state()).isIn(RtmpRelay.State.BACKING_OFF, RtmpRelay.State.CONNECTING);
        relay.stop().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRelayWaitsForItsStreamAskingForItOnDemand() throws Exception {
        int port = startCdn(0);
        RtmpRelay relay = relay(port, "cdn4?key=ok");

        relay.start();
        await(() -> demand.get() >= 2);
        assertThat(relay.status().state()).isEqualTo(RtmpRelay.State.WAITING_FOR_STREAM);
        assertThat(events).isEmpty();

        hub.publish("s");
        relay.onStreamPublished();
        await(() -> relay.status().state() == RtmpRelay.State.RELAYING);
        assertThat(events).containsExactly("publish live/cdn4");
        relay.stop().get(5, TimeUnit.SECONDS);
    }

    private RtmpRelay relay(int port, String stream) {
        return new RtmpRelay(hub, "s", RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/" + stream), group,
                Runnable::run, RtmpRelay.AddressResolver.SYSTEM, Clock.systemUTC(), FAST);
    }

    private int startCdn(int port) throws InterruptedException {
        StreamAuthorizer authorizer = new StreamAuthorizer() {
            @Override
            public CompletionStage<AuthorizationResult> authorizePublish(String app, String name, String query) {
                return CompletableFuture.completedFuture(query.equals("key=ok") ? AuthorizationResult.allow()
                        : AuthorizationResult.reject(NetStatus.PUBLISH_DENIED, "bad key"));
            }

            @Override
            public CompletionStage<AuthorizationResult> authorizePlay(String app, String name, String query) {
                return CompletableFuture.completedFuture(AuthorizationResult.allow());
            }
        };
        RtmpSessionListener listener = new RtmpSessionListener() {
            @Override
            public void onPublish(RtmpStream stream) {
                events.add("publish " + stream.app() + "/" + stream.streamName());
            }

            @Override
            public void onMediaMessage(RtmpStream stream, RtmpMessage message) {
                ByteBuf body = message.payload();
                if (message.typeId() == RtmpMessageType.DATA_AMF0) {
                    List<Amf0Value> values = Amf0Decoder.decode(body.duplicate());
                    media.add("18 @" + message.timestamp() + " " + values.get(0).asString() + " "
                            + values.get(1).asString());
                } else {
                    media.add(message.typeId() + " @" + message.timestamp() + " ["
                            + body.getByte(body.readerIndex()) + ", " + body.getByte(body.readerIndex() + 1) + "]");
                }
            }

            @Override
            public void onPlay(RtmpStream stream) {
            }

            @Override
            public void onClose(RtmpStream stream) {
                events.add("close " + stream.streamName());
            }
        };
        cdn = new RtmpServer(RtmpServerConfig.DEFAULT, authorizer, listener);
        return cdn.start(group, group, new InetSocketAddress("127.0.0.1", port)).getPort();
    }

    private static byte[] metadata() {
        ByteBuf out = Unpooled.buffer();
        Amf0Encoder.encode(out, new Amf0String("onMetaData"), new Amf0EcmaArray(Map.of("width", Amf0Value.of(320))));
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    private void send(int type, long timestamp, byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        hub.onMessage("s", type, timestamp, buf);
        buf.release();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
