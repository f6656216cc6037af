package io.lianmai.bench.load;

import java.util.List;

/**
 * Anonymous playback of every stream of the call in progress, in every output format: HTTP-FLV, HLS and RTMP play,
 * with no signature. Stream names are guessable ({@code {sdkAppID}_{roomID}_{userID}_main}); a private call must not
 * become a public broadcast, nor may an anonymous request start a transcode.
 */
final class AnonymousPlaybackAttack implements Attack {
    private static final long WAIT_MILLIS = 5_000;

    @Override
    public String name() {
        return "anonymous-playback";
    }

    @Override
    public String description(AttackScale scale) {
        return "unsigned FLV, HLS and RTMP play of both streams of the call";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "every one refused (HTTP 403, RTMP play refused)";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return 40;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) {
        List<String> streams = context.call.streamNames(context.sdkAppId());
        int refused = 0;
        int tried = 0;
        StringBuilder served = new StringBuilder();
        for (String stream : streams) {
            for (String ext : new String[] {"flv", "m3u8"}) {
                tried++;
                outcome.sent();
                PlaybackProbe.Result r = PlaybackProbe.get(context.http,
                        context.baseUrl().resolve("live/" + stream + "." + ext), WAIT_MILLIS);
                outcome.count(ext + " " + r.label());
                if (r.status() == 403) {
                    refused++;
                } else {
                    served.append(served.length() == 0 ? "" : ", ").append(ext).append(' ').append(r.label())
                            .append(r.media() ? " with media" : "");
                }
            }
            if (context.server.rtmpPort() >= 0) {
                tried++;
                outcome.sent();
                String r = RtmpPlayProbe.play(context.server.rtmpPort(), "live", stream, WAIT_MILLIS);
                outcome.count("rtmp " + r);
                if (r.equals("refused") || r.equals("closed")) {
                    refused++;
                } else {
                    served.append(served.length() == 0 ? "" : ", ").append("rtmp ").append(r);
                }
            }
        }
        String detail = refused + " of " + tried + " refused" + (served.length() > 0 ? "; not refused: " + served : "");
        return refused == tried ? Verdict.pass(detail) : Verdict.fail(detail);
    }
}
