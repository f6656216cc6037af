package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real FFmpeg publishes H.264 + AAC over RTMP to the Netty server on loopback. */
class RtmpFfmpegIT {
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<byte[]> firstBytes = new CopyOnWriteArrayList<>();
    private final AtomicInteger audio = new AtomicInteger();
    private final AtomicInteger video = new AtomicInteger();
    private final AtomicInteger data = new AtomicInteger();
    private EventLoopGroup group;
    private RtmpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        StreamAuthorizer authorizer = new StreamAuthorizer() {
            @Override
            public CompletionStage<AuthorizationResult> authorizePublish(String app, String streamName, String query) {
                authorizations.add(app + "/" + streamName + "?" + query);
                return CompletableFuture.completedFuture(query.equals("usersig=x") ? AuthorizationResult.allow()
                        : AuthorizationResult.reject(NetStatus.PUBLISH_BAD_NAME, "invalid UserSig"));
            }

            @Override
            public CompletionStage<AuthorizationResult> authorizePlay(String app, String streamName, String query) {
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
                switch (message.typeId()) {
                    case RtmpMessageType.AUDIO -> audio.incrementAndGet();
                    case RtmpMessageType.VIDEO -> video.incrementAndGet();
                    default -> data.incrementAndGet();
                }
                if (firstBytes.size() < 4 && message.typeId() != RtmpMessageType.DATA_AMF0) {
                    byte[] head = new byte[Math.min(2, message.payload().readableBytes())];
                    message.payload().getBytes(message.payload().readerIndex(), head);
                    firstBytes.add(new byte[] {(byte) message.typeId(), head[0], head[1]});
                }
            }

            @Override
            public void onPlay(RtmpStream stream) {
                events.add("play " + stream.streamName());
            }

            @Override
            public void onClose(RtmpStream stream) {
                events.add("close " + stream.streamName());
            }
        };
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new RtmpServer(RtmpServerConfig.DEFAULT, authorizer, listener);
        port = server.start(group, group, new InetSocketAddress("127.0.0.1", 0)).getPort();
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int publish(Path ffmpeg, String query, int seconds) throws Exception {
        Path log = Files.createTempFile("ffmpeg-rtmp", ".log");
        log.toFile().deleteOnExit();
        Process p = new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-loglevel", "warning", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine",
                "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
                "-profile:v", "baseline", "-bf", "0", "-g", "30", "-c:a", "aac", "-f", "flv",
                "rtmp://127.0.0.1:" + port + "/live/stream?" + query)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(seconds + 20L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ffmpeg did not finish: " + Files.readString(log));
        }
        // Printed through Java, not inherited: surefire's fork channel must not see native writes.
        System.err.print(Files.readString(log));
        return p.exitValue();
    }

    @Test
    void ffmpegPublishesH264AndAac() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        assertThat(publish(ffmpeg, "usersig=x", 3)).isZero();
        // onClose runs on the event loop after the socket closes.
        Await.until("onClose of the finished publish", Duration.ofSeconds(10),
                () -> events.contains("close stream"), () -> events);
        assertThat(authorizations).containsExactly("live/stream?usersig=x");
        assertThat(events).containsExactly("publish live/stream", "close stream");
        assertThat(video.get()).as("video messages (~90 frames + sequence header)").isGreaterThan(60);
        assertThat(audio.get()).as("audio messages (~140 AAC frames)").isGreaterThan(100);
        assertThat(data.get()).as("@setDataFrame onMetaData").isGreaterThanOrEqualTo(1);
        // FLV tag bodies: AVC key frame + sequence header (0x17 0x00), AAC sequence header (0xAF 0x00).
        assertThat(firstBytes).anySatisfy(b -> assertThat(b).containsExactly(9, 0x17, 0));
        assertThat(firstBytes).anySatisfy(b -> assertThat(b).containsExactly(8, 0xAF, 0));
    }

    @Test
    void wrongStreamKeyIsRejectedWithoutDisturbingAnotherPublisher() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        CompletableFuture<Integer> good = CompletableFuture.supplyAsync(() -> {
            try {
                return publish(ffmpeg, "usersig=x", 6); // long enough to overlap the refused one on a busy machine
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // The wrong key comes second, while the good publisher is streaming (not merely after a second).
        Await.until("the good publisher streaming", Duration.ofSeconds(20),
                () -> events.contains("publish live/stream") && video.get() > 0, () -> events);
        assertThat(publish(ffmpeg, "usersig=wrong", 1)).isNotZero();
        assertThat(good.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(authorizations).containsExactly("live/stream?usersig=x", "live/stream?usersig=wrong");
        assertThat(video.get()).isGreaterThan(60);
    }
}
