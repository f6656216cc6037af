package io.lianmai.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.server.TestServer;
import io.lianmai.server.api.RestApiClient;
import io.lianmai.store.App;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code connectOtherRoom}/{@code disconnectOtherRoom} over real sockets: the other room's anchor appears in each
 * room as a remote user and leaves with the PK, and every refusal — an audience member asking, a user who is not an
 * anchor or not there, another app's room, an rtc room, garbage parameters — has TRTC's code and changes nothing.
 * (Media across the link: {@code CrossRoomPkChromiumIT}.)
 */
class CrossRoomPkIT {
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @Test
    void theOtherAnchorJoinsBothRoomsAndLeavesWithThePk() {
        try (SignalClient alice = SignalClient.connect(server); SignalClient fanA = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server); SignalClient fanB = SignalClient.connect(server)) {
            alice.enter(server, "pk-alice", "7101", live("anchor"));
            fanA.enter(server, "pk-fanA", "7101", live("audience"));
            bob.enter(server, "pk-bob", "7102", live("anchor"));
            fanB.enter(server, "pk-fanB", "7102", live("audience"));

            assertThat(alice.ok("connectOtherRoom", SignalClient.data().put("roomID", 7102).put("userID", "pk-bob"))
                    .path("userID").asText()).isEqualTo("pk-bob");
            assertThat(fanA.awaitEvent("userJoin", "pk-bob").path("role").asText()).isEqualTo("anchor");
            alice.awaitEvent("userJoin", "pk-bob");
            fanB.awaitEvent("userJoin", "pk-alice");
            bob.awaitEvent("userJoin", "pk-alice");
            // Someone entering room 7102 now finds alice among its members.
            try (SignalClient late = SignalClient.connect(server)) {
                JsonNode members = late.enter(server, "pk-late", "7102", live("audience")).path("members");
                assertThat(members.findValuesAsText("userID")).contains("pk-alice", "pk-bob");
            }

            // Only the initiator disconnects (TRTC's -102043 for the other); then both leave on both sides.
            bob.error("disconnectOtherRoom", SignalClient.data(), -102043);
            alice.ok("disconnectOtherRoom", SignalClient.data());
            assertThat(fanA.awaitEvent("userLeave", "pk-bob").path("reason").asText()).isEqualTo("leave");
            fanB.awaitEvent("userLeave", "pk-alice");
            alice.error("disconnectOtherRoom", SignalClient.data(), -102042);

            // The other anchor leaving its room ends the PK too.
            pauseOverConnectInterval();
            alice.ok("connectOtherRoom", SignalClient.data().put("roomID", 7102).put("userID", "pk-bob"));
            fanA.awaitEvent("userJoin", "pk-bob");
            bob.ok("leave", SignalClient.data());
            fanA.awaitEvent("userLeave", "pk-bob");
            fanB.awaitEvent("userLeave", "pk-alice");
            alice.error("disconnectOtherRoom", SignalClient.data(), -102042);
        }
    }

    @Test
    void refusalsHaveTrtcsCodesAndChangeNothing() {
        App other = server.server().apps().create("pk-other-app");
        UserSigSigner otherSigner = new UserSigSigner(other.sdkAppId(), other.secretKey(), Clock.systemUTC());
        try (SignalClient alice = SignalClient.connect(server); SignalClient fan = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server); SignalClient viewer = SignalClient.connect(server);
                SignalClient foreign = SignalClient.connect(server); SignalClient rtc = SignalClient.connect(server);
                SignalClient outside = SignalClient.connect(server)) {
            alice.enter(server, "pk2-alice", "7201", live("anchor"));
            fan.enter(server, "pk2-fan", "7201", live("audience"));
            bob.enter(server, "pk2-bob", "7202", live("anchor"));
            viewer.enter(server, "pk2-viewer", "7202", live("audience"));
            // Another app's room 7203 with an anchor: this app's room 7203 does not exist.
            foreign.ok("enter", SignalClient.data().put("sdkAppID", other.sdkAppId().value()).put("userID", "pk2-carol")
                    .put("userSig", otherSigner.genUserSig("pk2-carol", 3600)).put("roomID", 7203)
                    .put("scene", "live").put("role", "anchor"));
            rtc.enter(server, "pk2-dave", "7204", SignalClient.data().put("scene", "rtc"));

            outside.error("connectOtherRoom", target(7202, "pk2-bob"), -1);
            fan.error("connectOtherRoom", target(7202, "pk2-bob"), -3330);
            fan.error("disconnectOtherRoom", SignalClient.data(), -3330);
            alice.error("connectOtherRoom", target(7202, "pk2-viewer"), -102048);
            alice.error("connectOtherRoom", target(7202, "pk2-nobody"), -102048);
            alice.error("connectOtherRoom", target(7203, "pk2-carol"), -102046);
            alice.error("connectOtherRoom", target(7299, "pk2-bob"), -102046);
            alice.error("connectOtherRoom", target(7204, "pk2-dave"), -102031);
            rtc.error("connectOtherRoom", target(7202, "pk2-bob"), -102031);
            alice.error("connectOtherRoom", target(7201, "pk2-fan"), -102044);

            // Garbage: values that are no room or userID are TRTC's -3328; wrong JSON types are malformed (-2).
            alice.error("connectOtherRoom", SignalClient.data().put("userID", "pk2-bob"), -3328);
            alice.error("connectOtherRoom", target(0, "pk2-bob"), -3328);
            alice.error("connectOtherRoom", target(1L << 40, "pk2-bob"), -3328);
            alice.error("connectOtherRoom", SignalClient.data().put("strRoomID", "a/b").put("userID", "pk2-bob"),
                    -3328);
            alice.error("connectOtherRoom", target(7202, "bob with spaces"), -3328);
            alice.error("connectOtherRoom", target(7202, "x".repeat(33)), -3328);
            alice.error("connectOtherRoom", target(7202, ""), -3328);
            alice.error("connectOtherRoom", SignalClient.data().put("roomID", "7202").put("userID", "pk2-bob"), -2);
            alice.error("connectOtherRoom", SignalClient.data().put("roomID", 7202).put("userID", 5), -2);
            alice.error("connectOtherRoom", SignalClient.data().put("roomID", 7202), -2);
            ObjectNode nested = SignalClient.data();
            nested.putObject("roomID").put("roomID", 7202);
            alice.error("connectOtherRoom", nested.put("userID", "pk2-bob"), -2);
            alice.error("connectOtherRoom", SignalClient.data().put("roomID", 72.5).put("userID", "pk2-bob"), -2);

            assertThat(fan.events()).as("no member came or went in room 7201").noneMatch(e -> e.path("event").asText()
                    .startsWith("user"));
            assertThat(viewer.events()).noneMatch(e -> e.path("event").asText().startsWith("user"));

            // One PK at a time, for either anchor.
            alice.ok("connectOtherRoom", target(7202, "pk2-bob"));
            alice.error("connectOtherRoom", target(7202, "pk2-bob"), -102032);
            try (SignalClient erin = SignalClient.connect(server)) {
                erin.enter(server, "pk2-erin", "7205", live("anchor"));
                erin.error("connectOtherRoom", target(7202, "pk2-bob"), -102047);
            }
            alice.ok("disconnectOtherRoom", SignalClient.data());
            // A PK started again at once is refused (one per second per anchor); after a second it goes.
            alice.error("connectOtherRoom", target(7202, "pk2-bob"), -102032);
            pauseOverConnectInterval();
            alice.ok("connectOtherRoom", target(7202, "pk2-bob"));
        }
    }

    @Test
    void removingTheOtherAnchorFromARoomOrDismissingARoomEndsThePk() throws Exception {
        try (SignalClient alice = SignalClient.connect(server); SignalClient fanA = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server); SignalClient fanB = SignalClient.connect(server);
                SignalClient carol = SignalClient.connect(server)) {
            alice.enter(server, "pk3-alice", "7301", live("anchor"));
            fanA.enter(server, "pk3-fanA", "7301", live("audience"));
            bob.enter(server, "pk3-bob", "7302", live("anchor"));
            fanB.enter(server, "pk3-fanB", "7302", live("audience"));
            alice.ok("connectOtherRoom", target(7302, "pk3-bob"));
            fanB.awaitEvent("userJoin", "pk3-alice");

            // RemoveUser of alice in room 7302 takes her out of that room only: the PK ends, she stays in hers.
            JsonNode removed = RestApiClient.call(server, "RemoveUser", RestApiClient.adminSig(server),
                    "{\"SdkAppId\":" + server.sdkAppId() + ",\"RoomId\":7302,\"UserIds\":[\"pk3-alice\"]}");
            assertThat(removed.has("Error")).as(removed.toString()).isFalse();
            assertThat(fanB.awaitEvent("userLeave", "pk3-alice").path("reason").asText()).isEqualTo("removed");
            fanA.awaitEvent("userLeave", "pk3-bob");
            assertThat(alice.ok("heartbeat", SignalClient.data()).has("serverTime")).isTrue();
            assertThat(alice.events()).noneMatch(e -> e.path("event").asText().equals("kicked"));
            // Removed from room 7302, alice cannot be shown there again by a PK before the refusal ends.
            pauseOverConnectInterval();
            alice.error("connectOtherRoom", target(7302, "pk3-bob"), -102044);
            assertThat(fanB.events()).noneMatch(e -> e.path("event").asText().equals("userJoin"));

            // Carol of room 7303 connects to alice; dismissing carol's room ends the PK in alice's.
            carol.enter(server, "pk3-carol", "7303", live("anchor"));
            carol.ok("connectOtherRoom", target(7301, "pk3-alice"));
            fanA.awaitEvent("userJoin", "pk3-carol");
            JsonNode dismissed = RestApiClient.call(server, "DismissRoom", RestApiClient.adminSig(server),
                    "{\"SdkAppId\":" + server.sdkAppId() + ",\"RoomId\":7303}");
            assertThat(dismissed.has("Error")).as(dismissed.toString()).isFalse();
            carol.awaitEvent("kicked", data -> true);
            fanA.awaitEvent("userLeave", "pk3-carol");
            alice.error("disconnectOtherRoom", SignalClient.data(), -102042);
        }
    }

    private static ObjectNode target(long room, String userId) {
        return SignalClient.data().put("roomID", room).put("userID", userId);
    }

    private static ObjectNode live(String role) {
        return SignalClient.data().put("scene", "live").put("role", role);
    }

    /** room.pkMinConnectIntervalMs is one second by default. */
    private static void pauseOverConnectInterval() {
        try {
            Thread.sleep(1_100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
