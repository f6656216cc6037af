package io.lianmai.server.wx;

import static io.lianmai.server.wx.WxHarness.calls;
import static io.lianmai.server.wx.WxHarness.sentActions;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.auth.PlaybackSignature;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.live.LiveOutput;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mini-program SDK ({@code sdk/wx/lianmai-wx.js}) against a real server: the seed's room page, changed only in its
 * import and server address ({@code sdk/wx/example/room/room.js}), runs in Node with a simulated {@code wx} whose
 * sockets are real WebSockets to {@code /ws}. The pusher url must be the server's RTMP ingest with the UserSig, remote
 * players must be the server's HTTP-FLV streams, and room events must arrive as trtc-wx events.
 */
class WxSdkIT {
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    @TempDir
    Path dir;
    private WxHarness wx;
    /** The UserSig each phone entered with (signing again later gives another one). */
    private final Map<String, String> userSigs = new java.util.HashMap<>();

    @BeforeEach
    void startHarness() {
        wx = WxHarness.start(WxHarness.sdkDir().resolve("example/room/room.js"), dir);
    }

    @AfterEach
    void stopHarness() {
        if (wx != null) {
            wx.close();
        }
    }

    @Test
    void theSeedRoomPageSeesAWebRtcPublisherJoinPublishAndLeave() {
        long room = 3101;
        JsonNode opened = open("phone", "wx-alice", room, server.userSig("wx-alice"));
        // enterRoom returns the url at once, guessed from the server address (RTMP port 1935 until the server says).
        assertThat(opened.path("data").path("pusher").path("url").asText())
                .isEqualTo("rtmp://127.0.0.1:1935/live/" + server.sdkAppId() + "_" + room + "_wx-alice_main?usersig="
                        + userSigs.get("wx-alice"));

        wx.awaitEvent("phone", "LOCAL_JOIN");
        JsonNode state = awaitState("phone", s -> s.path("data").path("pusher").path("enableMic").asBoolean()
                && calls(s, "pusher").size() >= 3);
        JsonNode pusher = state.path("data").path("pusher");
        // The seed renders the pusher on LOCAL_JOIN, with the url the server stated (its real RTMP port).
        assertThat(pusher.path("url").asText()).isEqualTo(pusherUrl(room, "wx-alice"));
        assertThat(pusher.path("enableCamera").asBoolean()).isTrue();
        assertThat(pusher.path("beautyLevel").asInt()).isEqualTo(9);
        // start() from the setData callback, then a restart on the corrected url.
        assertThat(calls(state, "pusher")).containsExactly("start", "stop", "start");
        assertThat(state.path("sockets").get(0).path("url").asText())
                .isEqualTo("ws://127.0.0.1:" + server.server().httpPort() + "/ws");

        WhipClient whip = new WhipClient();
        try (LibWebRtcPeer bob = LibWebRtcPeer.publisher()) {
            WhipClient.Result published = whip.post(server.endpoint("whip", "roomID=" + room, "rtc-bob", null),
                    server.userSig("rtc-bob"), bob.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            bob.acceptAnswer(published.body());

            wx.awaitEvent("phone", "REMOTE_USER_JOIN", data -> data.path("userID").asText().equals("rtc-bob"));
            JsonNode video = wx.awaitEvent("phone", "REMOTE_VIDEO_ADD");
            JsonNode audio = wx.awaitEvent("phone", "REMOTE_AUDIO_ADD");
            for (JsonNode added : List.of(video, audio)) {
                assertThat(added.path("player").path("streamID").asText()).isEqualTo("rtc-bob_main");
                assertSignedFlv(added.path("player").path("src").asText(), room, "rtc-bob");
            }
            // The seed's handlers unmute the player it renders as <live-player id="rtc-bob_main" src=…>.
            JsonNode player = awaitState("phone", s -> s.path("data").path("playerList").size() == 1
                    && !s.path("data").path("playerList").get(0).path("muteAudio").asBoolean())
                    .path("data").path("playerList").get(0);
            assertSignedFlv(player.path("src").asText(), room, "rtc-bob");
            assertThat(player.path("hasVideo").asBoolean()).isTrue();
            assertThat(player.path("muteVideo").asBoolean()).isFalse();
            assertThat(player.path("mode").asText()).isEqualTo("RTC");

            assertThat(whip.delete(published.location())).isEqualTo(200);
            JsonNode left = wx.awaitEvent("phone", "REMOTE_USER_LEAVE",
                    data -> data.path("userID").asText().equals("rtc-bob"));
            assertThat(left.path("playerList")).isEmpty();
            wx.awaitEvent("phone", "REMOTE_VIDEO_REMOVE");
        }
        awaitState("phone", s -> s.path("data").path("playerList").isEmpty());

        JsonNode hungUp = wx.page("phone", "_hangUp");
        wx.awaitEvent("phone", "LOCAL_LEAVE");
        assertThat(hungUp.path("data").path("pusher").path("url").asText()).isEmpty();
        JsonNode after = wx.state("phone");
        assertThat(calls(after, "pusher")).endsWith("stop");
        assertThat(calls(after, "wx")).contains("navigateBack");
        // The member publishes with its live-pusher (RTMP), never over WebRTC.
        assertThat(sentActions(after)).contains("enter", "leave").doesNotContain("publish", "subscribe");
    }

    @Test
    void twoWxMembersSeeEachOtherJoinAndLeave() {
        long room = 3102;
        open("a", "wx-a", room, server.userSig("wx-a"));
        wx.awaitEvent("a", "LOCAL_JOIN");
        open("b", "wx-b", room, server.userSig("wx-b"));
        wx.awaitEvent("b", "LOCAL_JOIN");
        // b learns of a from enter's member list, a from b's userJoin.
        JsonNode joinedB = wx.awaitEvent("b", "REMOTE_USER_JOIN", data -> data.path("userID").asText().equals("wx-a"));
        assertThat(joinedB.path("userList").get(0).path("userID").asText()).isEqualTo("wx-a");
        wx.awaitEvent("a", "REMOTE_USER_JOIN", data -> data.path("userID").asText().equals("wx-b"));

        // Neither has an RTMP stream linked yet, so camera/mic toggles are refused quietly (no ERROR).
        wx.page("b", "_pusherAudioHandler");
        JsonNode b = awaitState("b", s -> {
            for (JsonNode frame : s.path("frames")) {
                JsonNode sent = frame.path("frame");
                if (sent.path("action").asText().equals("mute") && sent.path("data").path("audio").isBoolean()
                        && !sent.path("data").path("audio").asBoolean()) {
                    return true;
                }
            }
            return false;
        });
        assertThat(b.path("data").path("pusher").path("enableMic").asBoolean()).isFalse();
        assertThat(wx.events("b", "ERROR")).isEmpty();

        wx.page("b", "_hangUp");
        wx.awaitEvent("b", "LOCAL_LEAVE");
        JsonNode left = wx.awaitEvent("a", "REMOTE_USER_LEAVE", data -> data.path("userID").asText().equals("wx-b"));
        assertThat(left.path("reason").asText()).isEqualTo("leave");
        assertThat(left.path("userList")).isEmpty();
    }

    @Test
    void aBadUserSigIsError100018AndBadParamsAreRefusedAtOnce() {
        long room = 3103;
        open("mallory", "wx-mallory", room, server.userSig("someone-else"));
        JsonNode error = wx.awaitEvent("mallory", "ERROR");
        assertThat(error.path("code").asInt()).isEqualTo(-100018);
        assertThat(error.path("message").asText()).isNotBlank();
        JsonNode state = awaitState("mallory", s -> calls(s, "pusher").contains("stop"));
        assertThat(wx.names("mallory")).doesNotContain("LOCAL_JOIN");
        assertThat(calls(state, "pusher")).containsExactly("start", "stop");

        // strRoomID cannot name a live stream: refused before any socket opens, as the other bad params.
        JsonNode refused = wx.trtc("mallory", "enterRoom", Map.of("sdkAppID", server.sdkAppId(), "userID", "x",
                "userSig", "sig", "strRoomID", "lobby"));
        assertThat(refused.path("value").path("url").asText()).isEmpty();
        assertThat(wx.awaitEvent("mallory", "ERROR", data -> data.path("code").asInt() == -3318)
                .path("message").asText()).contains("strRoomID");
        wx.trtc("mallory", "enterRoom", Map.of("sdkAppID", server.sdkAppId(), "userID", "x", "userSig", "sig",
                "roomID", 0));
        wx.awaitEvent("mallory", "ERROR", data -> data.path("code").asInt() == -3318
                && data.path("message").asText().contains("roomID"));
        assertThat(wx.state("mallory").path("sockets")).hasSize(1);
    }

    @Test
    void theSameUserIdEnteringElsewhereKicksTheFirstOut() {
        long room = 3104;
        open("first", "wx-dup", room, server.userSig("wx-dup"));
        wx.awaitEvent("first", "LOCAL_JOIN");
        open("second", "wx-dup", room, server.userSig("wx-dup"));
        wx.awaitEvent("second", "LOCAL_JOIN");
        JsonNode kicked = wx.awaitEvent("first", "KICKED_OUT");
        assertThat(kicked.path("reason").asText()).isEqualTo("duplicate-login");
        // Its live-pusher stops, so only the second phone's RTMP stream remains.
        assertThat(calls(awaitState("first", s -> calls(s, "pusher").contains("stop")), "pusher")).endsWith("stop");
    }

    @Test
    void aDroppedSocketResumesWithoutTheOthersSeeingALeave() {
        long room = 3105;
        open("mover", "wx-mover", room, server.userSig("wx-mover"));
        wx.awaitEvent("mover", "LOCAL_JOIN");
        open("stayer", "wx-stayer", room, server.userSig("wx-stayer"));
        wx.awaitEvent("mover", "REMOTE_USER_JOIN", data -> data.path("userID").asText().equals("wx-stayer"));

        wx.dropSocket("mover");
        wx.awaitEvent("mover", "CONNECTION_STATE_UPDATE", data -> data.path("state").asText().equals("reconnecting"));
        // Network quality: every path is down (6) while the SDK reconnects.
        JsonNode down = wx.awaitEvent("mover", "LOCAL_NET_STATE_UPDATE").path("pusher").path("netStatus");
        assertThat(down.path("netQualityLevel").asInt()).isEqualTo(6);
        assertThat(down.path("uplinkNetworkQuality").asInt()).isEqualTo(6);
        assertThat(down.path("downlinkNetworkQuality").asInt()).isEqualTo(6);
        JsonNode back = wx.awaitEvent("mover", "CONNECTION_STATE_UPDATE",
                data -> data.path("state").asText().equals("connected"));
        assertThat(back.path("how").asText()).isEqualTo("resume");
        assertThat(sentActions(wx.state("mover"))).contains("resume");
        // A message after the resume reaches the other member, which never saw the mover leave.
        assertThat(wx.trtc("mover", "sendCustomMessage", 1, "back").has("error")).isFalse();
        JsonNode message = wx.awaitEvent("stayer", "IM_MESSAGE_RECEIVED");
        assertThat(message.path("data").asText()).isEqualTo("back");
        assertThat(wx.names("stayer")).doesNotContain("REMOTE_USER_LEAVE");
    }

    @Test
    void pusherAndPlayerElementEventsBecomeTrtcEvents() {
        long room = 3106;
        open("phone", "wx-events", room, server.userSig("wx-events"));
        wx.awaitEvent("phone", "LOCAL_JOIN");
        // The page forwards its live-pusher events (bindstatechange, bindnetstatus, binderror) to the SDK.
        wx.page("phone", "_pusherStateChangeHandler", Map.of("detail", Map.of("code", -1307,
                "message", "network disconnected")));
        assertThat(wx.awaitEvent("phone", "ERROR").path("code").asInt()).isEqualTo(-1307);
        // ... and the uplink is down (6) until the pusher reports again.
        assertThat(wx.awaitEvent("phone", "LOCAL_NET_STATE_UPDATE").path("pusher").path("netStatus")
                .path("netQualityLevel").asInt()).isEqualTo(6);
        wx.page("phone", "_pusherNetStatusHandler", Map.of("detail", Map.of("info", Map.of("videoBitrate", 640))));
        JsonNode net = wx.awaitEvent("phone", "LOCAL_NET_STATE_UPDATE",
                data -> data.path("pusher").path("netStatus").path("videoBitrate").asInt() == 640)
                .path("pusher").path("netStatus");
        assertThat(net.path("netQualityLevel").asInt()).as("no netSpeed: unknown").isZero();
        // RTMP reports no loss: the level is graded from netSpeed against what the encoders made, or WeChat's own.
        assertThat(pusherQuality("phone", Map.of("videoBitrate", 600, "audioBitrate", 40, "netSpeed", 650)))
                .as("all carried: excellent").isEqualTo(1);
        assertThat(pusherQuality("phone", Map.of("videoBitrate", 600, "audioBitrate", 40, "netSpeed", 320)))
                .as("half carried: bad").isEqualTo(4);
        assertThat(pusherQuality("phone", Map.of("videoBitrate", 600, "netSpeed", 600, "netQualityLevel", 3)))
                .as("WeChat's own level wins").isEqualTo(3);
        awaitState("phone", s -> sentActions(s).contains("netQuality"));
        // Pushing started (1002): the SDK tells the room its camera/mic state (refused until the server links the
        // RTMP stream to this member, and retried).
        long mutes = mutes(wx.state("phone"));
        wx.page("phone", "_pusherStateChangeHandler", Map.of("detail", Map.of("code", 1002)));
        awaitState("phone", s -> mutes(s) >= mutes + 2);
        assertThat(wx.events("phone", "ERROR")).hasSize(1);
    }

    @Test
    void theServerOffersTheSdkForDownload() throws Exception {
        for (String file : List.of("lianmai-wx.js", "lianmai-wx.d.ts")) {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(server.url("/sdk/" + file)).timeout(Duration.ofSeconds(10))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(Files.readString(WxHarness.sdkDir().resolve(file)));
        }
    }

    /**
     * What the SDK puts in the pusher url is accepted by the RTMP ingest, and the stream plays as HTTP-FLV under the
     * name the SDK gives remote players: ffmpeg stands in for the phone's live-pusher, and another ffmpeg decodes the
     * FLV (frames and the pusher's 440 Hz tone) as a viewer would.
     */
    @Test
    void thePusherUrlIsAcceptedByTheRtmpIngestAndPlaysAsFlv() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        long room = 3107;
        open("phone", "wx-pusher", room, server.userSig("wx-pusher"));
        wx.awaitEvent("phone", "LOCAL_JOIN");
        String url = awaitState("phone", s -> s.path("data").path("pusher").path("url").asText()
                .contains(":" + server.server().live().rtmpPort() + "/")).path("data").path("pusher").path("url")
                .asText();
        Process pusher = push(ffmpeg, url, 20);
        try {
            String flv = server.signedLive(server.sdkAppId() + "_" + room + "_wx-pusher_main.flv").toString();
            String probed = probe(ffprobe, flv, Duration.ofSeconds(20));
            assertThat(probed).contains("h264").contains("aac");
            LiveOutput.assertSeenAndHeard(dir, flv);
        } finally {
            pusher.destroy();
            pusher.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The server announces an RTMP publish as the main stream of the socket member with the same userID: a second wx
     * member sees the first one's live-pusher as REMOTE_VIDEO_ADD with an FLV src that plays (frames and the pusher's
     * tone decoded), and a WebRTC member in the same room sees the wx members come and go and the pusher's stream
     * appear and disappear.
     */
    @Test
    void anRtmpPushIsAnnouncedAsTheWxMembersStream() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        long room = 3108;
        enterBoth(room, "wx-anchor", "wx-viewer");
        try (SignalClient web = SignalClient.connect(server)) {
            JsonNode entered = web.enter(server, "web", Long.toString(room), null);
            assertThat(entered.path("members").toString()).contains("wx-anchor").contains("wx-viewer");
            wx.awaitEvent("b", "REMOTE_USER_JOIN");
            Process pusher = push(ffmpeg, pusherUrl(room, "wx-anchor"), 60);
            try {
                wx.page("a", "_pusherStateChangeHandler", Map.of("detail", Map.of("code", 1002)));
                JsonNode added = wx.awaitEvent("b", "REMOTE_VIDEO_ADD");
                String src = added.path("player").path("src").asText();
                assertSignedFlv(src, room, "wx-anchor");
                assertThat(probe(ffprobe, src, Duration.ofSeconds(20))).contains("h264");
                // What the viewer's <live-player> shows and plays: the pusher's frames and its tone.
                LiveOutput.assertSeenAndHeard(dir, src);
                JsonNode streamAdd = web.awaitEvent("streamAdd", "wx-anchor");
                assertThat(streamAdd.path("video").asBoolean()).isTrue();
                assertThat(streamAdd.path("audio").asBoolean()).isTrue();
            } finally {
                pusher.destroy();
                pusher.waitFor(5, TimeUnit.SECONDS);
            }
            wx.awaitEvent("b", "REMOTE_VIDEO_REMOVE");
            web.awaitEvent("streamRemove", "wx-anchor");
            wx.page("b", "_hangUp");
            web.awaitEvent("userLeave", "wx-viewer");
        }
        wx.awaitEvent("a", "REMOTE_USER_LEAVE");
    }

    /**
     * Cross-room PK from the mini-program SDK: a wx anchor pushing RTMP (ffmpeg as its live-pusher) connects to a
     * web anchor of another live room; that room's wx audience member gets the wx anchor as a remote user whose player
     * src is its own room's signed HTTP-FLV name, and plays it (frames and the pusher's tone); disconnectOtherRoom
     * takes it away again. An audience member's connectOtherRoom is TRTC's -3330, as event and rejection.
     */
    @Test
    void aWxAnchorConnectsToAnotherRoomWhoseWxAudienceSeesAndHearsIt() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        long roomA = 3120;
        long roomB = 3121;
        open("host", "wx-pk-host", roomA, server.userSig("wx-pk-host"));
        wx.awaitEvent("host", "LOCAL_JOIN");
        wx.trtc("host", "exitRoom");
        wx.trtc("host", "enterRoom", Map.of("sdkAppID", server.sdkAppId(), "userID", "wx-pk-host",
                "userSig", userSigs.get("wx-pk-host"), "roomID", roomA, "scene", "live", "role", "anchor"));
        wx.awaitEvent("host", "LOCAL_JOIN", data -> wx.events("host", "LOCAL_JOIN").size() >= 2);
        try (SignalClient web = SignalClient.connect(server)) {
            web.autoHeartbeat(Duration.ofSeconds(2));
            web.enter(server, "web-pk", Long.toString(roomB), SignalClient.data().put("scene", "live")
                    .put("role", "anchor"));
            // The seed page enters an rtc room on load: another number, room B being live.
            open("fan", "wx-pk-fan", 3122, server.userSig("wx-pk-fan"));
            wx.awaitEvent("fan", "LOCAL_JOIN");
            wx.trtc("fan", "exitRoom");
            wx.trtc("fan", "enterRoom", Map.of("sdkAppID", server.sdkAppId(), "userID", "wx-pk-fan",
                    "userSig", userSigs.get("wx-pk-fan"), "roomID", roomB, "scene", "live", "role", "audience"));
            wx.awaitEvent("fan", "REMOTE_USER_JOIN", data -> data.path("userID").asText().equals("web-pk"));

            JsonNode refused = wx.trtc("fan", "connectOtherRoom", Map.of("roomId", roomA, "userId", "wx-pk-host"));
            assertThat(refused.path("error").path("code").asInt()).as(refused.toString()).isEqualTo(-3330);
            assertThat(wx.awaitEvent("fan", "CONNECT_OTHER_ROOM", data -> true).path("errCode").asInt())
                    .isEqualTo(-3330);

            Process pusher = push(ffmpeg, pusherUrl(roomA, "wx-pk-host"), 60);
            try {
                wx.page("host", "_pusherStateChangeHandler", Map.of("detail", Map.of("code", 1002)));
                JsonNode connected = wx.trtc("host", "connectOtherRoom", "{\"roomId\": " + roomB
                        + ", \"userId\": \"web-pk\"}");
                assertThat(connected.has("error")).as(connected.toString()).isFalse();
                JsonNode event = wx.awaitEvent("host", "CONNECT_OTHER_ROOM", data -> true);
                assertThat(event.path("errCode").asInt()).isZero();
                assertThat(event.path("userID").asText()).isEqualTo("web-pk");
                web.awaitEvent("userJoin", "wx-pk-host");

                wx.awaitEvent("fan", "REMOTE_USER_JOIN", data -> data.path("userID").asText().equals("wx-pk-host"));
                JsonNode added = wx.awaitEvent("fan", "REMOTE_VIDEO_ADD",
                        data -> data.path("player").path("userID").asText().equals("wx-pk-host"));
                String src = added.path("player").path("src").asText();
                assertSignedFlv(src, roomB, "wx-pk-host");
                LiveOutput.assertSeenAndHeard(dir, src);

                assertThat(wx.trtc("host", "disconnectOtherRoom").has("error")).isFalse();
                assertThat(wx.awaitEvent("host", "DISCONNECT_OTHER_ROOM", data -> true).path("errCode").asInt())
                        .isZero();
                wx.awaitEvent("fan", "REMOTE_USER_LEAVE", data -> data.path("userID").asText().equals("wx-pk-host"));
                web.awaitEvent("userLeave", "wx-pk-host");
            } finally {
                pusher.destroy();
                pusher.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * switchRole through the public API in a live room: to audience the SDK stops the live-pusher and clears its url
     * (the other member hears the role change), back to anchor it gives the RTMP url again; in an rtc room the server
     * refuses and the SDK reports ERROR and rejects.
     */
    @Test
    void switchRoleStopsThePusherForAudienceAndGivesTheUrlBackToAnAnchor() {
        long room = 3112;
        open("host", "wx-host", room, server.userSig("wx-host"));
        wx.awaitEvent("host", "LOCAL_JOIN");
        JsonNode refused = wx.trtc("host", "switchRole", "audience");
        assertThat(refused.path("error").path("message").asText()).contains("live rooms");
        wx.awaitEvent("host", "ERROR", data -> data.path("message").asText().contains("live rooms"));

        // The same page enters a live room (a new room number: the rtc one keeps its scene while anyone is in it).
        long live = 3113;
        wx.trtc("host", "exitRoom");
        JsonNode entered = wx.trtc("host", "enterRoom", Map.of("sdkAppID", server.sdkAppId(), "userID", "wx-host",
                "userSig", userSigs.get("wx-host"), "roomID", live, "scene", "live", "role", "anchor"));
        assertThat(entered.path("value").path("url").asText()).startsWith("rtmp://");
        wx.awaitEvent("host", "LOCAL_JOIN", data -> wx.events("host", "LOCAL_JOIN").size() >= 2);
        open("fan", "wx-fan", live, server.userSig("wx-fan"));
        wx.trtc("fan", "enterRoom", Map.of("sdkAppID", server.sdkAppId(), "userID", "wx-fan",
                "userSig", userSigs.get("wx-fan"), "roomID", live, "scene", "live", "role", "audience"));
        wx.awaitEvent("host", "REMOTE_USER_JOIN", data -> data.path("userID").asText().equals("wx-fan"));
        // The live-pusher reports that it pushes: the SDK counts it as started.
        wx.page("host", "_pusherStateChangeHandler", Map.of("detail", Map.of("code", 1002)));
        int stopsBefore = (int) calls(wx.state("host"), "pusher").stream().filter("stop"::equals).count();

        JsonNode audience = wx.trtc("host", "switchRole", "audience");
        assertThat(audience.path("value").asText()).isEqualTo("audience");
        assertThat(wx.trtc("host", "getPusherAttributes").path("value").path("url").asText()).isEmpty();
        assertThat(calls(wx.state("host"), "pusher").stream().filter("stop"::equals).count()).isGreaterThan(stopsBefore);
        wx.awaitEvent("fan", "REMOTE_USER_ROLE_UPDATE", data -> data.path("userID").asText().equals("wx-host")
                && data.path("role").asText().equals("audience"));

        JsonNode anchorAgain = wx.trtc("host", "switchRole", "anchor");
        assertThat(anchorAgain.path("value").asText()).isEqualTo("anchor");
        assertThat(wx.trtc("host", "getPusherAttributes").path("value").path("url").asText())
                .isEqualTo(pusherUrl(live, "wx-host"));
        wx.awaitEvent("fan", "REMOTE_USER_ROLE_UPDATE", data -> data.path("userID").asText().equals("wx-host")
                && data.path("role").asText().equals("anchor"));
    }

    /**
     * A remote player through the public element-event handlers: a live-player that gives up (-2301) is asked to play
     * again, at most three times until it plays (2004); fullscreen, net status and volume events reach the page as
     * trtc-wx events; the src the SDK gave plays (ffmpeg decodes its frames and hears the pusher's 440 Hz tone over
     * HTTP-FLV).
     */
    @Test
    void aPlayerIsReplayedWhenItGivesUpAndItsElementEventsBecomeTrtcEvents() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        long room = 3110;
        enterBoth(room, "wx-star", "wx-watcher");
        Process pusher = push(ffmpeg, pusherUrl(room, "wx-star"), 60);
        try {
            wx.page("a", "_pusherStateChangeHandler", Map.of("detail", Map.of("code", 1002)));
            JsonNode added = wx.awaitEvent("b", "REMOTE_VIDEO_ADD");
            String streamId = added.path("player").path("streamID").asText();
            assertThat(streamId).isEqualTo("wx-star_main");
            String src = added.path("player").path("src").asText();
            // The src the SDK gave plays: ffmpeg decodes its frames and hears the pusher's tone, as a viewer would.
            LiveOutput.assertSeenAndHeard(dir, src);

            Map<String, Object> target = Map.of("id", streamId);
            for (int attempt = 1; attempt <= 4; attempt++) {
                wx.page("b", "_playerStateChange", Map.of("detail", Map.of("code", -2301, "message", "gave up"),
                        "currentTarget", target));
                int expected = Math.min(attempt, 3);
                JsonNode state = awaitState("b", s -> calls(s, "player:" + streamId).stream()
                        .filter("play"::equals).count() >= expected);
                assertThat(calls(state, "player:" + streamId).stream().filter("play"::equals).count())
                        .isEqualTo(expected);
            }
            assertThat(wx.events("b", "PLAYER_WARNING")).hasSize(4);
            assertThat(wx.awaitEvent("b", "REMOTE_NET_STATE_UPDATE").path("playerList").get(0).path("netStatus")
                    .path("netQualityLevel").asInt()).as("a player that gave up is down").isEqualTo(6);
            // Playing again (2004) gives the player its three replays back.
            wx.page("b", "_playerStateChange", Map.of("detail", Map.of("code", 2004), "currentTarget", target));
            wx.page("b", "_playerStateChange", Map.of("detail", Map.of("code", -2301), "currentTarget", target));
            awaitState("b", s -> calls(s, "player:" + streamId).stream().filter("play"::equals).count() == 4);

            wx.page("b", "_playerFullscreenChange", Map.of("detail", Map.of("fullScreen", true, "direction", 90),
                    "currentTarget", target));
            JsonNode fullscreen = wx.awaitEvent("b", "VIDEO_FULLSCREEN_UPDATE");
            assertThat(fullscreen.path("streamID").asText()).isEqualTo(streamId);
            assertThat(fullscreen.path("fullScreen").asBoolean()).isTrue();
            assertThat(fullscreen.path("direction").asInt()).isEqualTo(90);

            wx.page("b", "_playerNetStatus", Map.of("detail", Map.of("info", Map.of("videoBitrate", 512,
                    "videoFPS", 30)), "currentTarget", target));
            JsonNode net = wx.awaitEvent("b", "REMOTE_NET_STATE_UPDATE", data -> data.path("playerList").get(0)
                    .path("netStatus").path("videoBitrate").asInt() == 512);
            assertThat(net.path("playerList").get(0).path("netStatus").path("videoBitrate").asInt()).isEqualTo(512);
            assertThat(net.path("playerList").get(0).path("netStatus").path("videoFPS").asInt()).isEqualTo(30);

            // Network quality across the room: the pusher's uplink (here a third of its stream not carried: poor)
            // reaches the player through the server, and the player's level is the worse of that and its downlink.
            wx.page("a", "_pusherNetStatusHandler", Map.of("detail", Map.of("info", Map.of("videoBitrate", 500,
                    "audioBitrate", 50, "netSpeed", 370))));
            Map<String, Object> carried = Map.of("videoBitrate", 512, "audioBitrate", 48, "netSpeed", 560);
            JsonNode whole = awaitPlayerNet("b", target, carried, n -> n.path("uplinkNetworkQuality").asInt() == 3);
            assertThat(whole.path("downlinkNetworkQuality").asInt()).isEqualTo(1);
            assertThat(whole.path("netQualityLevel").asInt()).isEqualTo(3);

            wx.page("b", "_playerAudioVolumeNotify", Map.of("detail", Map.of("volume", 42), "currentTarget", target));
            JsonNode volume = wx.awaitEvent("b", "REMOTE_AUDIO_VOLUME_UPDATE");
            assertThat(volume.path("playerList").get(0).path("volume").asInt()).isEqualTo(42);
            wx.page("a", "_pusherAudioVolumeNotify", Map.of("detail", Map.of("volume", 7)));
            assertThat(wx.awaitEvent("a", "LOCAL_AUDIO_VOLUME_UPDATE").path("pusher").path("volume").asInt())
                    .isEqualTo(7);
            // Events of an element the SDK does not know are ignored.
            wx.page("b", "_playerAudioVolumeNotify", Map.of("detail", Map.of("volume", 99),
                    "currentTarget", Map.of("id", "nobody_main")));
            assertThat(wx.trtc("b", "getPlayerList").path("value").get(0).path("volume").asInt()).isEqualTo(42);
        } finally {
            pusher.destroy();
            pusher.waitFor(5, TimeUnit.SECONDS);
        }
    }

    // ---- helpers ----

    /** Forwards a live-pusher netstatus with {@code info} and returns the uplink level the SDK gave it. */
    private int pusherQuality(String phone, Map<String, Object> info) {
        int before = wx.events(phone, "LOCAL_NET_STATE_UPDATE").size();
        wx.page(phone, "_pusherNetStatusHandler", Map.of("detail", Map.of("info", info)));
        awaitState(phone, s -> wx.events(phone, "LOCAL_NET_STATE_UPDATE").size() > before);
        List<JsonNode> all = wx.events(phone, "LOCAL_NET_STATE_UPDATE");
        JsonNode net = all.get(all.size() - 1).path("pusher").path("netStatus");
        assertThat(net.path("uplinkNetworkQuality").asInt()).isEqualTo(net.path("netQualityLevel").asInt());
        return net.path("netQualityLevel").asInt();
    }

    /**
     * Forwards live-player netstatus events with {@code info}, one per poll, until the player's netStatus satisfies
     * {@code wanted} (what the SDK learnt from the server may arrive after the first), bounded by the harness's
     * deadline; returns that netStatus.
     */
    private JsonNode awaitPlayerNet(String phone, Map<String, Object> target, Map<String, Object> info,
            Predicate<JsonNode> wanted) {
        JsonNode[] found = new JsonNode[1];
        awaitState(phone, s -> {
            wx.page(phone, "_playerNetStatus", Map.of("detail", Map.of("info", info), "currentTarget", target));
            List<JsonNode> all = wx.events(phone, "REMOTE_NET_STATE_UPDATE");
            JsonNode net = all.get(all.size() - 1).path("playerList").get(0).path("netStatus");
            found[0] = net;
            return wanted.test(net);
        });
        return found[0];
    }

    /** Opens the example room page on a phone, with page options as the mini program passes them (strings). */
    /**
     * Signed player srcs expire (live.signedUrlSeconds); a player whose signature is near its end takes the fresh one
     * a resume brings, and the page hears of it (REMOTE_STATE_UPDATE with the new src).
     */
    @Test
    void aPlayerWhoseSignatureNearsItsExpiryIsReSignedWhenTheSocketResumes() throws Exception {
        try (TestServer brief = TestServer.start(Map.of("live.signedUrlSeconds", "60"));
             LibWebRtcPeer bob = LibWebRtcPeer.publisher()) {
            long room = 3109;
            wx.open("phone", brief.url("").toString(), Map.of("userID", "wx-alice",
                    "sdkAppID", Long.toString(brief.sdkAppId()), "userSig", brief.userSig("wx-alice"),
                    "roomID", Long.toString(room)));
            wx.awaitEvent("phone", "LOCAL_JOIN");
            WhipClient.Result published = new WhipClient().post(brief.endpoint("whip", "roomID=" + room, "rtc-bob",
                    null), brief.userSig("rtc-bob"), bob.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            bob.acceptAnswer(published.body());
            String first = wx.awaitEvent("phone", "REMOTE_VIDEO_ADD").path("player").path("src").asText();
            String stream = brief.sdkAppId() + "_" + room + "_rtc-bob_main";
            assertThat(first).contains(stream + ".flv?txSecret=");

            Thread.sleep(1100); // the next signature has a later txTime
            wx.dropSocket("phone");
            wx.awaitEvent("phone", "CONNECTION_STATE_UPDATE", data -> data.path("state").asText().equals("connected"));
            JsonNode resigned = wx.awaitEvent("phone", "REMOTE_STATE_UPDATE",
                    data -> data.path("message").asText().equals("src re-signed"));

            String second = resigned.path("player").path("src").asText();
            assertThat(second).isNotEqualTo(first).startsWith(first.substring(0, first.indexOf('?')));
            Matcher signed = Pattern.compile("\\?txSecret=([0-9a-f]{32})&txTime=([0-9A-F]+)$").matcher(second);
            assertThat(signed.find()).as(second).isTrue();
            assertThat(PlaybackSignature.verify(brief.app().playKey(), stream, signed.group(1), signed.group(2),
                    Instant.now().plusSeconds(30))).isEqualTo(PlaybackSignature.Verdict.VALID);
        }
    }

    private JsonNode open(String phone, String userId, long room, String userSig) {
        userSigs.put(userId, userSig);
        return wx.open(phone, server.url("").toString(), Map.of("userID", userId,
                "sdkAppID", Long.toString(server.sdkAppId()), "userSig", userSig, "roomID", Long.toString(room)));
    }

    /** Phone "a" enters as {@code userA}, then phone "b" as {@code userB}, each until LOCAL_JOIN. */
    private void enterBoth(long room, String userA, String userB) {
        open("a", userA, room, server.userSig(userA));
        wx.awaitEvent("a", "LOCAL_JOIN");
        open("b", userB, room, server.userSig(userB));
        wx.awaitEvent("b", "LOCAL_JOIN");
    }

    private JsonNode awaitState(String phone, java.util.function.Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + WxHarness.DEADLINE.toNanos();
        JsonNode state = wx.state(phone);
        while (!condition.test(state)) {
            assertThat(System.nanoTime()).as("phone %s never reached the state; last: %s", phone, state)
                    .isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            state = wx.state(phone);
        }
        return state;
    }

    private static long mutes(JsonNode state) {
        return sentActions(state).stream().filter("mute"::equals).count();
    }

    private String pusherUrl(long room, String userId) {
        return "rtmp://127.0.0.1:" + server.server().live().rtmpPort() + "/live/" + server.sdkAppId() + "_" + room
                + "_" + userId + "_main?usersig=" + userSigs.get(userId);
    }

    private String flvUrl(long room, String userId) {
        return server.url("/live/" + server.sdkAppId() + "_" + room + "_" + userId + "_main.flv").toString();
    }

    /** The player's src is the stream's FLV url signed by the server with the app's play key, for hours ahead. */
    private void assertSignedFlv(String src, long room, String userId) {
        assertThat(src).startsWith(flvUrl(room, userId) + "?txSecret=");
        Matcher signed = Pattern.compile("\\?txSecret=([0-9a-f]{32})&txTime=([0-9A-F]+)$").matcher(src);
        assertThat(signed.find()).as(src).isTrue();
        String stream = server.sdkAppId() + "_" + room + "_" + userId + "_main";
        assertThat(PlaybackSignature.verify(server.app().playKey(), stream, signed.group(1), signed.group(2),
                Instant.now().plus(Duration.ofHours(5)))).as("valid for hours").isEqualTo(PlaybackSignature.Verdict.VALID);
    }

    private Process push(Path ffmpeg, String url, int seconds) throws IOException {
        return FfmpegRtmp.publish(ffmpeg, url, seconds, dir.resolve("ffmpeg.log"));
    }

    private String probe(Path ffprobe, String url, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String probed = "";
        while (!(probed.contains("h264") && probed.contains("aac")) && System.nanoTime() < deadline) {
            Path out = Files.createTempFile(dir, "probe", ".txt");
            Process process = new ProcessBuilder(ffprobe.toString(), "-v", "error", "-rw_timeout", "5000000",
                    "-show_entries", "stream=codec_name", "-of", "csv=p=0", url)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            probed = Files.readString(out);
            if (!probed.contains("h264")) {
                Thread.sleep(500);
            }
        }
        return probed;
    }
}
