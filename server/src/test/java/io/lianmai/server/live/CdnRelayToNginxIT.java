package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.rtmp.RtmpRelay;
import io.lianmai.server.TestServer;
import io.lianmai.server.api.RestApiClient;
import io.lianmai.testkit.NginxRtmpServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDN relay pushes to an RTMP server that is not Lianmai: Debian's nginx with nginx-rtmp, run by the test on
 * loopback. A backend calls StartPublishCdnStream, ffmpeg publishes the anchor into Lianmai, nginx reports the
 * relayed stream as published, and ffmpeg playing it from nginx decodes the anchor's frames and 440 Hz tone;
 * StopPublishCdnStream ends the push at nginx while the anchor stays live. Skips loudly without nginx or the
 * module (Debian packages nginx and libnginx-mod-rtmp, which CI installs).
 */
class CdnRelayToNginxIT {
    @TempDir
    Path dir;

    @Test
    void startPublishCdnStreamRelaysTheAnchorToNginxRtmpUntilStopped() throws Exception {
        Ffmpeg tools = new Ffmpeg(dir);
        try (NginxRtmpServer nginx = NginxRtmpServer.start(dir);
             TestServer origin = TestServer.start(Map.of("cdn.allowedHosts", "127.0.0.1"))) {
            String stream = origin.sdkAppId() + "_8096_anchor_main";
            String pushUrl = nginx.url("relayed");

            JsonNode started = RestApiClient.call(origin, "StartPublishCdnStream", RestApiClient.adminSig(origin),
                    RestApiClient.startBody(origin.sdkAppId(), "8096", 0, "anchor", pushUrl));
            assertThat(started.has("Error")).as(started.toString()).isFalse();
            String taskId = started.get("TaskId").asText();
            RtmpRelay relay = origin.server().live().cdnTasks().find(new SdkAppId(origin.sdkAppId()), taskId)
                    .orElseThrow().relays().get(0);

            Process publisher = tools.publish(LivePlaybackIT.publishUrl(origin, stream, "anchor"), 60, "anchor.log");
            try {
                LivePlaybackIT.await(() -> relay.status().state() == RtmpRelay.State.RELAYING);
                LivePlaybackIT.await(() -> publishing(nginx, "relayed"));
                LiveOutput.assertSeenAndHeard(dir, pushUrl);

                JsonNode stopped = RestApiClient.call(origin, "StopPublishCdnStream", RestApiClient.adminSig(origin),
                        "{\"SdkAppId\": " + origin.sdkAppId() + ", \"TaskId\": \"" + taskId + "\"}");
                assertThat(stopped.has("Error")).as(stopped.toString()).isFalse();
                LivePlaybackIT.await(() -> !publishing(nginx, "relayed"));
                assertThat(relay.status().state()).isEqualTo(RtmpRelay.State.STOPPED);
                assertThat(origin.server().live().hub().isLive(stream)).as("the anchor is untouched").isTrue();
            } finally {
                Ffmpeg.stop(publisher);
            }
            assertThat(nginx.errorLog()).as("nginx's error log").doesNotContain("[error]", "[crit]", "[alert]");
        }
    }

    private static boolean publishing(NginxRtmpServer nginx, String stream) {
        try {
            return nginx.isPublishing(stream);
        } catch (java.io.IOException e) {
            throw new AssertionError("nginx /stat failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
