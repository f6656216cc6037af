package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.BigEndian;
import io.lianmai.live.flv.LiveStreamObserver;
import io.lianmai.media.LocalPlayer;
import io.lianmai.media.LocalSink;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.server.TestServer;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.wire.rtcp.NtpTimestamp;
import io.netty.buffer.ByteBuf;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ffmpeg, acting as a mini program's live-pusher, publishes RTMP into a room: the room's WebRTC members see it join
 * and publish, and an independent WebRTC stack (libwebrtc) and Chromium decode its video (H.264 passed through) and
 * its audio (AAC transcoded to Opus; libwebrtc hears the pusher's 440 Hz tone). When it stops, they see it leave.
 */
class RtmpInRoomIT {
    private static final Duration MEDIA_DEADLINE = Duration.ofSeconds(20);
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @TempDir
    Path dir;

    @Test
    void anRtmpPublisherIsARoomMemberThatLibWebRtcDecodes() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        try (SignalClient viewer = SignalClient.connect(server); LibWebRtcPeer player = LibWebRtcPeer.player()) {
            viewer.enter(server, "viewer", "9001", null);
            String stream = server.sdkAppId() + "_9001_anchor_main";
            AtomicLong aacFrames = countAudioMessages(stream);
            Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("anchor")), 30,
                    dir.resolve("ffmpeg.log"));
            try {
                assertThat(viewer.awaitEvent("userJoin", "anchor").path("role").asText()).isEqualTo("anchor");
                JsonNode added = viewer.awaitEvent("streamAdd", "anchor");
                assertThat(added.path("streamType").asText()).isEqualTo("main");
                assertThat(added.path("audio").asBoolean()).isTrue();
                assertThat(added.path("video").asBoolean()).isTrue();
                // Over a second of the pusher's sound reaches the bridge after it joined: none of it is transcoded
                // while nobody plays the stream.
                long heard = aacFrames.get();
                Await.until("50 more AAC frames from the pusher", MEDIA_DEADLINE,
                        () -> aacFrames.get() >= heard + 50, () -> aacFrames.get() + " AAC frames");
                assertThat(server.server().live().bridges().audioFramesTranscoded(stream))
                        .as("no AAC is transcoded while nobody plays the stream").isZero();

                JsonNode subscribed = viewer.ok("subscribe", SignalClient.data().put("streamID", "anchor_main")
                        .put("offer", player.createOffer()));
                player.acceptAnswer(subscribed.path("answer").asText());
                player.awaitMedia(30, 50, MEDIA_DEADLINE);
                assertThat(player.framesDecoded()).isGreaterThanOrEqualTo(30);
                assertThat(player.audioChunksReceived()).isGreaterThanOrEqualTo(50);
                player.awaitMedia(30, 150, MEDIA_DEADLINE); // 1.5 s of decoded audio, to listen to the last second
                assertThat(player.audioReceived().dominantFrequency(50, 4000))
                        .as("the pusher's tone as libwebrtc plays it, after AAC -> Opus")
                        .isCloseTo(LiveOutput.TONE_HZ, within(LiveOutput.TONE_TOLERANCE_HZ));
                assertThat(server.server().live().bridges().audioFramesTranscoded(stream)).isPositive();
            } finally {
                FfmpegRtmp.stop(pusher);
            }
            viewer.awaitEvent("streamRemove", "anchor");
            viewer.awaitEvent("userLeave", "anchor");
        }
    }

    @Test
    void chromiumPlaysAnRtmpPublisher() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        String stream = server.sdkAppId() + "_9002_pusher_main";
        Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("pusher")), 30,
                dir.resolve("ffmpeg.log"));
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            String key = server.sdkAppId() + "/r9002/pusher_main";
            for (int i = 0; i < 100 && !server.server().media().isPublished(key); i++) {
                Thread.sleep(100);
            }
            assertThat(server.server().media().isPublished(key)).as("bridged into the media plane").isTrue();
            browser.open(server.url("/whep.html?sdkAppID=" + server.sdkAppId() + "&roomID=9002&userID=web"
                    + "&streamID=pusher_main&userSig=" + URLEncoder.encode(server.userSig("web"),
                            StandardCharsets.UTF_8)).toString());
            browser.await("30 frames and audio", MEDIA_DEADLINE,
                    () -> number(browser, "framesDecoded") >= 30 && number(browser, "audioSamples") > 0);
            assertThat(number(browser, "framesDecoded")).isGreaterThanOrEqualTo(30);
            assertThat(number(browser, "frameWidth")).isEqualTo(320);
        } finally {
            FfmpegRtmp.stop(pusher);
        }
    }

    /**
     * Lip sync needs each track's sender reports (RFC 3550 §6.4.1) on one capture clock: the bridge places audio and
     * video on the RTMP stream's millisecond timeline, so a receiver maps a packet of either track to the wall-clock
     * time it was captured. Measured here with an in-server player: each packet's arrival minus the capture time its
     * track's report gives. Both tracks must agree (without reports there is nothing to align; a wrong audio mapping
     * is off by hours, its timestamps start at a random offset) within 100 ms: AAC → Opus adds a frame or two of
     * delay to the audio, and the RTMP client sends the tracks interleaved in real time.
     */
    @Test
    void bridgedTracksCarrySenderReportsOnOneCaptureClock() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        String stream = server.sdkAppId() + "_9003_clock_main";
        Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("clock")), 30,
                dir.resolve("ffmpeg.log"));
        try {
            String key = server.sdkAppId() + "/r9003/clock_main";
            Await.until("the RTMP stream in the media plane", MEDIA_DEADLINE,
                    () -> server.server().media().isPublished(key), () -> "not published");
            ArrivalSink sink = new ArrivalSink();
            LocalPlayer player = server.server().media().playLocal(key, sink).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            try {
                Await.until("3 s of both tracks after their first reports", MEDIA_DEADLINE,
                        () -> sink.reported(0) >= 3 && sink.reported(1) >= 3, sink::toString);
            } finally {
                player.end();
            }
            double audio = sink.medianLateness(0, 48_000);
            double video = sink.medianLateness(1, 90_000);
            System.out.printf("RTMP bridge: packets arrive %.1f ms (audio) and %.1f ms (video) after capture%n",
                    audio, video);
            assertThat(audio - video).as("audio minus video lateness, ms").isBetween(-100.0, 100.0);
            // The clock is anchored at the first message's arrival, which ffmpeg sends before its encoder's steady
            // pace (-86/-112 ms measured): near the wall clock, not exactly on it.
            assertThat(video).as("video lateness against the wall clock, ms").isBetween(-1_000.0, 1_000.0);
        } finally {
            FfmpegRtmp.stop(pusher);
        }
    }

    /** Records, per track (0 audio, 1 video), each packet's RTP timestamp and arrival, and the latest report. */
    private static final class ArrivalSink implements LocalSink {
        private static final int MAX = 4_000;
        private final long[][] timestamps = new long[2][MAX];
        private final long[][] arrivals = new long[2][MAX];
        private final int[] counts = new int[2];
        private final long[][] reports = new long[2][];
        private final int[] reportCounts = new int[2];

        @Override
        public void onStart(List<RtpCodec> tracks) {
            assertThat(tracks).extracting(RtpCodec::name).containsExactly("opus", "H264");
        }

        @Override
        public synchronized void onRtp(int track, byte[] buf, int off, int len) {
            if (reportCounts[track] > 0 && counts[track] < MAX) {
                timestamps[track][counts[track]] = BigEndian.u32(buf, off + 4);
                arrivals[track][counts[track]++] = System.currentTimeMillis();
            }
        }

        @Override
        public synchronized void onSenderReport(int track, long ntpTimestamp, long rtpTimestamp) {
            reports[track] = new long[] {ntpTimestamp, rtpTimestamp};
            reportCounts[track]++;
        }

        @Override
        public void onEnd() {
        }

        synchronized int reported(int track) {
            return reportCounts[track];
        }

        /** The median of arrival minus capture time (from the track's latest report), milliseconds. */
        synchronized double medianLateness(int track, int clockRate) {
            long[] report = reports[track];
            double reportMillis = NtpTimestamp.toUnixNanos(report[0]) / 1e6;
            double[] lateness = new double[counts[track]];
            for (int i = 0; i < lateness.length; i++) {
                int ticks = (int) (timestamps[track][i] - report[1]); // a signed 32-bit distance
                lateness[i] = arrivals[track][i] - (reportMillis + ticks * 1000.0 / clockRate);
            }
            assertThat(lateness).as("packets of track %d", track).hasSizeGreaterThan(20);
            Arrays.sort(lateness);
            return lateness[lateness.length / 2];
        }

        @Override
        public synchronized String toString() {
            return "reports " + Arrays.toString(reportCounts) + ", packets " + Arrays.toString(counts);
        }
    }

    private static long number(HeadlessChromium browser, String function) {
        Object value = browser.asyncScript("window." + function + "().then(arguments[0])");
        return value instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Counts the audio messages (FLV tag type 8) of {@code stream} as they reach the server's live hub, where the
     * room bridge sees them too: a test waits for sound to have arrived rather than for time to pass.
     */
    private static AtomicLong countAudioMessages(String stream) {
        AtomicLong count = new AtomicLong();
        server.server().live().hub().addObserver(new LiveStreamObserver() {
            @Override
            public void onPublish(String name) {
            }

            @Override
            public void onMessage(String name, int type, long timestamp, ByteBuf body) {
                if (type == 8 && name.equals(stream)) {
                    count.incrementAndGet();
                }
            }

            @Override
            public void onUnpublish(String name) {
            }
        });
        return count;
    }
}
