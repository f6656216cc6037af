package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.live.rtmp.RtmpMessage;
import io.lianmai.live.rtmp.RtmpMessageType;
import io.lianmai.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Playback of an ffmpeg-published stream: RTMP play (ffprobe; ffmpeg decoding frames and the 440 Hz tone; and a raw
 * client checking the NetStream statuses from Play.Start to UnpublishNotify/Stop), and low-latency HTTP-FLV starting
 * at a keyframe that arrived after it attached.
 */
class LivePlaybackIT {
    @TempDir
    Path dir;

    @Test
    void rtmpPlayServesTheStreamFromItsLatestKeyframeWithTheNetStreamStatuses() throws Exception {
        Ffmpeg tools = new Ffmpeg(dir);
        try (TestServer server = TestServer.start()) {
            int port = server.server().live().rtmpPort();
            String stream = server.sdkAppId() + "_8090_anchor_main";
            Process publisher = tools.publish(publishUrl(server, stream, "anchor"), 60, "publisher.log");
            try {
                LiveStreamHubs.awaitLive(server, stream);
                String probed = tools.probeUntilAv(server.signedRtmp(stream));
                assertThat(probed).contains("h264").contains("aac");
                LiveOutput.assertSeenAndHeard(dir, server.signedRtmp(stream));

                try (RawRtmpClient player = RawRtmpClient.connect(port).handshake()) {
                    int id = player.connectAndCreateStream("live");
                    player.command(id, "play", Amf0Null.INSTANCE, Amf0Value.of(stream + "?" + server.playQuery(stream)));
                    assertThat(player.awaitStatus(5).string("code")).isEqualTo("NetStream.Play.Reset");
                    assertThat(player.awaitStatus(5).string("code")).isEqualTo("NetStream.Play.Start");
                    List<String> firstMedia = firstMedia(player, 6);
                    assertThat(firstMedia).as("metadata, AVC and AAC sequence headers, then the GOP's keyframe")
                            .containsExactly("data onMetaData", "video config", "audio config", "video keyframe");

                    Ffmpeg.stop(publisher);
                    Amf0Object status = player.awaitStatus(10);
                    assertThat(status.string("code")).isEqualTo("NetStream.Play.UnpublishNotify");
                    assertThat(player.awaitStatus(5).string("code")).isEqualTo("NetStream.Play.Stop");
                    assertThat(player.awaitClosed(5)).isTrue();
                }
            } finally {
                Ffmpeg.stop(publisher);
            }

            try (RawRtmpClient player = RawRtmpClient.connect(port).handshake()) {
                int id = player.connectAndCreateStream("live");
                player.command(id, "play", Amf0Null.INSTANCE, Amf0Value.of(stream + "?" + server.playQuery(stream)));
                Amf0Object status = player.awaitStatus(5);
                assertThat(status.string("level")).isEqualTo("error");
                assertThat(status.string("code")).isEqualTo("NetStream.Play.StreamNotFound");
                assertThat(status.string("description")).isEqualTo("stream " + stream + " is not live");
                assertThat(player.awaitClosed(5)).isTrue();
            }
        }
    }

    @Test
    void lowLatencyFlvSkipsTheGopAndStartsAtAKeyframeThatArrivedAfterItAttached() throws Exception {
        Ffmpeg tools = new Ffmpeg(dir);
        try (TestServer server = TestServer.start()) {
            String stream = server.sdkAppId() + "_8091_anchor_main";
            Process publisher = tools.publish(publishUrl(server, stream, "anchor"), 60, "publisher.log");
            try {
                LiveStreamHubs.awaitLive(server, stream);
                try (FlvReader normal = FlvReader.open(server.signedLive(stream + ".flv"))) {
                    // Mid-GOP: a keyframe and a few frames after it seen by the normal player.
                    await(() -> normal.videoFrames().size() > 40);
                    long attaching = System.nanoTime();
                    try (FlvReader low = FlvReader.open(server.signedLive(stream + ".flv", "lowlatency=1"))) {
                        await(() -> !low.videoFrames().isEmpty());
                        FlvReader.Tag first = low.videoFrames().get(0);
                        long lastKnownKeyframe = normal.videoFrames().stream()
                                .filter(t -> t.isVideoKeyframe() && t.receivedNanos() < attaching)
                                .mapToLong(FlvReader.Tag::timestamp).max().orElseThrow();

                        assertThat(first.isVideoKeyframe()).as("first video tag is a keyframe").isTrue();
                        assertThat(first.timestamp()).as("a keyframe the server got after the player attached")
                                .isGreaterThan(lastKnownKeyframe);
                        List<FlvReader.Tag> before = low.tags.subList(0, low.tags.indexOf(first));
                        assertThat(before).as("only metadata and sequence headers before it")
                                .allMatch(t -> t.type() == 18 || (t.head().length >= 2 && t.head()[1] == 0));
                        assertThat(normal.videoFrames().get(0).isVideoKeyframe()).isTrue();
                        assertThat(normal.videoFrames().get(0).timestamp()).isLessThanOrEqualTo(lastKnownKeyframe);
                    }
                }
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    /** Kinds of the first media messages a raw RTMP player gets, up to the first video keyframe. */
    private static List<String> firstMedia(RawRtmpClient player, int max) throws Exception {
        List<String> kinds = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (kinds.size() < max && !kinds.contains("video keyframe")) {
            RtmpMessage m = player.next(deadline);
            if (m == null) {
                break;
            }
            try {
                byte first = m.payload().isReadable() ? m.payload().getByte(m.payload().readerIndex()) : 0;
                byte second = m.payload().readableBytes() > 1 ? m.payload().getByte(m.payload().readerIndex() + 1) : 0;
                switch (m.typeId()) {
                    case RtmpMessageType.DATA_AMF0 -> {
                        String name = io.lianmai.live.amf.Amf0Decoder.decode(m.payload().duplicate()).get(0).asString();
                        if (!"|RtmpSampleAccess".equals(name)) {
                            kinds.add("data " + name);
                        }
                    }
                    case RtmpMessageType.VIDEO -> kinds.add(second == 0 ? "video config"
                            : (first & 0xF0) == 0x10 ? "video keyframe" : "video frame");
                    case RtmpMessageType.AUDIO -> kinds.add(second == 0 ? "audio config" : "audio");
                    default -> {
                    }
                }
            } finally {
                m.release();
            }
        }
        return kinds;
    }

    static String publishUrl(TestServer server, String stream, String userId) {
        return "rtmp://127.0.0.1:" + server.server().live().rtmpPort() + "/live/" + stream + "?usersig="
                + URLEncoder.encode(server.userSig(userId), StandardCharsets.UTF_8);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(20);
        }
    }
}
