package io.lianmai.bench.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One ordinary user's UserSig, thousands of WHIP offers to distinct rooms as fast as the count and time allow: each
 * accepted offer is a session, a room and a pending handshake on the server. Caps per user and address and join
 * rates must refuse most of them (429 or 503). The accepted sessions are deleted afterwards.
 */
final class WhipFloodAttack implements Attack {
    private static final int CONCURRENCY = 64;
    /** At most this share may be accepted: a user's legitimate sessions, not thousands. */
    static final double MAX_ACCEPTED_SHARE = 0.10;

    @Override
    public String name() {
        return "whip-flood";
    }

    @Override
    public String description(AttackScale scale) {
        return scale.whipFloodCount() + " WHIP POSTs in " + scale.whipFloodSeconds() + " s, one valid UserSig, "
                + "distinct rooms";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "≤ " + Math.round(MAX_ACCEPTED_SHARE * 100) + " % accepted, the rest refused 429/503";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return scale.whipFloodSeconds() + 30;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        String user = "flooder";
        String userSig = context.signer.genUserSig(user, 3600);
        String offer = context.publisherOffer(user);
        long base = AttackContext.freshRoom();
        List<URI> accepted = new CopyOnWriteArrayList<>();
        HttpFlood.run(context.http, context.scale.whipFloodCount(), context.scale.whipFloodSeconds() * 1000L,
                CONCURRENCY, i -> HttpRequest.newBuilder(context.baseUrl().resolve("whip?sdkAppID="
                        + context.sdkAppId() + "&roomID=" + (base + i) + "&userID=" + user))
                        .timeout(Duration.ofSeconds(10))
                        .header("content-type", "application/sdp")
                        .header("authorization", "Bearer " + userSig)
                        .POST(HttpRequest.BodyPublishers.ofString(offer)).build(),
                outcome, HttpFlood.BY_STATUS, (request, response) -> {
                    if (response.statusCode() == 201) {
                        response.headers().firstValue("location")
                                .ifPresent(l -> accepted.add(request.uri().resolve(l)));
                    }
                });
        Cleanup.delete(context, accepted);
        long sent = outcome.sentCount();
        long ok = outcome.countOf("2");
        long refused = outcome.countOf("429", "503");
        String detail = ok + " of " + sent + " accepted, " + refused + " refused 429/503";
        if (sent == 0) {
            return Verdict.fail("nothing could be sent");
        }
        boolean pass = ok <= MAX_ACCEPTED_SHARE * sent && ok + refused == outcome.total();
        return pass ? Verdict.pass(detail) : Verdict.fail(detail);
    }
}
