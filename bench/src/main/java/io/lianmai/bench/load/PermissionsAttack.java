package io.lianmai.bench.load;

import io.lianmai.auth.Privilege;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.TrtcErrorCode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A user with a valid UserSig who tries to go beyond what its PrivateMapKey grants: omitting the key on an app that
 * requires it (WHIP and {@code /ws} enter), publishing video with a key without {@code send_video}, hiding the video
 * section as {@code m=VIDEO}, an aux stream's audio without {@code send_audio}, and {@code /} in identifiers so that a
 * key for room {@code a} reaches room {@code a/b}. Each must be refused with a 4xx (or TRTC's -100006 on {@code /ws}).
 */
final class PermissionsAttack implements Attack {
    private static final int ENTER = Privilege.ENTER_ROOM.bit();

    /** The app that requires a PrivateMapKey, once {@link #prepare} made it; null until then. */
    private SdkAppId strictApp;
    private String strictSecret;
    private String strictProblem = "";
    private boolean strictFailed;
    private String strictNote = "";

    @Override
    public String name() {
        return "permissions";
    }

    @Override
    public String description(AttackScale scale) {
        return "PrivateMapKey omitted (app requires it), send_video missing, m=VIDEO, aux audio without send_audio, "
                + "'/' in strRoomID and streamID";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "every one refused (4xx; -100006 on /ws)";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return 60;
    }

    /**
     * Creates the second app and makes it require PrivateMapKeys, through the CLI (when it can), then waits (10 s at
     * most) until the server serves it: a publisher with a full PrivateMapKey must be accepted, else a refusal of the
     * keyless one would prove nothing.
     */
    /** The server's default apps.refreshSeconds (2 s) and a margin. */
    private static final long APP_REFRESH_WAIT_MILLIS = 3_500;

    @Override
    public void prepare(AttackContext context) throws InterruptedException {
        ServerCli cli = new ServerCli(context.server);
        String[] secret = new String[1];
        Optional<SdkAppId> created = cli.createApp("attack-suite-pmk", secret);
        if (created.isEmpty() || !cli.requirePrivateMapKey(created.get())) {
            strictProblem = cli.lastProblem();
            return;
        }
        strictNote = cli.lastProblem();
        SdkAppId app = created.get();
        UserSigSigner strictSigner = new UserSigSigner(app, secret[0], Clock.systemUTC());
        long room = AttackContext.freshRoom();
        String fullKey = strictSigner.genPrivateMapKey("carol", 3600, room, 0xFF);
        String offer = context.publisherOffer("carol");
        long deadline = System.nanoTime() + 10_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            URI uri = context.baseUrl().resolve("whip?sdkAppID=" + app + "&roomID=" + room + "&userID=carol"
                    + "&privateMapKey=" + fullKey);
            try {
                HttpResponse<String> response = context.http.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10)).header("content-type", "application/sdp")
                        .header("authorization", "Bearer " + strictSigner.genUserSig("carol", 3600))
                        .POST(HttpRequest.BodyPublishers.ofString(offer)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.statusCode();
                if (last == 201) {
                    response.headers().firstValue("location")
                            .ifPresent(l -> Cleanup.delete(context, List.of(uri.resolve(l))));
                    // The server may have read the new app between `app create` and `app set`: a change made by
                    // the CLI takes effect within apps.refreshSeconds (2 s by default), so give it that and more.
                    Thread.sleep(APP_REFRESH_WAIT_MILLIS);
                    strictApp = app;
                    strictSecret = secret[0];
                    return;
                }
            } catch (java.io.IOException e) {
                last = -1;
            }
            Thread.sleep(500);
        }
        strictProblem = "the new app " + app + " did not accept a publisher with a full PrivateMapKey within 10 s "
                + "(last status " + last + "): its refusals would prove nothing";
        strictFailed = true;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        List<URI> accepted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        UserSigSigner signer = context.signer;
        SdkAppId app = context.sdkAppId();
        String offer = context.publisherOffer("mallory");
        long room = AttackContext.freshRoom();
        int sendAudio = ENTER | Privilege.CREATE_ROOM.bit() | Privilege.SEND_AUDIO.bit();

        // 1. PrivateMapKey omitted on an app that requires it (a second app, so the call's app is left alone).
        if (strictFailed) {
            failed.add("pmk-omitted: " + strictProblem);
            outcome.count("pmk-omitted control refused");
        } else if (strictApp == null) {
            unavailable.add("pmk-omitted: " + strictProblem);
            outcome.count("pmk-omitted n/a");
        } else {
            UserSigSigner strictSigner = new UserSigSigner(strictApp, strictSecret, Clock.systemUTC());
            check(context, outcome, accepted, failed, "pmk-omitted whip", "whip?sdkAppID=" + strictApp + "&roomID="
                    + room + "&userID=mallory", strictSigner.genUserSig("mallory", 3600), offer,
                    TrtcErrorCode.PRIVILEGE_CHECK_FAILED);
            outcome.sent();
            try (WsMember ws = WsMember.connect(context.http, context.wsUri())) {
                String reply = ws.request("enter", WsMember.enterData(strictApp, "mallory",
                        strictSigner.genUserSig("mallory", 3600), room, null)).get(10, TimeUnit.SECONDS);
                int code = WsMember.ok(reply) ? 0 : WsMember.errorCode(reply);
                outcome.count("pmk-omitted ws " + (code == 0 ? "entered" : Integer.toString(code)));
                if (code != TrtcErrorCode.PRIVILEGE_CHECK_FAILED) {
                    failed.add("pmk-omitted ws " + (code == 0 ? "entered" : "error " + code));
                }
            }
        }

        // 2. A key without send_video, an offer with video.
        String noVideoKey = signer.genPrivateMapKey("mallory", 3600, room, sendAudio);
        check(context, outcome, accepted, failed, "send_video missing", "whip?sdkAppID=" + app + "&roomID=" + room
                + "&userID=mallory&privateMapKey=" + noVideoKey, signer.genUserSig("mallory", 3600), offer);

        // 3. The same, with the video section spelled m=VIDEO.
        check(context, outcome, accepted, failed, "m=VIDEO", "whip?sdkAppID=" + app + "&roomID=" + room
                + "&userID=mallory&privateMapKey=" + noVideoKey, signer.genUserSig("mallory", 3600),
                offer.replace("\nm=video", "\nm=VIDEO"));

        // 4. An aux stream with an audio section, from a key with send_aux_video only.
        String auxKey = signer.genPrivateMapKey("mallory", 3600, room,
                ENTER | Privilege.CREATE_ROOM.bit() | Privilege.SEND_AUX_VIDEO.bit());
        check(context, outcome, accepted, failed, "aux audio", "whip?sdkAppID=" + app + "&roomID=" + room
                + "&userID=mallory&streamType=aux&privateMapKey=" + auxKey, signer.genUserSig("mallory", 3600),
                offer);

        // 5. '/' in strRoomID: alice publishes in room "a/b" …
        String strRoom = "atk" + Long.toHexString(room);
        check(context, outcome, accepted, failed, "strRoomID with /", "whip?sdkAppID=" + app + "&strRoomID="
                + strRoom + "%2Fb&userID=alice", signer.genUserSig("alice", 3600), context.publisherOffer("alice"));
        // 6. … and mallory, with a key for room "a" only, plays "b/alice_main" there.
        String roomAKey = signer.genPrivateMapKeyWithStringRoomId("mallory", 3600, strRoom,
                ENTER | Privilege.RECV_AUDIO.bit() | Privilege.RECV_VIDEO.bit());
        check(context, outcome, accepted, failed, "streamID with /", "whep?sdkAppID=" + app + "&strRoomID=" + strRoom
                + "&userID=mallory&streamID=b%2Falice_main&privateMapKey=" + roomAKey,
                signer.genUserSig("mallory", 3600), context.playerOffer("mallory"));

        Cleanup.delete(context, accepted);
        String note = strictNote.isEmpty() ? "" : " (" + strictNote + ")";
        if (!failed.isEmpty()) {
            return Verdict.fail("not refused: " + String.join("; ", failed)
                    + (unavailable.isEmpty() ? "" : "; n/a: " + String.join("; ", unavailable)) + note);
        }
        if (!unavailable.isEmpty()) {
            return Verdict.notAvailable("the others refused; n/a: " + String.join("; ", unavailable));
        }
        return Verdict.pass("all refused" + note);
    }

    private static void check(AttackContext context, AttackOutcome outcome, List<URI> accepted, List<String> failed,
            String name, String pathAndQuery, String userSig, String offer) {
        check(context, outcome, accepted, failed, name, pathAndQuery, userSig, offer, 0);
    }

    /** POSTs one offer; refused means a 4xx (and, when {@code code} is not 0, that TRTC code in the body). */
    private static void check(AttackContext context, AttackOutcome outcome, List<URI> accepted, List<String> failed,
            String name, String pathAndQuery, String userSig, String offer, int code) {
        outcome.sent();
        URI uri = context.baseUrl().resolve(pathAndQuery);
        String label;
        try {
            HttpResponse<String> response = context.http.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10)).header("content-type", "application/sdp")
                    .header("authorization", "Bearer " + userSig)
                    .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
            label = Integer.toString(response.statusCode());
            if (response.statusCode() == 201) {
                response.headers().firstValue("location").ifPresent(l -> accepted.add(uri.resolve(l)));
            }
            if (response.statusCode() < 400 || response.statusCode() >= 500) {
                failed.add(name + " " + response.statusCode());
            } else if (code != 0 && WsMember.errorCode(response.body()) != code) {
                label += " code " + WsMember.errorCode(response.body());
                failed.add(name + " " + label + " (not " + code + ")");
            }
        } catch (Exception e) {
            label = AttackOutcome.failure(e);
            failed.add(name + " " + label);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        outcome.count(name + " " + label);
    }
}
