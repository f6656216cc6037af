package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.trtc.v20190722.models.RemoveUserRequest;
import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.server.TestServer;
import io.lianmai.server.api.CloudApiClient;
import io.lianmai.server.signal.SignalClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A mini-program member — in the room over the signalling socket, pushing its live-pusher's stream over RTMP — removed
 * by the server API ({@code RemoveUser} through Tencent's SDK): the socket gets {@code kicked}, the RTMP push is told
 * why and disconnected, and the stream's HTTP-FLV players end with it; pushing again is refused while the removal
 * holds ({@code api.removedUserRejoinSeconds}). Another member's stream is untouched.
 */
class RtmpRemoveUserIT {

    @Test
    void removingAMiniProgramMemberEndsItsRtmpPushAndFlvPlayers() throws Exception {
        try (TestServer server = TestServer.start(Map.of())) {
            int port = server.server().live().rtmpPort();
            String stream = server.sdkAppId() + "_8096_anchor_main";
            String kept = server.sdkAppId() + "_8096_guest_main";
            try (SignalClient anchor = SignalClient.connect(server); SignalClient guest = SignalClient.connect(server);
                 RawRtmpClient pusher = publish(server, port, stream, "anchor");
                 RawRtmpClient other = publish(server, port, kept, "guest")) {
                anchor.enter(server, "anchor", "8096", null);
                guest.enter(server, "guest", "8096", null);
                LiveStreamHubs.awaitLive(server, stream);
                LiveStreamHubs.awaitLive(server, kept);
                try (FlvReader player = FlvReader.open(server.signedLive(stream + ".flv"))) {
                    LivePlaybackIT.await(() -> server.server().live().hub().playerCount(stream) == 1);

                    RemoveUserRequest request = new RemoveUserRequest();
                    request.setSdkAppId(server.sdkAppId());
                    request.setRoomId(8096L);
                    request.setUserIds(new String[] {"anchor"});
                    CloudApiClient.sdk(server, CloudApiClient.createKey(server)).RemoveUser(request);

                    assertThat(anchor.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("removed");
                    Amf0Object status = pusher.awaitStatus(10);
                    assertThat(status.string("code")).isEqualTo("NetStream.Publish.Denied");
                    assertThat(status.string("description")).contains("removed");
                    assertThat(pusher.awaitClosed(5)).as("the RTMP push is closed").isTrue();
                    LivePlaybackIT.await(() -> !server.server().live().hub().isLive(stream));
                    LivePlaybackIT.await(() -> player.ended);

                    // Pushing again is refused while the removal holds: not in the room, and not live output either.
                    try (RawRtmpClient again = RawRtmpClient.connect(port).handshake()) {
                        Amf0Object refused = startPublish(again, server, stream, "anchor");
                        assertThat(refused.string("code")).isEqualTo("NetStream.Publish.Denied");
                        assertThat(refused.string("description")).contains("removed from room 8096");
                    }
                    assertThat(server.server().live().hub().isLive(stream)).isFalse();
                }
                assertThat(server.server().live().hub().isLive(kept)).isTrue();
            }
        }
    }

    private static RawRtmpClient publish(TestServer server, int port, String stream, String userId)
            throws Exception {
        RawRtmpClient publisher = RawRtmpClient.connect(port).handshake();
        assertThat(startPublish(publisher, server, stream, userId).string("code"))
                .isEqualTo("NetStream.Publish.Start");
        return publisher;
    }

    /** {@code publish} of {@code stream} with {@code userId}'s UserSig; the status the server answers. */
    private static Amf0Object startPublish(RawRtmpClient publisher, TestServer server, String stream, String userId)
            throws Exception {
        int id = publisher.connectAndCreateStream("live");
        publisher.command(id, "publish", Amf0Null.INSTANCE, Amf0Value.of(stream + "?usersig="
                + URLEncoder.encode(server.userSig(userId), StandardCharsets.UTF_8)), Amf0Value.of("live"));
        return publisher.awaitStatus(5);
    }
}
