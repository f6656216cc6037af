package io.lianmai.bench.load;

import java.net.URI;
import java.util.Optional;

/**
 * The other side of playback access control: a signed URL (Tencent CSS hotlink protection, {@code txSecret} and
 * {@code txTime}) of a stream of the call must play until it expires, and not after; a tampered signature never.
 * The URL comes from {@code lianmai live sign}, or is computed from the app's playback key when that command does
 * not exist on this build.
 */
final class SignedPlaybackAttack implements Attack {
    private static final long WAIT_MILLIS = 5_000;

    @Override
    public String name() {
        return "signed-playback";
    }

    @Override
    public String description(AttackScale scale) {
        return "FLV with a signed URL valid " + scale.signedExpirySeconds() + " s: before and after expiry, and "
                + "with the signature altered";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "200 with media before expiry; 403 after it and when altered";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return scale.signedExpirySeconds() + 40;
    }

    private Optional<URI> signed = Optional.empty();
    /** When the signing command had returned: the URL expires at most {@code expire} s after this. */
    private long signedBy;
    private String problem = "";

    /** Signs the URL through the CLI: its expiry counts from here, just before the measurement starts. */
    @Override
    public void prepare(AttackContext context) {
        String stream = context.call.streamNames(context.sdkAppId()).get(0);
        ServerCli cli = new ServerCli(context.server);
        signed = cli.signedFlv(context.sdkAppId(), stream, context.scale.signedExpirySeconds());
        signedBy = System.nanoTime();
        problem = cli.lastProblem();
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        long expire = context.scale.signedExpirySeconds();
        if (signed.isEmpty()) {
            return Verdict.notAvailable("no signed URL: " + problem);
        }
        URI url = signed.get();
        outcome.sent();
        PlaybackProbe.Result before = PlaybackProbe.get(context.http, url, WAIT_MILLIS);
        outcome.count("before expiry " + before.label() + (before.media() ? " with media" : ""));
        String query = url.getRawQuery();
        int at = query.indexOf("txSecret=") + "txSecret=".length();
        char c = query.charAt(at);
        String altered = query.substring(0, at) + (c == '0' ? '1' : '0') + query.substring(at + 1);
        outcome.sent();
        PlaybackProbe.Result tampered = PlaybackProbe.get(context.http,
                URI.create(url.toString().replace(query, altered)), WAIT_MILLIS);
        outcome.count("altered " + tampered.label());
        LoadRun.sleepUntil(signedBy + (expire + 2) * 1_000_000_000L);
        outcome.sent();
        PlaybackProbe.Result after = PlaybackProbe.get(context.http, url, WAIT_MILLIS);
        outcome.count("after expiry " + after.label());
        String detail = "before expiry " + before.label() + (before.media() ? " with media" : " without media")
                + ", altered " + tampered.label() + ", after expiry " + after.label();
        boolean pass = before.status() == 200 && before.media() && tampered.status() == 403
                && after.status() == 403;
        return pass ? Verdict.pass(detail) : Verdict.fail(detail);
    }
}
