package io.lianmai.bench.load;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * WHIP and WHEP offers with no credential that holds: no Authorization, a garbage bearer, a UserSig signed with a
 * wrong key, and UserSigs of SDKAppIDs the server does not know (each may cost the server a database lookup). None
 * may be accepted, each must be answered (4xx, or 503 when the server sheds load), and the call must not notice.
 */
final class AnonymousJoinAttack implements Attack {
    private static final int CONCURRENCY = 64;

    @Override
    public String name() {
        return "anonymous-join";
    }

    @Override
    public String description(AttackScale scale) {
        return scale.anonymousCount() + " WHIP/WHEP POSTs in " + scale.anonymousSeconds() + " s: no/garbage/forged "
                + "UserSig, unknown SDKAppIDs";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "none accepted; every one answered 4xx (or 503)";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return scale.anonymousSeconds() + 15;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] wrongKey = new byte[32];
        random.nextBytes(wrongKey);
        UserSigSigner forger = new UserSigSigner(context.sdkAppId(), HexFormat.of().formatHex(wrongKey),
                Clock.systemUTC());
        String offer = context.publisherOffer("anon");
        String stream = context.call.publishers().get(0).streamId();
        HttpFlood.run(context.http, context.scale.anonymousCount(), context.scale.anonymousSeconds() * 1000L,
                CONCURRENCY, i -> {
                    boolean whep = i % 2 == 1;
                    int kind = (i / 2) % 4;
                    SdkAppId app = kind == 3 ? new SdkAppId(1_400_000_000L + 9_000_000 + i) : context.sdkAppId();
                    String user = "anon" + i;
                    String query = (whep ? "whep" : "whip") + "?sdkAppID=" + app + "&roomID=" + context.call.roomId()
                            + "&userID=" + user + (whep ? "&streamID=" + stream : "");
                    HttpRequest.Builder b = HttpRequest.newBuilder(context.baseUrl().resolve(query))
                            .timeout(Duration.ofSeconds(10)).header("content-type", "application/sdp")
                            .POST(HttpRequest.BodyPublishers.ofString(offer));
                    switch (kind) {
                        case 1 -> b.header("authorization", "Bearer eJyrVkrOz0nNS8-" + Long.toHexString(
                                random.nextLong()));
                        case 2 -> b.header("authorization", "Bearer " + forger.genUserSig(user, 3600));
                        case 3 -> b.header("authorization", "Bearer " + new UserSigSigner(app,
                                context.server.secretKey(), Clock.systemUTC()).genUserSig(user, 3600));
                        default -> {
                            // No Authorization at all.
                        }
                    }
                    return b.build();
                }, outcome, HttpFlood.BY_STATUS, null);
        long accepted = outcome.countOf("2");
        long answered = outcome.countOf("4", "503");
        String detail = accepted + " accepted, " + answered + " of " + outcome.sentCount() + " answered 4xx/503";
        return accepted == 0 && answered == outcome.total() ? Verdict.pass(detail) : Verdict.fail(detail);
    }
}
