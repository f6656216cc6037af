package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.rtmp.RtmpRelay;
import io.lianmai.server.TestServer;
import io.lianmai.server.api.RestApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDN relay end to end: a backend calls StartPublishCdnStream on one Lianmai node before the anchor is live; ffmpeg
 * then publishes into it; the relay pushes the stream over RTMP to a second Lianmai node standing in for a CDN, where
 * ffprobe finds H.264 and AAC over HTTP-FLV and ffmpeg decodes the anchor's frames and 440 Hz tone;
 * StopPublishCdnStream ends the push there. {@link CdnRelayToNginxIT} relays to an independent RTMP server.
 */
class CdnRelayIT {
    @TempDir
    Path dir;

    @Test
    void startPublishCdnStreamRelaysTheAnchorToAnotherRtmpServerUntilStopped() throws Exception {
        Ffmpeg tools = new Ffmpeg(dir);
        // The "CDN" is another node on loopback, which relays may reach only when configured so.
        try (TestServer origin = TestServer.start(Map.of("cdn.allowedHosts", "127.0.0.1"));
             TestServer cdn = TestServer.start()) {
            String stream = origin.sdkAppId() + "_8095_anchor_main";
            String cdnStream = cdn.sdkAppId() + "_1_relay_main";
            String pushUrl = "rtmp://127.0.0.1:" + cdn.server().live().rtmpPort() + "/live/" + cdnStream
                    + "?usersig=" + URLEncoder.encode(cdn.userSig("relay"), StandardCharsets.UTF_8);

            JsonNode started = RestApiClient.call(origin, "StartPublishCdnStream", RestApiClient.adminSig(origin),
                    RestApiClient.startBody(origin.sdkAppId(), "8095", 0, "anchor", pushUrl));
            assertThat(started.has("Error")).as(started.toString()).isFalse();
            String taskId = started.get("TaskId").asText();
            RtmpRelay relay = origin.server().live().cdnTasks().find(new SdkAppId(origin.sdkAppId()), taskId)
                    .orElseThrow().relays().get(0);
            assertThat(relay.status().state()).isEqualTo(RtmpRelay.State.WAITING_FOR_STREAM);

            Process publisher = tools.publish(LivePlaybackIT.publishUrl(origin, stream, "anchor"), 60, "anchor.log");
            try {
                LiveStreamHubs.awaitLive(cdn, cdnStream);
                LivePlaybackIT.await(() -> relay.status().state() == RtmpRelay.State.RELAYING);
                String probed = tools.probeUntilAv(cdn.signedLive(cdnStream + ".flv").toString());
                assertThat(probed).contains("h264").contains("aac");
                LiveOutput.assertSeenAndHeard(dir, cdn.signedLive(cdnStream + ".flv").toString());

                JsonNode stopped = RestApiClient.call(origin, "StopPublishCdnStream", RestApiClient.adminSig(origin),
                        "{\"SdkAppId\": " + origin.sdkAppId() + ", \"TaskId\": \"" + taskId + "\"}");
                assertThat(stopped.has("Error")).as(stopped.toString()).isFalse();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (cdn.server().live().hub().isLive(cdnStream) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(cdn.server().live().hub().isLive(cdnStream)).as("the push ended on the CDN side").isFalse();
                assertThat(relay.status().state()).isEqualTo(RtmpRelay.State.STOPPED);
                assertThat(origin.server().live().hub().isLive(stream)).as("the anchor is untouched").isTrue();
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    @Test
    void updatePublishCdnStreamMovesTheRelayToANewUrlWithoutStoppingTheTask() throws Exception {
        Ffmpeg tools = new Ffmpeg(dir);
        try (TestServer origin = TestServer.start(Map.of("cdn.allowedHosts", "127.0.0.1"));
             TestServer cdn = TestServer.start()) {
            String stream = origin.sdkAppId() + "_8096_anchor_main";
            String first = cdn.sdkAppId() + "_1_first_main";
            String second = cdn.sdkAppId() + "_1_second_main";
            JsonNode started = RestApiClient.call(origin, "StartPublishCdnStream", RestApiClient.adminSig(origin),
                    RestApiClient.startBody(origin.sdkAppId(), "8096", 0, "anchor", pushUrl(cdn, first, "first")));
            String taskId = started.get("TaskId").asText();
            Process publisher = tools.publish(LivePlaybackIT.publishUrl(origin, stream, "anchor"), 60, "anchor.log");
            try {
                LiveStreamHubs.awaitLive(cdn, first);

                JsonNode updated = RestApiClient.call(origin, "UpdatePublishCdnStream", RestApiClient.adminSig(origin),
                        "{\"SdkAppId\": " + origin.sdkAppId() + ", \"TaskId\": \"" + taskId
                                + "\", \"SequenceNumber\": 1, \"PublishCdnParams\": [{\"PublishCdnUrl\": \""
                                + pushUrl(cdn, second, "second") + "\"}]}");
                assertThat(updated.has("Error")).as(updated.toString()).isFalse();
                assertThat(updated.get("TaskId").asText()).isEqualTo(taskId);

                LiveStreamHubs.awaitLive(cdn, second);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (cdn.server().live().hub().isLive(first) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(cdn.server().live().hub().isLive(first)).as("the removed URL's push ended").isFalse();
                assertThat(tools.probeUntilAv(cdn.signedLive(second + ".flv").toString())).contains("h264");

                JsonNode stale = RestApiClient.call(origin, "UpdatePublishCdnStream", RestApiClient.adminSig(origin),
                        "{\"SdkAppId\": " + origin.sdkAppId() + ", \"TaskId\": \"" + taskId
                                + "\", \"SequenceNumber\": 1}");
                assertThat(stale.path("Error").path("Code").asText()).isEqualTo("InvalidParameter");
                assertThat(cdn.server().live().hub().isLive(second)).as("a stale update changes nothing").isTrue();
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    private static String pushUrl(TestServer cdn, String cdnStream, String user) {
        return "rtmp://127.0.0.1:" + cdn.server().live().rtmpPort() + "/live/" + cdnStream + "?usersig="
                + URLEncoder.encode(cdn.userSig(user), StandardCharsets.UTF_8);
    }
}
