package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lianmai.live.rtmp.RtmpMessage;
import io.lianmai.live.rtmp.RtmpMessageType;
import io.lianmai.live.rtmp.RtmpPushClient;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * While ffmpeg publishes a good stream and an HTTP-FLV player watches it, other connections send a wrong protocol,
 * malformed chunks, AMF garbage, illegal chunk sizes, too many chunk streams, random bytes, and publishes with a wrong
 * or missing UserSig or a bad stream name. Each gets a clear error (an error NetStatus, or its connection closed with
 * a log line saying why); the good stream's player never notices, and a viewer afterwards still decodes its frames
 * and hears its 440 Hz tone.
 */
class RtmpRobustnessIT {
    @TempDir
    Path dir;

    @Test
    void badPeersGetClearErrorsWhileTheGoodStreamPlaysOn() throws Exception {
        Ffmpeg tools = new Ffmpeg(dir);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger rtmpLogger = (Logger) LoggerFactory.getLogger("io.lianmai.live.rtmp");
        logs.start();
        rtmpLogger.addAppender(logs);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (TestServer server = TestServer.start()) {
            int port = server.server().live().rtmpPort();
            String stream = server.sdkAppId() + "_8092_anchor_main";
            Process publisher = tools.publish(LivePlaybackIT.publishUrl(server, stream, "anchor"), 60, "good.log");
            try (FlvReader player = openWhenLive(server, stream)) {
                LivePlaybackIT.await(() -> player.tags.size() > 60);
                int tagsBefore = player.tags.size();

                // Plain HTTP on the RTMP port: the handshake's version byte is 'G'.
                try (RawRtmpClient peer = RawRtmpClient.connect(port)) {
                    peer.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(peer.awaitClosed(5)).isTrue();
                }
                assertLogged(logs, "RTMP handshake version 71 is not supported");

                // A chunk stream opened with a type 2 header.
                try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
                    peer.sendRaw(new byte[] {(byte) (2 << 6 | 3), 0, 0, 0});
                    assertThat(peer.awaitClosed(5)).isTrue();
                }
                assertLogged(logs, "chunk stream 3 starts with a type 2 header");

                // A command whose body is not AMF0.
                try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
                    peer.send(RtmpMessage.of(RtmpMessageType.COMMAND_AMF0, 0, 0,
                            Unpooled.wrappedBuffer(new byte[] {0x02, 0x00, 0x07, 'c', 'o', 'n', 'n', 'e', 'c', 't',
                                0x00, (byte) 0xFF, (byte) 0xFF, 0x11, 0x42})));
                    assertThat(peer.awaitClosed(5)).isTrue();
                }
                assertLogged(logs, "is not valid AMF0");

                // Set Chunk Size with the top bit set, and one past the 24-bit range.
                for (byte[] size : new byte[][] {{(byte) 0x80, 0, 0, 0}, {0x01, 0, 0, 0}}) {
                    try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
                        peer.sendRaw(new byte[] {0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, size[0], size[1], size[2],
                            size[3]});
                        assertThat(peer.awaitClosed(5)).isTrue();
                    }
                }
                assertLogged(logs, "Set Chunk Size with the top bit set");
                assertLogged(logs, "chunk size must be 1..16777215");

                // More chunk streams than any client uses.
                try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
                    for (int csid = 3; csid < 3 + 70; csid++) {
                        // Empty video messages; ids from 64 take the 2-byte basic header (RTMP 5.3.1.1).
                        byte[] header = {0, 0, 0, 0, 0, 0, 9, 1, 0, 0, 0};
                        byte[] basic = csid < 64 ? new byte[] {(byte) csid} : new byte[] {0, (byte) (csid - 64)};
                        peer.sendRaw(basic);
                        peer.sendRaw(header);
                    }
                    assertThat(peer.awaitClosed(5)).isTrue();
                }
                assertLogged(logs, "more than 64 chunk streams");

                // A command before connect.
                try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
                    peer.command(0, "createStream", io.lianmai.live.amf.Amf0Null.INSTANCE);
                    assertThat(peer.awaitClosed(5)).isTrue();
                }
                assertLogged(logs, "command 'createStream' before connect");

                // Random bytes after a good handshake: closed or ignored, never anything else.
                SplittableRandom random = new SplittableRandom(42);
                for (int round = 0; round < 20; round++) {
                    try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
                        byte[] noise = new byte[1 + random.nextInt(4000)];
                        random.nextBytes(noise);
                        peer.sendRaw(noise);
                    }
                }

                // Publishes that authentication or naming refuses, with the reason in the error status.
                String wrongSig = URLEncoder.encode(server.userSig("someone-else"), StandardCharsets.UTF_8);
                assertThat(refusal(group, port, stream.replace("8092", "8093") + "?usersig=" + wrongSig))
                        .contains("NetStream.Publish.Denied -100018");
                assertThat(refusal(group, port, server.sdkAppId() + "_8093_anchor_main"))
                        .contains("NetStream.Publish.Denied -100018 a UserSig is required: publish to rtmp://host/live/");
                assertThat(refusal(group, port, "not-a-cdn-name?usersig=x"))
                        .contains("NetStream.Publish.BadName stream name must be {sdkAppID}_{roomID}_{userID}_main");

                // The good stream played on without a gap, also after the last bad peer (half a second of tags more).
                int tagsAfter = player.tags.size();
                Await.until("15 more tags for the good player", Duration.ofSeconds(10),
                        () -> player.tags.size() >= tagsAfter + 15, () -> player.tags.size() + " tags");
                // A snapshot: the reader thread keeps appending, and a subList view of the live list would fail.
                List<FlvReader.Tag> all = List.copyOf(player.tags);
                List<FlvReader.Tag> during = all.subList(tagsBefore, all.size());
                long maxGapMillis = 0;
                for (int i = 1; i < during.size(); i++) {
                    maxGapMillis = Math.max(maxGapMillis,
                            (during.get(i).receivedNanos() - during.get(i - 1).receivedNanos()) / 1_000_000);
                }
                assertThat(player.ended).isFalse();
                assertThat(player.failure).isNull();
                assertThat(during.size()).isGreaterThan(30);
                assertThat(maxGapMillis).as("longest pause of the good player, ms").isLessThan(1000);
                assertThat(server.server().live().hub().playerCount(stream)).isEqualTo(1);
                // And the stream is still what was published: a viewer decodes its frames and hears its tone.
                LiveOutput.assertSeenAndHeard(dir, server.signedLive(stream + ".flv").toString());
            } finally {
                Ffmpeg.stop(publisher);
            }
        } finally {
            rtmpLogger.detachAppender(logs);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static FlvReader openWhenLive(TestServer server, String stream) throws Exception {
        LiveStreamHubs.awaitLive(server, stream);
        return FlvReader.open(server.signedLive(stream + ".flv"));
    }

    /** What the push client reports when the server refuses to let it publish {@code streamAndQuery}. */
    private static String refusal(EventLoopGroup group, int port, String streamAndQuery) throws Exception {
        RtmpUrl url = RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/" + streamAndQuery);
        try {
            RtmpPushClient client = RtmpPushClient.connect(group, new InetSocketAddress("127.0.0.1", port), url,
                    RtmpPushClient.Config.DEFAULT).get(10, TimeUnit.SECONDS);
            client.close();
            throw new AssertionError("publishing " + url + " was accepted");
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    private static void assertLogged(ListAppender<ILoggingEvent> logs, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (logs.list.stream().noneMatch(e -> e.getFormattedMessage().contains(text))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line containing '" + text + "' in "
                        + logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
            }
            Thread.sleep(20);
        }
    }
}
