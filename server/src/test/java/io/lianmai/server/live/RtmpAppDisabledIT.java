package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.server.TestServer;
import io.lianmai.store.AppStore;
import io.lianmai.store.JdbcAppStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An RTMP publisher of an app that the CLI disables is told why and disconnected; its live stream ends. */
class RtmpAppDisabledIT {

    @Test
    void disablingTheAppClosesItsRtmpPublisher() throws Exception {
        try (TestServer server = TestServer.start(Map.of("apps.refreshSeconds", "1"))) {
            int port = server.server().live().rtmpPort();
            String stream = server.sdkAppId() + "_8095_anchor_main";
            try (RawRtmpClient publisher = RawRtmpClient.connect(port).handshake()) {
                int id = publisher.connectAndCreateStream("live");
                publisher.command(id, "publish", Amf0Null.INSTANCE, Amf0Value.of(stream + "?usersig="
                        + URLEncoder.encode(server.userSig("anchor"), StandardCharsets.UTF_8)), Amf0Value.of("live"));
                assertThat(publisher.awaitStatus(5).string("code")).isEqualTo("NetStream.Publish.Start");
                LiveStreamHubs.awaitLive(server, stream);

                // As `lianmai app disable` does it: another store on the same data directory.
                try (AppStore cli = JdbcAppStore.open(server.server().config().store(), Clock.systemUTC())) {
                    cli.setEnabled(new SdkAppId(server.sdkAppId()), false);
                }

                Amf0Object status = publisher.awaitStatus(10);
                assertThat(status.string("code")).isEqualTo("NetStream.Publish.Denied");
                assertThat(status.string("description")).contains("disabled");
                assertThat(publisher.awaitClosed(5)).as("the connection is closed").isTrue();
                LivePlaybackIT.await(() -> !server.server().live().hub().isLive(stream));
            }
        }
    }
}
