package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.AiortcPeer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.AvSyncSignal;
import io.lianmai.testkit.DecodedMedia;
import io.lianmai.testkit.FfmpegDecoder;
import io.lianmai.testkit.ShapedUdpRelay;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sound and picture stay together through the live outputs: ffmpeg publishes a picture that flashes white and a
 * sound that beeps at the start of every second (both on the same instant at the source), and a player measures,
 * on what it decodes, how far each beep is from its flash, over HTTP-FLV, RTMP play and HLS.
 *
 * <p>The bound: the beep and the flash start on the same sample and frame at the source, and the server only forwards
 * millisecond timestamps, so a server that keeps sync shows an offset of about a millisecond (ffmpeg encoding the
 * same signal straight to a file shows 0.3 ms, see {@code FfmpegDecoderTest}; through Lianmai 0.06–0.2 ms was measured).
 * Half a video frame (17 ms at 30 fps) either side catches a server that shifts one track by a video frame (33 ms)
 * or an AAC frame (23 ms), and stays well under the 45 ms at which viewers first notice sound leading the picture
 * (ITU-R BT.1359-1).
 */
class AvSyncIT {
    private static final double BOUND_SECONDS = 0.5 / AvSyncSignal.FPS;
    private static final Duration DECODED = Duration.ofSeconds(5);
    /** The bound for lip sync through the WebRTC → live chain. */
    private static final double WEBRTC_BOUND_SECONDS = 0.060;
    /** aiortc offers Opus as payload type 96 (its codec table); the answer keeps the offer's types. */
    private static final int AIORTC_OPUS_PAYLOAD_TYPE = 96;

    @TempDir
    Path dir;

    @Test
    void soundAndPictureStayTogetherOverFlvRtmpAndHls() throws Exception {
        FfmpegDecoder decoder = FfmpegDecoder.find(dir);
        Ffmpeg tools = new Ffmpeg(dir);
        try (TestServer server = TestServer.start()) {
            String stream = server.sdkAppId() + "_8097_anchor_main";
            Process publisher = FfmpegRtmp.publish(tools.ffmpeg, LivePlaybackIT.publishUrl(server, stream, "anchor"),
                    60, dir.resolve("publisher.log"), AvSyncSignal.video(320, 240), AvSyncSignal.audio(44_100));
            try {
                LiveStreamHubs.awaitLive(server, stream);
                assertInSync("HTTP-FLV", decoder.decodeWhenLive(server.signedLive(stream + ".flv").toString(),
                        DECODED, Duration.ofSeconds(30)));
                assertInSync("RTMP play", decoder.decodeWhenLive(server.signedRtmp(stream), DECODED,
                        Duration.ofSeconds(30)));
                assertInSync("HLS", decoder.decodeWhenLive(server.signedLive(stream + ".m3u8").toString(), DECODED,
                        Duration.ofSeconds(30)));
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    /**
     * A WebRTC publisher's sound and picture stay together on the live output although its audio arrives 300 ms after
     * its video: aiortc publishes the flash/beep pattern (VP8 + Opus), a relay holds up its audio RTP (not its RTCP),
     * and the room → live bridge lines the tracks up by their sender reports, not by when they arrived. The bound is
     * the 60 ms for the whole chain: the sender reports' own error (aiortc stamps a packet when it sends it,
     * after encoding), VP8 → H.264 and Opus → AAC, and the bridge moving audio only when it is more than
     * {@link RoomLiveBridge#LIP_SYNC_TOLERANCE_MILLIS} ms off.
     */
    @Test
    void aWebRtcPublishersSoundAndPictureStayTogetherWhenItsAudioArrivesLate() throws Exception {
        AiortcPeer.requireInstalled();
        FfmpegDecoder decoder = FfmpegDecoder.find(dir);
        try (TestServer server = TestServer.start()) {
            int mediaPort = server.server().media().udpPort();
            try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 0, 1);
                    AiortcPeer publisher = AiortcPeer.publishAvSync(server.endpoint("whip", "roomID=8098", "late",
                            null), server.userSig("late"), mediaPort, relay.port())) {
                relay.delayUplinkRtp(AIORTC_OPUS_PAYLOAD_TYPE, 300);
                publisher.await("connected", Duration.ofSeconds(30));
                String stream = server.sdkAppId() + "_8098_late_main";
                String flv = server.signedLive(stream + ".flv").toString();
                // A first player starts the bridge; the audio moves once both tracks' reports are in (~1 s).
                decoder.decodeWhenLive(flv, Duration.ofSeconds(1), Duration.ofSeconds(30));
                LiveBridges bridges = server.server().live().bridges();
                Await.until("the live output lines its audio up by the sender reports", Duration.ofSeconds(20),
                        () -> bridges.lipSyncShifts(stream) > 0, () -> publisher.diagnostics());
                DecodedMedia decoded = decoder.decodeWhenLive(flv, Duration.ofSeconds(6), Duration.ofSeconds(30));
                System.out.printf("A/V sync of a WebRTC publisher over HTTP-FLV, audio 300 ms late on the wire: "
                        + "sound minus picture %s s, %d move(s)%n", AvSyncSignal.offsets(decoded),
                        bridges.lipSyncShifts(stream));
                assertThat(AvSyncSignal.medianOffset(decoded, 3)).as("sound minus picture, seconds")
                        .isCloseTo(0.0, within(WEBRTC_BOUND_SECONDS));
            }
        }
    }

    private static void assertInSync(String output, DecodedMedia decoded) {
        System.out.printf("A/V sync over %s: sound minus picture %s s%n", output, AvSyncSignal.offsets(decoded));
        assertThat(AvSyncSignal.medianOffset(decoded, 3)).as("sound minus picture over %s, seconds", output)
                .isCloseTo(0.0, within(BOUND_SECONDS));
    }
}
