package io.lianmai.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.auth.UserSigException;
import io.lianmai.auth.UserSigFields;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.auth.UserSigVerifier;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.store.JdbcAppStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code lianmai} command run in-process, as a user types it, against a real embedded store. */
class CommandLineTest {
    private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");
    private static final String KEY = "a".repeat(64);

    @TempDir
    Path workingDirectory;

    @Test
    void appCreateThenListMasksKeysUnlessAsked() {
        Result created = run("app", "create", "--name", "Shop");
        Result listed = run("app", "list");
        Result shown = run("app", "list", "--show-keys");

        assertThat(created.status).isZero();
        assertThat(created.out).contains("SDKAppID   1400000000").contains("Name       Shop");
        String key = field(created.out, "SecretKey");
        assertThat(key).matches("[0-9a-f]{64}");
        assertThat(listed.out).contains("1400000000").contains("Shop").doesNotContain(key);
        assertThat(shown.out).contains(key);
    }

    @Test
    void liveSignPrintsTheSignedFlvHlsAndRtmpPlayUrlsOfAStream() {
        run("app", "create", "--name", "Shop");
        String stream = "1400000000_1234_alice_main";

        Result signed = run("live", "sign", "--sdkappid", "1400000000", "--stream", stream, "--expire", "2h",
                "--set", "http.port=8080", "--set", "rtmp.port=19350");

        assertThat(signed.status).as(signed.err).isZero();
        String query = "?" + PlaybackSignature.sign(playKey(1400000000L), stream, NOW.plusSeconds(7200)).query();
        assertThat(signed.out.lines()).containsExactly(
                "http://localhost:8080/live/" + stream + ".flv" + query,
                "http://localhost:8080/live/" + stream + ".m3u8" + query,
                "rtmp://localhost:19350/live/" + stream + query);
        assertThat(PlaybackSignature.verify(playKey(1400000000L), stream, query.substring(10, 42),
                query.substring(query.lastIndexOf('=') + 1), NOW.plusSeconds(7199)))
                .isEqualTo(PlaybackSignature.Verdict.VALID);
    }

    @Test
    void liveSignDefaultsToTheConfiguredLifetimeAndThePublicUrl() {
        run("app", "create", "--name", "Shop");
        String stream = "1400000000_7_bob_aux";

        Result signed = run("live", "sign", "--sdkappid", "1400000000", "--stream", stream,
                "--set", "http.publicUrl=https://rtc.example.com/", "--set", "live.signedUrlSeconds=600");

        assertThat(signed.status).as(signed.err).isZero();
        String query = "?" + PlaybackSignature.sign(playKey(1400000000L), stream, NOW.plusSeconds(600)).query();
        assertThat(signed.out.lines()).containsExactly(
                "https://rtc.example.com/live/" + stream + ".flv" + query,
                "https://rtc.example.com/live/" + stream + ".m3u8" + query,
                "rtmp://rtc.example.com:1935/live/" + stream + query);
    }

    @Test
    void liveSignRefusesAStreamOfAnotherAppOrAMalformedName() {
        run("app", "create", "--name", "Shop");

        Result other = run("live", "sign", "--sdkappid", "1400000000", "--stream", "1400000001_1_a_main");
        Result malformed = run("live", "sign", "--sdkappid", "1400000000", "--stream", "alice");
        Result unknown = run("live", "sign", "--sdkappid", "1400000009", "--stream", "1400000009_1_a_main");

        assertThat(other.status).isEqualTo(2);
        assertThat(other.err).contains("belongs to SDKAppID 1400000001, not 1400000000");
        assertThat(malformed.status).isEqualTo(2);
        assertThat(malformed.err).contains("--stream must be {sdkAppID}_{roomID}_{userID}_main");
        assertThat(unknown.status).isEqualTo(1);
        assertThat(unknown.err).contains("no app with SDKAppID 1400000009");
        assertThat(other.out + malformed.out + unknown.out).isEmpty();
    }

    @Test
    void liveSignRefusesAUserIdTheServerRefuses() {
        run("app", "create", "--name", "Shop");

        Result spaced = run("live", "sign", "--sdkappid", "1400000000", "--stream", "1400000000_1_al ice_main");

        assertThat(spaced.status).isEqualTo(2);
        assertThat(spaced.err).contains("--stream must be {sdkAppID}_{roomID}_{userID}_main")
                .contains("userID may hold letters, digits, '_', '-', '.' and '@' only");
        assertThat(spaced.out).isEmpty();
    }

    /**
     * The signer once took any printable ASCII userID while the server takes only letters, digits and {@code _-.@}:
     * a UserSig for "alice bob" was signed and then refused on every entry. Now the CLI refuses to sign it.
     */
    @Test
    void usersigGenRefusesAUserIdTheServerRefuses() {
        for (String userId : new String[] {"alice bob", "a/b", "bob#1", "x".repeat(33)}) {
            Result result = run("usersig", "gen", "--sdkappid", "1", "--key", KEY, "--userid", userId);

            assertThat(result.status).as(userId).isEqualTo(2);
            assertThat(result.out).as(userId).isEmpty();
            assertThat(result.err).as(userId).containsAnyOf("userID may hold letters, digits, '_', '-', '.' and '@'",
                    "at most 32");
        }
        assertThat(run("usersig", "gen", "--sdkappid", "1", "--key", KEY, "--userid", "a.b-c_d@e").status)
                .isZero();
    }

    @Test
    void usersigGenRefusesAStrRoomIdTheServerRefuses() {
        Result result = run("usersig", "gen", "--sdkappid", "1", "--key", KEY, "--userid", "alice", "--str-room",
                "a/b");

        assertThat(result.status).isEqualTo(2);
        assertThat(result.out).isEmpty();
        assertThat(result.err).contains("strRoomID may hold letters, digits, space and");
    }

    @Test
    void usersigVerifyRefusesAUserIdTheServerRefuses() {
        Result result = run("usersig", "verify", "--sdkappid", "1", "--key", KEY, "--userid", "alice bob", "eJy");

        assertThat(result.status).isEqualTo(2);
        assertThat(result.err).contains("userID may hold letters").contains("the server refuses this userID (-3319)");
    }

    private String playKey(long sdkAppId) {
        try (JdbcAppStore store = JdbcAppStore.open(new ConfigLoader(Map.of(), workingDirectory)
                .load(Optional.empty(), Map.of()).store(), clock(NOW))) {
            return store.find(new SdkAppId(sdkAppId)).orElseThrow().playKey();
        }
    }

    @Test
    void appSetChangesTheSettingsAndPrintsThem() {
        run("app", "create", "--name", "Shop");

        Result set = run("app", "set", "--sdkappid", "1400000000", "--public-playback", "true",
                "--require-private-map-key", "TRUE");
        Result listed = run("app", "list");
        Result back = run("app", "set", "--sdkappid", "1400000000", "--public-playback", "false");

        assertThat(set.status).as(set.err).isZero();
        assertThat(set.out).contains("SDKAppID              1400000000")
                .contains("PublicPlayback        true").contains("RequirePrivateMapKey  true")
                .contains("Enabled               true");
        assertThat(listed.out).contains("PLAYBACK").contains("PRIVATEMAPKEY").contains("public").contains("required");
        assertThat(back.out).contains("PublicPlayback        false").contains("RequirePrivateMapKey  true");
        assertThat(run("app", "list").out).contains("signed").contains("required");
    }

    @Test
    void appSetRefusesGarbage() {
        run("app", "create", "--name", "Shop");

        assertUsage(run("app", "set", "--sdkappid", "1400000000"), "at least one of --public-playback");
        assertUsage(run("app", "set", "--sdkappid", "1400000000", "--public-playback", "yes"), "not true or false");
        assertUsage(run("app", "set", "--sdkappid", "1400000000", "--require-private-map-key", ""),
                "not true or false");
        assertUsage(run("app", "set", "--sdkappid", "14x", "--public-playback", "true"), "decimal");
        assertUsage(run("app", "set", "--public-playback", "true"), "--sdkappid");
        Result unknown = run("app", "set", "--sdkappid", "1400000009", "--public-playback", "true");
        assertThat(unknown.status).isEqualTo(1);
        assertThat(unknown.err).contains("no app with SDKAppID 1400000009").doesNotContain("Exception");
        assertThat(run("app", "list").out).contains("signed").contains("optional");
    }

    @Test
    void rotateKeyKeepsTheOldKeyForTheGracePeriod() {
        String old = field(run("app", "create", "--name", "Shop").out, "SecretKey");

        Result rotated = run("app", "rotate-key", "--sdkappid", "1400000000");
        Result listed = run("app", "list", "--show-keys");

        assertThat(rotated.status).as(rotated.err).isZero();
        String fresh = field(rotated.out, "SecretKey");
        assertThat(fresh).matches("[0-9a-f]{64}").isNotEqualTo(old);
        assertThat(rotated.out).contains("accepted until " + NOW.plus(AppCommand.DEFAULT_GRACE));
        assertThat(listed.out).contains(fresh)
                .contains("1400000000: the previous secret key " + old + " is accepted until 2026-11-26T08:00:00Z");
        assertThat(run("app", "list").out).doesNotContain(old).doesNotContain(fresh)
                .contains("previous secret key is accepted until");
        // Signed from the registry, a UserSig uses the new key.
        Result gen = run("usersig", "gen", "--from-app", "--userid", "alice");
        assertThat(run("usersig", "verify", "--sdkappid", "1400000000", "--key", fresh, "--userid", "alice",
                gen.out.trim()).status).isZero();
    }

    @Test
    void rotateKeyWithGraceZeroRetiresTheOldKeyAtOnce() {
        String old = field(run("app", "create", "--name", "Shop").out, "SecretKey");
        String shorter = field(run("app", "rotate-key", "--sdkappid", "1400000000", "--grace", "90m").out,
                "SecretKey");
        assertThat(run("app", "list").out).contains("accepted until 2026-11-25T09:30:00Z");

        Result rotated = run("app", "rotate-key", "--sdkappid", "1400000000", "--grace", "0");

        assertThat(rotated.status).as(rotated.err).isZero();
        assertThat(rotated.out).contains("no longer accepted");
        String fresh = field(rotated.out, "SecretKey");
        assertThat(fresh).isNotEqualTo(old).isNotEqualTo(shorter);
        assertThat(run("app", "list", "--show-keys").out).contains(fresh).doesNotContain(shorter)
                .doesNotContain(old).doesNotContain("previous secret key");
    }

    @Test
    void rotateKeyRefusesGarbage() {
        run("app", "create", "--name", "Shop");

        assertUsage(run("app", "rotate-key", "--sdkappid", "1400000000", "--grace", "-5"), "must not be negative");
        assertUsage(run("app", "rotate-key", "--sdkappid", "1400000000", "--grace", "-1h"), "must not be negative");
        assertUsage(run("app", "rotate-key", "--sdkappid", "1400000000", "--grace", "soon"), "not a duration");
        assertUsage(run("app", "rotate-key", "--sdkappid", "1400000000", "--grace", "400d"), "at most 366d");
        assertUsage(run("app", "rotate-key"), "--sdkappid");
        Result unknown = run("app", "rotate-key", "--sdkappid", "1400000001");
        assertThat(unknown.status).isEqualTo(1);
        assertThat(unknown.err).contains("no app with SDKAppID 1400000001");
        assertThat(run("app", "list").out).doesNotContain("previous secret key");
    }

    @Test
    void rotatePlayKeyPrintsTheNewPlaybackKey() {
        String old = field(run("app", "create", "--name", "Shop").out, "PlayKey");

        Result rotated = run("app", "rotate-play-key", "--sdkappid", "1400000000");

        assertThat(rotated.status).as(rotated.err).isZero();
        String fresh = field(rotated.out, "PlayKey");
        assertThat(fresh).matches("[0-9a-f]{32}").isNotEqualTo(old);
        assertThat(run("app", "list", "--show-keys").out).contains(fresh).doesNotContain(old);
        assertThat(run("app", "list").out).doesNotContain(fresh);
        Result unknown = run("app", "rotate-play-key", "--sdkappid", "1400000001");
        assertThat(unknown.status).isEqualTo(1);
        assertThat(unknown.err).contains("no app with SDKAppID 1400000001");
    }

    @Test
    void disableThenEnable() {
        run("app", "create", "--name", "Shop");

        Result disabled = run("app", "disable", "--sdkappid", "1400000000");
        String listedDisabled = run("app", "list").out;
        Result enabled = run("app", "enable", "--sdkappid", "1400000000");

        assertThat(disabled.status).as(disabled.err).isZero();
        assertThat(disabled.out).contains("Enabled               false");
        assertThat(listedDisabled).containsPattern("1400000000\s+no\s");
        assertThat(enabled.out).contains("Enabled               true");
        assertThat(run("app", "list").out).containsPattern("1400000000\s+yes\s");
        Result unknown = run("app", "disable", "--sdkappid", "1400000005");
        assertThat(unknown.status).isEqualTo(1);
        assertThat(unknown.err).contains("no app with SDKAppID 1400000005");
        assertUsage(run("app", "enable", "--sdkappid", "-3"), "--sdkappid");
        assertUsage(run("app", "disable"), "--sdkappid");
    }

    @Test
    void genFromAppSignsForThatApp() throws UserSigException {
        run("app", "create", "--name", "Shop");
        String key = field(run("app", "list", "--show-keys").out, null);

        Result gen = run("usersig", "gen", "--from-app", "--userid", "alice");

        assertThat(gen.status).isZero();
        assertThat(gen.err).isEmpty();
        UserSigFields fields = new UserSigVerifier(clock(NOW)).verify(new SdkAppId(1400000000L), key, "alice", gen.out.trim())
                .fields();
        assertThat(fields.time()).isEqualTo(NOW.getEpochSecond());
        assertThat(fields.expire()).isEqualTo(7 * 86400);
    }

    @Test
    void genWithKeyAndExpireThenVerify() {
        Result gen = run("usersig", "gen", "--sdkappid", "1400000007", "--key", KEY, "--userid", "bob",
                "--expire", "2h");
        Result verify = run("usersig", "verify", "--sdkappid", "1400000007", "--key", KEY, "--userid", "bob",
                gen.out.trim());

        assertThat(verify.status).isZero();
        assertThat(verify.out).startsWith("valid UserSig")
                .contains("TLS.identifier  bob")
                .contains("TLS.expire      7200");
    }

    @Test
    void privateMapKeyWithNamedPrivileges() {
        Result gen = run("usersig", "gen", "--sdkappid", "1400000007", "--key", KEY, "--userid", "bob",
                "--str-room", "lobby", "--privileges", "enter_room,recv_video");
        Result verify = run("usersig", "verify", "--sdkappid", "1400000007", "--key", KEY, "--userid", "bob",
                gen.out.trim());

        assertThat(verify.status).isZero();
        assertThat(verify.out).startsWith("valid PrivateMapKey")
                .contains("strRoomID lobby")
                .contains("enter_room,recv_video (34)");
    }

    @Test
    void verifyRejectsTamperedExpiredAndForeignSigsWithDistinctMessages() {
        String genuine = new UserSigSigner(new SdkAppId(1400000007L), KEY, clock(NOW)).genUserSig("carol", 3600);
        String tampered = new UserSigSigner(new SdkAppId(1400000007L), "b".repeat(64), clock(NOW)).genUserSig("carol", 3600);
        String foreign = new UserSigSigner(new SdkAppId(1400000999L), KEY, clock(NOW)).genUserSig("carol", 3600);
        String[] verify = {"usersig", "verify", "--sdkappid", "1400000007", "--key", KEY, "--userid", "carol"};

        Result ok = run(verify, genuine);
        Result forged = run(verify, tampered);
        Result expired = runAt(NOW.plus(Duration.ofHours(2)), verify, genuine);
        Result alien = run(verify, foreign);

        assertThat(ok.status).isZero();
        assertThat(forged.status).isEqualTo(1);
        assertThat(expired.status).isEqualTo(1);
        assertThat(alien.status).isEqualTo(1);
        assertThat(forged.err).contains("signature does not match").contains("bad_signature").contains("-100018");
        assertThat(expired.err).contains("has expired").contains("expired (code -100018");
        assertThat(alien.err).contains("another SDKAppID").contains("1400000999").contains("sdkappid_mismatch");
        assertThat(forged.err).doesNotContain(KEY);
    }

    @Test
    void verifyOfGarbageSaysWhy() {
        Result result = run("usersig", "verify", "--sdkappid", "1400000007", "--key", KEY, "--userid", "x",
                "not/a/usersig");

        assertThat(result.status).isEqualTo(1);
        assertThat(result.err).contains("not valid base64");
    }

    @Test
    void wrongUsagePrintsUsageAndExitsTwo() {
        assertUsage(run("usersig", "gen", "--userid", "a"), "--key");
        assertUsage(run("usersig", "gen", "--key", KEY, "--userid", "a"), "--sdkappid is required");
        assertUsage(run("app", "create"), "--name");
        assertUsage(run("frobnicate"), "frobnicate");
        assertUsage(run(), "a command is required");
        assertUsage(run("usersig", "gen", "--sdkappid", "x1", "--key", KEY, "--userid", "a"), "decimal");
        assertUsage(run("usersig", "gen", "--sdkappid", "1", "--key", KEY, "--userid", "a", "--privileges", "255"),
                "--room");
        assertUsage(run("usersig", "gen", "--sdkappid", "1", "--key", KEY, "--userid", "a", "--room", "5",
                "--privileges", "fly"), "unknown privilege");
        assertUsage(run("usersig", "gen", "--sdkappid", "1", "--key", KEY, "--userid", "a", "--expire", "soon"),
                "duration");
        assertUsage(run("usersig", "gen", "--sdkappid", "1", "--key", KEY, "--userid", ""), "userID is empty");
    }

    @Test
    void fromAppWithoutAppsFailsClearly() {
        Result result = run("usersig", "gen", "--from-app", "--sdkappid", "1400000000", "--userid", "a");

        assertThat(result.status).isEqualTo(1);
        assertThat(result.err).contains("no app with SDKAppID 1400000000");
    }

    @Test
    void badConfigurationFailsWithTheKey() {
        Result result = run("app", "list", "--set", "store.poolSize=-1");

        assertThat(result.status).isEqualTo(1);
        assertThat(result.err).contains("store.poolSize").contains("command line");
    }

    @Test
    void everySdkAppIdOptionRefusesABadIdWithTheSameMessage() {
        String message = "SDKAppID must be 1..4294967295, got 0";

        assertUsage(run("app", "enable", "--sdkappid", "0"), message);
        assertUsage(run("app", "rotate-play-key", "--sdkappid", "0"), message);
        assertUsage(run("usersig", "gen", "--sdkappid", "0", "--key", KEY, "--userid", "a"), message);
        assertUsage(run("live", "sign", "--sdkappid", "0", "--stream", "1400000000_1_a_main"), message);
    }

    @Test
    void apikeyCreateListDelete() throws Exception {
        run("app", "create", "--name", "Shop");

        Result all = run("apikey", "create");
        Result scoped = run("apikey", "create", "--sdkappid", "1400000000");
        assertThat(all.status).as(all.err).isZero();
        assertThat(scoped.status).as(scoped.err).isZero();
        String allId = field(all.out, "SecretId");
        String allKey = field(all.out, "SecretKey");
        String scopedId = field(scoped.out, "SecretId");
        assertThat(allId).matches("AKID[A-Za-z0-9]{32}");
        assertThat(allKey).matches("[A-Za-z0-9]{32}");
        assertThat(field(all.out, "Apps")).isEqualTo("all");
        assertThat(field(scoped.out, "Apps")).isEqualTo("1400000000");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(
                workingDirectory.resolve("data/api-credential.key")))).isEqualTo("rw-------");

        Result listed = run("apikey", "list");
        assertThat(listed.out).contains(allId).contains(scopedId).contains("1400000000")
                .doesNotContain(allKey).doesNotContain(field(scoped.out, "SecretKey"));
        // Sealed at rest: the database holds no SecretKey in the clear.
        try (JdbcAppStore store = JdbcAppStore.open(new ConfigLoader(Map.of(), workingDirectory)
                .load(Optional.empty(), Map.of()).store(), clock(NOW))) {
            assertThat(io.lianmai.store.ApiCredentialStore.over(store).find(allId).orElseThrow().sealedSecretKey())
                    .startsWith("v1:").doesNotContain(allKey);
        }

        Result deleted = run("apikey", "delete", allId);
        assertThat(deleted.status).as(deleted.err).isZero();
        assertThat(run("apikey", "list").out).doesNotContain(allId).contains(scopedId);
        Result again = run("apikey", "delete", allId);
        assertThat(again.status).isEqualTo(1);
        assertThat(again.err).contains("no API credential with SecretId " + allId);
    }

    @Test
    void apikeyCreateRefusesAnUnknownAppAndUsageErrors() {
        Result unknown = run("apikey", "create", "--sdkappid", "1400000009");

        assertThat(unknown.status).isEqualTo(1);
        assertThat(unknown.err).contains("no app with SDKAppID 1400000009");
        assertThat(unknown.out).isEmpty();
        assertUsage(run("apikey"), "apikey needs a subcommand");
        assertUsage(run("apikey", "create", "--sdkappid", "0"), "--sdkappid");
        assertUsage(run("apikey", "delete"), "SECRETID");
    }

    private void assertUsage(Result result, String message) {
        assertThat(result.status).as(result.err).isEqualTo(2);
        assertThat(result.err).contains(message).contains("Usage:");
    }

    private Result run(String... args) {
        return runAt(NOW, args);
    }

    private Result run(String[] args, String last) {
        return runAt(NOW, args, last);
    }

    private Result runAt(Instant now, String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return runAt(now, all);
    }

    private Result runAt(Instant now, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(Map.of(), workingDirectory, clock(now));
        int status = LianmaiCommand.commandLine(context, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    /** The value after {@code label} in command output, or with a null label the first 64-hex-digit word. */
    private static String field(String output, String label) {
        Pattern pattern = label == null ? Pattern.compile("\\b([0-9a-f]{64})\\b")
                : Pattern.compile(label + "\\s+(\\S+)");
        Matcher matcher = pattern.matcher(output);
        assertThat(matcher.find()).as("%s in %s", label, output).isTrue();
        return matcher.group(1);
    }

    private static Clock clock(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    private record Result(int status, String out, String err) {
    }
}
