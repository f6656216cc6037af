package io.lianmai.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.live.rtmp.RtmpPushClient;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.TestServer;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.store.App;
import io.lianmai.testkit.LibWebRtcPeer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a PrivateMapKey (TRTC's permission ticket) lets through on {@code /ws} {@code enter} and {@code publish} and
 * on RTMP ingest, against a real server: a key for another room, a key signed for another user, a key without the
 * privilege the action needs, and no key for an app that requires one are each refused with TRTC's -100006
 * (docs/security.md, "PrivateMapKey policy per app"); the right key is let through, so each refusal is the key's.
 */
class PrivateMapKeyIT {
    private static final int ALL = Privileges.all().bits();
    private static final int ENTER_AND_CREATE = Privileges.of(Privilege.ENTER_ROOM, Privilege.CREATE_ROOM).bits();
    private static TestServer server;
    private static App strict;
    private static UserSigSigner strictSigner;
    private static EventLoopGroup group;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
        strict = server.server().apps().setRequirePrivateMapKey(server.server().apps().create("strict").sdkAppId(),
                true);
        strictSigner = new UserSigSigner(strict.sdkAppId(), strict.secretKey(), Clock.systemUTC());
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopServer() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void wsEnterNeedsAKeyForThisRoomAndUserThatGrantsEntering() {
        refusedEnter("alice", "31", key("alice", 32, ALL), "roomID 32, not this room");
        refusedEnter("alice", "room-31", strKey("alice", "room-32", ALL), "strRoomID \"room-32\", not this room");
        refusedEnter("alice", "31", strKey("alice", "31", ALL), "strRoomID \"31\", not this room");
        refusedEnter("alice", "31", key("mallory", 31, ALL), "privateMapKey");
        refusedEnter("alice", "31", key("alice", 31, Privileges.of(Privilege.CREATE_ROOM).bits()), "enter_room");
        refusedEnter("alice", "31", key("alice", 31, Privileges.of(Privilege.ENTER_ROOM).bits()), "create_room");

        try (SignalClient first = SignalClient.connect(server); SignalClient second = SignalClient.connect(server)) {
            first.enter(server, "alice", "31", withKey(key("alice", 31, ENTER_AND_CREATE)));
            // The room exists now: entering it needs enter_room only.
            second.enter(server, "bob", "31", withKey(key("bob", 31, Privileges.of(Privilege.ENTER_ROOM).bits())));
        }
    }

    @Test
    void wsEnterOfAnAppThatRequiresAKeyNeedsOneForThisRoom() {
        ObjectNode enter = SignalClient.data().put("sdkAppID", strict.sdkAppId().value()).put("userID", "dave")
                .put("userSig", strictSigner.genUserSig("dave", 600)).put("roomID", 41);
        try (SignalClient client = SignalClient.connect(server)) {
            assertThat(client.error("enter", enter, -100006).path("message").asText()).contains("requires");
            enter.put("privateMapKey", strictSigner.genPrivateMapKey("dave", 600, 42, ALL));
            assertThat(client.error("enter", enter, -100006).path("message").asText()).contains("not this room");
            enter.put("privateMapKey", server.signer().genPrivateMapKey("dave", 600, 41, ALL));
            assertThat(client.error("enter", enter, -100006).path("message").asText())
                    .as("a key signed with another app's secret").contains("privateMapKey");

            enter.put("privateMapKey", strictSigner.genPrivateMapKey("dave", 600, 41, ENTER_AND_CREATE));
            client.ok("enter", enter);
        }
    }

    @Test
    void wsPublishNeedsTheSendPrivilegeOfEveryOfferedKind() {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                SignalClient videoOnly = SignalClient.connect(server);
                SignalClient audioOnly = SignalClient.connect(server);
                SignalClient both = SignalClient.connect(server)) {
            String offer = publisher.createOffer(); // audio and video
            videoOnly.enter(server, "vid", "33", withKey(key("vid", 33, ENTER_AND_CREATE
                    | Privilege.SEND_VIDEO.bit())));
            audioOnly.enter(server, "aud", "33", withKey(key("aud", 33, ENTER_AND_CREATE
                    | Privilege.SEND_AUDIO.bit())));
            both.enter(server, "duo", "33", withKey(key("duo", 33, ENTER_AND_CREATE
                    | Privilege.SEND_AUDIO.bit() | Privilege.SEND_VIDEO.bit())));

            assertThat(videoOnly.error("publish", publish(offer), -100006).path("message").asText())
                    .contains("send_audio");
            assertThat(audioOnly.error("publish", publish(offer), -100006).path("message").asText())
                    .contains("send_video");
            JsonNode published = both.ok("publish", publish(offer));
            assertThat(published.path("answer").asText()).startsWith("v=0");
        }
    }

    @Test
    void rtmpIngestNeedsAKeyForThisRoomThatGrantsWhatTheStreamSends() {
        String main = server.sdkAppId() + "_34_pusher_main";
        String aux = server.sdkAppId() + "_34_pusher_aux";
        int sendBoth = ENTER_AND_CREATE | Privilege.SEND_AUDIO.bit() | Privilege.SEND_VIDEO.bit();

        assertThat(rtmpRefusal(main, sig("pusher"), key("pusher", 35, ALL)))
                .hasValueSatisfying(m -> assertThat(m).contains("NetStream.Publish.Denied -100006")
                        .contains("roomID 35, not this room"));
        assertThat(rtmpRefusal(main, sig("pusher"), key("someone", 34, ALL)))
                .hasValueSatisfying(m -> assertThat(m).contains("NetStream.Publish.Denied -100006"));
        assertThat(rtmpRefusal(main, sig("pusher"), key("pusher", 34, ENTER_AND_CREATE | Privilege.SEND_AUDIO.bit())))
                .hasValueSatisfying(m -> assertThat(m).contains("NetStream.Publish.Denied -100006")
                        .contains("send_video"));
        assertThat(rtmpRefusal(main, sig("pusher"), key("pusher", 34, ENTER_AND_CREATE | Privilege.SEND_VIDEO.bit())))
                .hasValueSatisfying(m -> assertThat(m).contains("-100006").contains("send_audio"));
        assertThat(rtmpRefusal(main, sig("pusher"), key("pusher", 34, sendBoth & ~Privilege.ENTER_ROOM.bit())))
                .hasValueSatisfying(m -> assertThat(m).contains("-100006").contains("enter_room"));
        assertThat(rtmpRefusal(aux, sig("pusher"), key("pusher", 34, sendBoth)))
                .hasValueSatisfying(m -> assertThat(m).contains("-100006").contains("send_aux_video"));

        assertThat(rtmpRefusal(main, sig("pusher"), key("pusher", 34, sendBoth))).as("the right key").isEmpty();
    }

    @Test
    void rtmpIngestOfAnAppThatRequiresAKeyNeedsOneForThisRoom() {
        String stream = strict.sdkAppId() + "_44_anchor_main";
        String sig = strictSigner.genUserSig("anchor", 600);

        assertThat(rtmpRefusal(stream, sig, null)).hasValueSatisfying(m ->
                assertThat(m).contains("NetStream.Publish.Denied -100006").contains("requires a privateMapKey"));
        assertThat(rtmpRefusal(stream, sig, strictSigner.genPrivateMapKey("anchor", 600, 45, ALL)))
                .hasValueSatisfying(m -> assertThat(m).contains("-100006").contains("not this room"));

        assertThat(rtmpRefusal(stream, sig, strictSigner.genPrivateMapKey("anchor", 600, 44, ALL)))
                .as("the right key").isEmpty();
    }

    private static void refusedEnter(String userId, String room, String privateMapKey, String why) {
        try (SignalClient client = SignalClient.connect(server)) {
            JsonNode refused = client.error("enter", SignalClient.enterData(server, userId, room,
                    withKey(privateMapKey)), -100006);
            assertThat(refused.path("message").asText()).as("key for %s entering %s", userId, room).contains(why);
        }
    }

    /**
     * Publishes {@code stream} over RTMP with the UserSig and PrivateMapKey in the query, as a live-pusher does; the
     * refusal's status text, or empty when the publish was accepted (and then closed).
     */
    private static Optional<String> rtmpRefusal(String stream, String userSig, String privateMapKey) {
        int port = server.server().live().rtmpPort();
        String query = "?usersig=" + encode(userSig) + (privateMapKey == null ? "" : "&privatemapkey="
                + encode(privateMapKey));
        RtmpUrl url = RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/" + stream + query);
        try {
            RtmpPushClient client = RtmpPushClient.connect(group, new InetSocketAddress("127.0.0.1", port), url,
                    RtmpPushClient.Config.DEFAULT).get(10, TimeUnit.SECONDS);
            client.close();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause().getMessage()));
        } catch (Exception e) {
            throw new AssertionError("publishing " + url, e);
        }
    }

    private static ObjectNode publish(String offer) {
        return SignalClient.data().put("streamType", "main").put("offer", offer);
    }

    private static ObjectNode withKey(String privateMapKey) {
        return SignalClient.data().put("privateMapKey", privateMapKey);
    }

    private static String key(String userId, long roomId, int privileges) {
        return server.signer().genPrivateMapKey(userId, 600, roomId, privileges);
    }

    private static String strKey(String userId, String strRoomId, int privileges) {
        return server.signer().genPrivateMapKeyWithStringRoomId(userId, 600, strRoomId, privileges);
    }

    private static String sig(String userId) {
        return server.userSig(userId);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
