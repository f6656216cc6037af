package io.lianmai.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.live.rtmp.RtmpPushClient;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.store.App;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.LibWebRtcPeer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may enter and publish (issue 12, finding 2): an app that requires a PrivateMapKey refuses every entry path
 * without one; privileges are decided from the parsed SDP, not its text; identifiers cannot carry a '/' into another
 * room.
 */
class PermissionPolicyIT {
    /** Parses, and the media plane then refuses it: past authentication a request gets 400, not 201. */
    private static final String MINIMAL_VIDEO_OFFER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
            + "m=VIDEO 9 UDP/TLS/RTP/SAVPF 96\r\n";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    private static App strict;
    private static UserSigSigner strictSigner;

    @BeforeAll
    static void startServer() {
        App created = server.server().apps().create("strict");
        strict = server.server().apps().setRequirePrivateMapKey(created.sdkAppId(), true);
        strictSigner = new UserSigSigner(strict.sdkAppId(), strict.secretKey(), Clock.systemUTC());
    }

    @Test
    void anAppThatRequiresAPrivateMapKeyRefusesWhipAndWhepWithoutOne() throws Exception {
        String sig = strictSigner.genUserSig("alice", 600);
        HttpResponse<String> whip = post("/whip?sdkAppID=" + strict.sdkAppId() + "&roomID=5&userID=alice", sig,
                MINIMAL_VIDEO_OFFER);
        HttpResponse<String> whep = post("/whep?sdkAppID=" + strict.sdkAppId()
                + "&roomID=5&userID=alice&streamID=bob_main", sig, MINIMAL_VIDEO_OFFER);
        String key = strictSigner.genPrivateMapKey("alice", 600, 5, Privileges.all().bits());
        HttpResponse<String> withKey = post("/whip?sdkAppID=" + strict.sdkAppId()
                + "&roomID=5&userID=alice&privateMapKey=" + encode(key), sig, MINIMAL_VIDEO_OFFER);

        assertThat(whip.statusCode()).as(whip.body()).isEqualTo(403);
        assertThat(whip.body()).contains("-100006").contains("privateMapKey");
        assertThat(whep.statusCode()).as(whep.body()).isEqualTo(403);
        assertThat(whep.body()).contains("-100006");
        assertThat(withKey.statusCode()).as("past the permission check: " + withKey.body()).isEqualTo(400);
    }

    @Test
    void anAppThatRequiresAPrivateMapKeyRefusesEnterWithoutOne() {
        try (SignalClient client = SignalClient.connect(server)) {
            ObjectNode enter = SignalClient.data().put("sdkAppID", strict.sdkAppId().value()).put("userID", "carol")
                    .put("userSig", strictSigner.genUserSig("carol", 600)).put("roomID", 9);
            JsonNode refused = client.error("enter", enter, -100006);
            assertThat(refused.path("message").asText()).contains("privateMapKey");

            enter.put("privateMapKey", strictSigner.genPrivateMapKey("carol", 600, 9,
                    Privileges.of(Privilege.ENTER_ROOM, Privilege.CREATE_ROOM).bits()));
            client.ok("enter", enter);
        }
    }

    @Test
    void anAppThatRequiresAPrivateMapKeyRefusesRtmpPublishWithoutOne() throws Exception {
        int port = server.server().live().rtmpPort();
        String sig = encode(strictSigner.genUserSig("anchor", 600));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            RtmpUrl url = RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/" + strict.sdkAppId()
                    + "_77_anchor_main?usersig=" + sig);
            try {
                RtmpPushClient client = RtmpPushClient.connect(group, new InetSocketAddress("127.0.0.1", port), url,
                        RtmpPushClient.Config.DEFAULT).get(10, TimeUnit.SECONDS);
                client.close();
                throw new AssertionError("publishing without a privateMapKey was accepted");
            } catch (ExecutionException e) {
                assertThat(e.getCause().getMessage()).contains("NetStream.Publish.Denied -100006");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void upperCaseVideoNeedsSendVideo() throws Exception {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            String offer = publisher.createOffer().replace("m=video", "m=VIDEO");
            String audioOnly = server.signer().genPrivateMapKey("upper", 600, 11,
                    Privileges.of(Privilege.ENTER_ROOM, Privilege.CREATE_ROOM, Privilege.SEND_AUDIO).bits());

            HttpResponse<String> response = post(path("whip", "roomID=11", "upper") + "&privateMapKey="
                    + encode(audioOnly), server.userSig("upper"), offer);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
            assertThat(response.body()).contains("-100006").contains("send_video");
        }
    }

    @Test
    void upperCaseVideoNeedsSendVideoOverSignalling() {
        try (SignalClient client = SignalClient.connect(server); LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            String audioOnly = server.signer().genPrivateMapKeyWithStringRoomId("shout", 600, "caps",
                    Privileges.of(Privilege.ENTER_ROOM, Privilege.CREATE_ROOM, Privilege.SEND_AUDIO).bits());
            client.enter(server, "shout", "caps", SignalClient.data().put("privateMapKey", audioOnly));
            String offer = publisher.createOffer().replace("m=video", "m=VIDEO");

            client.error("publish", SignalClient.data().put("streamType", "main").put("offer", offer), -100006);
        }
    }

    @Test
    void anAuxOfferWithAudioIsRefused() throws Exception {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            String offer = publisher.createOffer();
            String auxOnly = server.signer().genPrivateMapKey("screen", 600, 12,
                    Privileges.of(Privilege.ENTER_ROOM, Privilege.CREATE_ROOM, Privilege.SEND_AUX_VIDEO).bits());

            HttpResponse<String> response = post(path("whip", "roomID=12", "screen") + "&streamType=aux"
                    + "&privateMapKey=" + encode(auxOnly), server.userSig("screen"), offer);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.body()).contains("video only");
        }
    }

    @Test
    void anAuxOfferWithAudioIsRefusedOverSignalling() {
        try (SignalClient client = SignalClient.connect(server); LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            String auxOnly = server.signer().genPrivateMapKeyWithStringRoomId("sharer", 600, "share",
                    Privileges.of(Privilege.ENTER_ROOM, Privilege.CREATE_ROOM, Privilege.SEND_AUX_VIDEO).bits());
            client.enter(server, "sharer", "share", SignalClient.data().put("privateMapKey", auxOnly));

            JsonNode refused = client.error("publish", SignalClient.data().put("streamType", "aux")
                    .put("offer", publisher.createOffer()), -2);
            assertThat(refused.path("message").asText()).contains("video only");
        }
    }

    @Test
    void aKeyThatGrantsOnlyEnteringCannotPublish() throws Exception {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher(); SignalClient client = SignalClient.connect(server)) {
            String offer = publisher.createOffer();
            String enterOnly = server.signer().genPrivateMapKey("low", 600, 13,
                    Privileges.of(Privilege.ENTER_ROOM, Privilege.CREATE_ROOM).bits());

            HttpResponse<String> whip = post(path("whip", "roomID=13", "low") + "&privateMapKey=" + encode(enterOnly),
                    server.userSig("low"), offer);
            assertThat(whip.statusCode()).as(whip.body()).isEqualTo(403);

            client.enter(server, "low", "13", SignalClient.data().put("privateMapKey", enterOnly));
            client.error("publish", SignalClient.data().put("streamType", "main").put("offer", offer), -100006);
        }
    }

    @Test
    void anRtmpAuxStreamReachesTheRoomAsVideoOnly() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path dir = Files.createTempDirectory("rtmp-aux");
        try (SignalClient viewer = SignalClient.connect(server); LibWebRtcPeer player = LibWebRtcPeer.player()) {
            viewer.enter(server, "viewer", "9101", null);
            String stream = server.sdkAppId() + "_9101_sharer_aux";
            Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("sharer")), 30,
                    dir.resolve("ffmpeg.log"));
            try {
                JsonNode added = viewer.awaitEvent("streamAdd", "sharer");
                assertThat(added.path("streamType").asText()).isEqualTo("aux");
                assertThat(added.path("audio").asBoolean()).isFalse();
                JsonNode subscribed = viewer.ok("subscribe", SignalClient.data().put("streamID", "sharer_aux")
                        .put("offer", player.createOffer()));
                player.acceptAnswer(subscribed.path("answer").asText());
                player.awaitMedia(30, 0, Duration.ofSeconds(20));
                Thread.sleep(500);

                assertThat(player.audioChunksReceived()).as("audio of an aux stream").isZero();
            } finally {
                FfmpegRtmp.stop(pusher);
            }
        }
    }

    @Test
    void anRtmpPublisherWithoutCreateRoomCannotCreateARoom() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path dir = Files.createTempDirectory("rtmp-no-create");
        String noCreate = server.signer().genPrivateMapKey("pusher", 600, 9102, Privileges.of(Privilege.ENTER_ROOM,
                Privilege.SEND_AUDIO, Privilege.SEND_VIDEO).bits());
        String stream = server.sdkAppId() + "_9102_pusher_main";
        Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("pusher"))
                + "&privatemapkey=" + encode(noCreate), 30, dir.resolve("ffmpeg.log"));
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger bridgeLogger = (Logger) LoggerFactory.getLogger("io.lianmai.server"); // the RTMP room bridge logs here
        logs.start();
        bridgeLogger.addAppender(logs);
        try (SignalClient viewer = SignalClient.connect(server)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!server.server().live().hub().isLive(stream) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(server.server().live().hub().isLive(stream)).as("the publish itself is allowed").isTrue();
            // The bridge has both sequence headers and has tried the room: it was refused.
            String refused = "RTMP stream " + stream + " cannot be published in room";
            Await.until("the room bridge refused", Duration.ofSeconds(30), () -> logs.list.stream()
                    .anyMatch(event -> event.getFormattedMessage().contains(refused)),
                    () -> logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());

            JsonNode entered = viewer.enter(server, "viewer", "9102", null);
            assertThat(entered.path("members")).as("the RTMP publisher did not create room 9102").isEmpty();
        } finally {
            bridgeLogger.detachAppender(logs);
            FfmpegRtmp.stop(pusher);
        }
    }

    @Test
    void aSlashInStrRoomIdIsRefusedOnEveryPath() throws Exception {
        String sig = server.userSig("alice");
        HttpResponse<String> whip = post(path("whip", "strRoomID=a%2Fb", "alice"), sig, MINIMAL_VIDEO_OFFER);
        HttpResponse<String> whep = post(path("whep", "strRoomID=a%2Fb", "alice") + "&streamID=bob_main", sig,
                MINIMAL_VIDEO_OFFER);

        assertThat(whip.statusCode()).as(whip.body()).isEqualTo(400);
        assertThat(whip.body()).contains("strRoomID");
        assertThat(whep.statusCode()).as(whep.body()).isEqualTo(400);
        assertThat(whep.body()).contains("strRoomID");
        for (String bad : new String[] {"a/b", "a\\b", "a\"b", "tab\there", "quote'd"}) {
            try (SignalClient client = SignalClient.connect(server)) {
                JsonNode refused = client.error("enter", SignalClient.enterData(server, "alice", "x", null)
                        .put("strRoomID", bad), -3318);
                assertThat(refused.path("message").asText()).contains("strRoomID");
            }
        }
        try (SignalClient client = SignalClient.connect(server)) {
            client.ok("enter", SignalClient.enterData(server, "alice", "x", null)
                    .put("strRoomID", "Room 1 (TRTC set): !#$%&()+-:;<=.>?@[]^_{}|~,"));
        }
    }

    @Test
    void aWhepStreamIdCannotNameAnotherRoom() throws Exception {
        String key = server.signer().genPrivateMapKeyWithStringRoomId("bob", 600, "a", Privileges.all().bits());
        HttpResponse<String> response = post(path("whep", "strRoomID=a", "bob") + "&streamID=b%2Falice_main"
                + "&privateMapKey=" + encode(key), server.userSig("bob"), MINIMAL_VIDEO_OFFER);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("streamID");
    }

    private static String path(String kind, String room, String userId) {
        return "/" + kind + "?sdkAppID=" + server.sdkAppId() + "&" + room + "&userID=" + userId;
    }

    private static HttpResponse<String> post(String path, String userSig, String offer) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url(path).toString()))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/sdp")
                .header("authorization", "Bearer " + userSig)
                .POST(HttpRequest.BodyPublishers.ofString(offer)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
