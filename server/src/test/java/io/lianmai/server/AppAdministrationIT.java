package io.lianmai.server;

import static io.lianmai.server.signal.SignalClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;
import io.lianmai.store.JdbcAppStore;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * App administration seen through a running server, with the changes made as {@code lianmai app …} makes them: by
 * another {@link JdbcAppStore} on the same data directory, so that the server sees them at its next refresh.
 */
class AppAdministrationIT {
    /** Past one refresh ({@code apps.refreshSeconds=1}) with room for a slow machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @RegisterExtension
    private final TestServer server = TestServer.fixture(Map.of("apps.refreshSeconds", "1"));
    private AppStore cli;

    @BeforeEach
    void start() {
        cli = JdbcAppStore.open(server.server().config().store(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (cli != null) {
            cli.close();
        }
    }

    @Test
    void disablingAnAppRemovesItsMembersAndEndsItsSessions() {
        App other = server.server().apps().create("Other app");
        UserSigSigner otherSigner = new UserSigSigner(other.sdkAppId(), other.secretKey(), Clock.systemUTC());
        String room = "evict-room";
        try (SignalClient alice = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server);
                LibWebRtcPeer obs = LibWebRtcPeer.publisher()) {
            alice.enter(server, "alice", room, null);
            // bob is in a room of the same name, of another app.
            bob.ok("enter", SignalClient.enterData(server, "bob", room, data().put("sdkAppID", other.sdkAppId().value())
                    .put("userSig", otherSigner.genUserSig("bob", 3600))));
            WhipClient whip = new WhipClient();
            WhipClient.Result published = whip.post(server.endpoint("whip", "strRoomID=" + room, "obs", null),
                    server.userSig("obs"), obs.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            obs.acceptAnswer(published.body());
            alice.awaitEvent("streamAdd", "obs");
            String streamKey = server.sdkAppId() + "/s:" + room + "/obs_main";
            assertThat(server.server().media().isPublished(streamKey)).isTrue();

            cli.setEnabled(new SdkAppId(server.sdkAppId()), false);

            JsonNode kicked = alice.awaitEvent("kicked", any -> true);
            assertThat(kicked.path("reason").asText()).isEqualTo("app-disabled");
            assertThat(kicked.path("message").asText()).contains("app was disabled");
            assertThat(alice.awaitClose()).isEqualTo(1000);
            await(() -> !server.server().media().isPublished(streamKey), "the WHIP session ends");
            assertThat(whip.delete(published.location())).as("the WHIP session is gone").isEqualTo(404);

            // The other app's member is untouched.
            bob.ok("message", data().put("cmdID", 1).put("data", "still here"));
            bob.ok("heartbeat", data());
            assertThat(bob.events()).noneMatch(event -> event.path("event").asText().equals("kicked"));

            // New entries are refused while the app is disabled.
            try (SignalClient again = SignalClient.connect(server)) {
                assertThat(again.error("enter", SignalClient.enterData(server, "alice", room, null), -3317)
                        .path("message").asText()).contains("disabled");
            }
            try (LibWebRtcPeer late = LibWebRtcPeer.publisher()) {
                assertThat(whip.post(server.endpoint("whip", "strRoomID=" + room, "obs", null),
                        server.userSig("obs"), late.createOffer()).status()).isEqualTo(403);
            }

            // Enabled again, it works again.
            cli.setEnabled(new SdkAppId(server.sdkAppId()), true);
            await(() -> server.server().apps().find(new SdkAppId(server.sdkAppId())).orElseThrow().enabled(), "seen enabled");
            try (SignalClient back = SignalClient.connect(server)) {
                back.enter(server, "alice", room, null);
            }
        }
    }

    @Test
    void disablingInThisProcessRemovesMembersAtOnce() {
        try (SignalClient alice = SignalClient.connect(server)) {
            alice.enter(server, "alice", "in-process", null);

            server.server().apps().setEnabled(new SdkAppId(server.sdkAppId()), false);

            assertThat(alice.awaitEvent("kicked", any -> true).path("reason").asText()).isEqualTo("app-disabled");
        }
    }

    @Test
    void rotateKeyWithGraceKeepsOldUserSigsWorkingAndWithoutGraceRefusesThem() {
        String oldSig = server.userSig("alice");

        App rotated = cli.rotateSecretKey(new SdkAppId(server.sdkAppId()), Duration.ofHours(1));
        String newSig = new UserSigSigner(new SdkAppId(server.sdkAppId()), rotated.secretKey(), Clock.systemUTC())
                .genUserSig("alice", 3600);
        awaitEnter(newSig, "the server sees the new key");
        assertThat(enter(oldSig).path("ok").asBoolean()).as("old key within its grace period").isTrue();

        App again = cli.rotateSecretKey(new SdkAppId(server.sdkAppId()), Duration.ZERO);
        String newestSig = new UserSigSigner(new SdkAppId(server.sdkAppId()), again.secretKey(), Clock.systemUTC())
                .genUserSig("alice", 3600);
        awaitEnter(newestSig, "the server sees the newest key");
        JsonNode refused = enter(newSig);
        assertThat(refused.path("ok").asBoolean()).as("retired with no grace").isFalse();
        assertThat(refused.path("error").path("code").asInt()).isEqualTo(-100018);
        assertThat(enter(oldSig).path("error").path("code").asInt()).isEqualTo(-100018);
    }

    /** One enter on a fresh socket with {@code userSig}; the whole response. */
    private JsonNode enter(String userSig) {
        try (SignalClient client = SignalClient.connect(server)) {
            return client.request("enter", SignalClient.enterData(server, "alice", "keys",
                    data().put("userSig", userSig)));
        }
    }

    private void awaitEnter(String userSig, String what) {
        await(() -> enter(userSig).path("ok").asBoolean(), what);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within %s", what, DEADLINE).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
