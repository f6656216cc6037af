package io.lianmai.auth;

import static io.lianmai.auth.UserSigAssertions.pack;
import static io.lianmai.auth.UserSigAssertions.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.common.SdkAppId;
import io.lianmai.common.TrtcErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every way a UserSig can be wrong gets its own typed, distinct error; good ones pass at the right times. */
class UserSigVerifierTest {
    private static final SdkAppId APP = new SdkAppId(1400000001L);
    private static final String KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final long SIGNED_AT = 1_760_000_000L;
    private static final long WEEK = 7 * 86400;

    private final UserSigSigner signer = new UserSigSigner(APP, KEY, at(SIGNED_AT));
    private final UserSigVerifier verifier = new UserSigVerifier(at(SIGNED_AT + 60));

    @Test
    void acceptsItsOwnUserSig() throws UserSigException {
        VerifiedUserSig verified = verifier.verify(APP, KEY, "alice", signer.genUserSig("alice", WEEK));

        assertThat(verified.fields().identifier()).isEqualTo("alice");
        assertThat(verified.fields().time()).isEqualTo(SIGNED_AT);
        assertThat(verified.fields().expiresAt()).isEqualTo(Instant.ofEpochSecond(SIGNED_AT + WEEK));
    }

    @Test
    void anyOfSeveralKeysMaySignButNoOtherKey() throws UserSigException {
        String rotated = "a".repeat(64);
        String sig = signer.genUserSig("alice", WEEK);

        assertThat(verifier.verify(APP, java.util.List.of(rotated, KEY), "alice", sig).fields().identifier())
                .isEqualTo("alice");
        assertThat(rejection(() -> verifier.verify(APP, java.util.List.of(rotated, "b".repeat(64)), "alice", sig)))
                .isEqualTo(UserSigError.BAD_SIGNATURE);
        assertThat(rejection(() -> verifier.verify(APP, java.util.List.of(), "alice", sig)))
                .isEqualTo(UserSigError.BAD_SIGNATURE);
    }

    @Test
    void validUntilTheLastSecondAndExpiredAfter() throws UserSigException {
        String sig = signer.genUserSig("alice", 100);

        new UserSigVerifier(at(SIGNED_AT + 100)).verify(APP, KEY, "alice", sig);
        assertThat(rejection(() -> new UserSigVerifier(at(SIGNED_AT + 101)).verify(APP, KEY, "alice", sig)))
                .isEqualTo(UserSigError.EXPIRED);
    }

    @Test
    void expiredMessageSaysWhen() {
        String sig = signer.genUserSig("alice", 100);

        assertThatThrownBy(() -> new UserSigVerifier(at(SIGNED_AT + 1000)).verify(APP, KEY, "alice", sig))
                .isInstanceOf(UserSigException.class)
                .hasMessageContaining("expired")
                .hasMessageContaining("900 s ago")
                .satisfies(e -> assertThat(((UserSigException) e).code()).isEqualTo(TrtcErrorCode.USER_SIG_INVALID));
    }

    @Test
    void foreignAppIsSdkAppIdMismatch() {
        String foreign = new UserSigSigner(new SdkAppId(1400000099L), KEY, at(SIGNED_AT)).genUserSig("alice", WEEK);

        assertThatThrownBy(() -> verifier.verify(APP, KEY, "alice", foreign))
                .hasMessageContaining("1400000099")
                .hasMessageContaining(APP.toString());
        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", foreign)))
                .isEqualTo(UserSigError.SDKAPPID_MISMATCH);
    }

    @Test
    void sdkAppIdThatNoAppCanHaveIsSdkAppIdMismatch() {
        for (String number : new String[] {"0", "4294967296"}) {
            String sig = pack(valid().replace("\"TLS.sdkappid\":1400000001", "\"TLS.sdkappid\":" + number));

            assertThat(rejection(() -> UserSig.decode(sig))).as(number).isEqualTo(UserSigError.SDKAPPID_MISMATCH);
            assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", sig))).as(number)
                    .isEqualTo(UserSigError.SDKAPPID_MISMATCH);
        }
    }

    @Test
    void privilegeBufferNamingSdkAppIdZeroIsBadUserbuf() throws UserSigException {
        byte[] buffer = new PrivateMapKey("alice", APP, 5, java.util.Optional.empty(), SIGNED_AT + WEEK,
                Privileges.all(), 0).encode();
        // The SDKAppID follows the version byte and the length-prefixed userID: 1 + 2 + "alice".length().
        java.util.Arrays.fill(buffer, 8, 12, (byte) 0);

        assertThat(rejection(() -> PrivateMapKey.decode(buffer))).isEqualTo(UserSigError.BAD_USERBUF);
        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice",
                signWithUserbuf("alice", Base64.getEncoder().encodeToString(buffer)))))
                .isEqualTo(UserSigError.BAD_USERBUF);
    }

    @Test
    void anotherUsersSigIsIdentifierMismatch() {
        String bobs = signer.genUserSig("bob", WEEK);

        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", bobs)))
                .isEqualTo(UserSigError.IDENTIFIER_MISMATCH);
    }

    @Test
    void wrongKeyIsBadSignature() {
        String sig = new UserSigSigner(APP, "another-key", at(SIGNED_AT)).genUserSig("alice", WEEK);

        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", sig))).isEqualTo(UserSigError.BAD_SIGNATURE);
    }

    @Test
    void extendingTheLifetimeBreaksTheSignature() throws UserSigException {
        UserSigFields genuine = UserSig.decode(signer.genUserSig("alice", 10));
        String tampered = UserSig.encode(new UserSigFields(genuine.version(), genuine.identifier(),
                genuine.sdkAppId(), genuine.time(), 10 * WEEK, genuine.sig(), genuine.userbuf()));

        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", tampered)))
                .isEqualTo(UserSigError.BAD_SIGNATURE);
    }

    @Test
    void raisingPrivilegesBreaksTheSignature() throws UserSigException {
        UserSigFields genuine = UserSig.decode(signer.genPrivateMapKey("alice", WEEK, 42,
                Privileges.of(Privilege.ENTER_ROOM).bits()));
        PrivateMapKey buffer = PrivateMapKey.decode(Base64.getDecoder().decode(genuine.userbuf().orElseThrow()));
        PrivateMapKey raised = new PrivateMapKey(buffer.identifier(), buffer.sdkAppId(), buffer.roomId(),
                buffer.strRoomId(), buffer.expireAtEpochSeconds(), Privileges.all(), 0);
        String tampered = UserSig.encode(new UserSigFields(genuine.version(), genuine.identifier(),
                genuine.sdkAppId(), genuine.time(), genuine.expire(), genuine.sig(),
                java.util.Optional.of(Base64.getEncoder().encodeToString(raised.encode()))));

        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", tampered)))
                .isEqualTo(UserSigError.BAD_SIGNATURE);
    }

    @Test
    void emptyAndOversized() {
        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", ""))).isEqualTo(UserSigError.EMPTY);
        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", "   "))).isEqualTo(UserSigError.EMPTY);
        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", null))).isEqualTo(UserSigError.EMPTY);
        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", "A".repeat(UserSig.MAX_LENGTH + 1))))
                .isEqualTo(UserSigError.TOO_LARGE);
    }

    @Test
    void malformedBase64() {
        assertThat(rejection(() -> UserSig.decode("eJyr+Vi"))).isEqualTo(UserSigError.MALFORMED_BASE64);
        assertThat(rejection(() -> UserSig.decode("eJyrVi/"))).isEqualTo(UserSigError.MALFORMED_BASE64);
        assertThat(rejection(() -> UserSig.decode("abc"))).isEqualTo(UserSigError.MALFORMED_BASE64);
        assertThat(rejection(() -> UserSig.decode("ab\u00e9d"))).isEqualTo(UserSigError.MALFORMED_BASE64);
    }

    @Test
    void notZlib() {
        String notDeflated = UserSig.toUserSigBase64("{\"TLS.ver\":\"2.0\"}".getBytes(StandardCharsets.UTF_8));
        String truncated = pack("{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"alice\"}");
        truncated = truncated.substring(0, 20);

        assertThat(rejection(() -> UserSig.decode(notDeflated))).isEqualTo(UserSigError.BAD_COMPRESSION);
        String cut = truncated;
        assertThat(rejection(() -> UserSig.decode(cut))).isEqualTo(UserSigError.BAD_COMPRESSION);
    }

    @Test
    void zlibBombIsRefused() {
        String bomb = pack("{\"TLS.ver\":\"" + " ".repeat(100_000) + "\"}");

        assertThat(bomb.length()).isLessThan(UserSig.MAX_LENGTH);
        assertThat(rejection(() -> UserSig.decode(bomb))).isEqualTo(UserSigError.BAD_COMPRESSION);
    }

    @Test
    void badJson() {
        assertThat(rejection(() -> UserSig.decode(pack("not json")))).isEqualTo(UserSigError.BAD_JSON);
        assertThat(rejection(() -> UserSig.decode(pack("[1,2]")))).isEqualTo(UserSigError.BAD_JSON);
        assertThat(rejection(() -> UserSig.decode(pack(valid() + "trailing")))).isEqualTo(UserSigError.BAD_JSON);
        assertThat(rejection(() -> UserSig.decode(pack(valid().replace("\"TLS.time\":1760000000",
                "\"TLS.time\":\"soon\""))))).isEqualTo(UserSigError.BAD_JSON);
        assertThat(rejection(() -> UserSig.decode(pack(valid().replace("\"TLS.time\":1760000000",
                "\"TLS.time\":-5"))))).isEqualTo(UserSigError.BAD_JSON);
        assertThat(rejection(() -> UserSig.decode(pack(valid().replace("\"TLS.identifier\":\"alice\"",
                "\"TLS.identifier\":7"))))).isEqualTo(UserSigError.BAD_JSON);
        assertThat(rejection(() -> UserSig.decode(pack(valid().replace("{", "{\"TLS.sig\":\"x\",")))))
                .as("duplicate key").isEqualTo(UserSigError.BAD_JSON);
    }

    @Test
    void missingField() {
        for (String field : new String[] {"TLS.identifier", "TLS.sdkappid", "TLS.time", "TLS.expire", "TLS.sig"}) {
            String json = validWithout(field);
            assertThat(rejection(() -> UserSig.decode(pack(json)))).as(field).isEqualTo(UserSigError.MISSING_FIELD);
        }
    }

    @Test
    void unsupportedVersion() {
        assertThat(rejection(() -> UserSig.decode(pack(valid().replace("\"2.0\"", "\"1.0\"")))))
                .isEqualTo(UserSigError.UNSUPPORTED_VERSION);
    }

    @Test
    void numericStringsFromOlderSignersAreRead() throws UserSigException {
        UserSigFields fields = UserSig.decode(pack(valid().replace("\"TLS.sdkappid\":1400000001",
                "\"TLS.sdkappid\":\"1400000001\"")));

        assertThat(fields.sdkAppId()).isEqualTo(APP);
    }

    @Test
    void privateMapKeyIsVerifiedWithItsPrivileges() throws UserSigException {
        String key = signer.genPrivateMapKeyWithStringRoomId("alice", WEEK, "room-9",
                Privileges.of(Privilege.ENTER_ROOM, Privilege.RECV_VIDEO).bits());

        PrivateMapKey verified = verifier.verifyPrivateMapKey(APP, KEY, "alice", key);

        assertThat(verified.isFor("room-9")).isTrue();
        assertThat(verified.isFor("room-10")).isFalse();
        assertThat(verified.privileges().granted()).containsExactly(Privilege.ENTER_ROOM, Privilege.RECV_VIDEO);
    }

    @Test
    void plainUserSigIsNotAPrivateMapKey() {
        String sig = signer.genUserSig("alice", WEEK);

        UserSigError error = rejection(() -> verifier.verifyPrivateMapKey(APP, KEY, "alice", sig));

        assertThat(error).isEqualTo(UserSigError.BAD_USERBUF);
        assertThat(error.code()).isEqualTo(TrtcErrorCode.PRIVILEGE_CHECK_FAILED);
    }

    @Test
    void signedGarbageUserbufIsBadUserbuf() {
        String sig = signWithUserbuf("alice", Base64.getEncoder().encodeToString(new byte[] {9, 9, 9, 9}));

        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", sig))).isEqualTo(UserSigError.BAD_USERBUF);
    }

    @Test
    void signedUserbufForAnotherUserIsBadUserbuf() {
        PrivateMapKey bobs = new PrivateMapKey("bob", APP, 5, java.util.Optional.empty(), SIGNED_AT + WEEK,
                Privileges.all(), 0);
        String sig = signWithUserbuf("alice", Base64.getEncoder().encodeToString(bobs.encode()));

        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", sig))).isEqualTo(UserSigError.BAD_USERBUF);
    }

    @Test
    void privilegesExpireOnTheirOwnDate() {
        PrivateMapKey shortLived = new PrivateMapKey("alice", APP, 5, java.util.Optional.empty(), SIGNED_AT + 10,
                Privileges.all(), 0);
        String sig = signWithUserbuf("alice", Base64.getEncoder().encodeToString(shortLived.encode()));

        assertThat(rejection(() -> verifier.verify(APP, KEY, "alice", sig))).isEqualTo(UserSigError.EXPIRED);
    }

    @Test
    void everyFailureIsDistinct() {
        Set<UserSigError> seen = EnumSet.noneOf(UserSigError.class);
        String foreign = new UserSigSigner(new SdkAppId(1400000099L), KEY, at(SIGNED_AT)).genUserSig("alice", WEEK);
        String tampered = new UserSigSigner(APP, "wrong", at(SIGNED_AT)).genUserSig("alice", WEEK);
        String expired = signer.genUserSig("alice", 1);

        seen.add(rejection(() -> verifier.verify(APP, KEY, "alice", foreign)));
        seen.add(rejection(() -> verifier.verify(APP, KEY, "alice", tampered)));
        seen.add(rejection(() -> verifier.verify(APP, KEY, "alice", expired)));
        seen.add(rejection(() -> verifier.verify(APP, KEY, "bob", signer.genUserSig("alice", WEEK))));

        assertThat(seen).containsExactlyInAnyOrder(UserSigError.SDKAPPID_MISMATCH, UserSigError.BAD_SIGNATURE,
                UserSigError.EXPIRED, UserSigError.IDENTIFIER_MISMATCH);
    }

    @Test
    void signerRejectsBadInputClearly() {
        assertThatThrownBy(() -> signer.genUserSig("", WEEK)).hasMessageContaining("userID is empty");
        assertThatThrownBy(() -> signer.genUserSig("x".repeat(33), WEEK)).hasMessageContaining("at most 32");
        assertThatThrownBy(() -> signer.genUserSig("al\nice", WEEK)).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> signer.genUserSig("alice", 0)).hasMessageContaining("expire");
        assertThatThrownBy(() -> signer.genPrivateMapKey("alice", WEEK, 0, 255)).hasMessageContaining("roomID");
        assertThatThrownBy(() -> signer.genPrivateMapKey("alice", WEEK, 1L << 32, 255))
                .hasMessageContaining("roomID");
        assertThatThrownBy(() -> signer.genPrivateMapKey("alice", WEEK, 1, 256)).hasMessageContaining("0..255");
        assertThatThrownBy(() -> signer.genPrivateMapKeyWithStringRoomId("alice", WEEK, "r".repeat(65), 255))
                .hasMessageContaining("strRoomID");
        assertThatThrownBy(() -> new UserSigSigner(new SdkAppId(0), KEY, at(0))).hasMessageContaining("SDKAppID");
    }

    @Test
    void signerRefusesUserIdsTheServerRefuses() {
        // Printable ASCII that the signer once accepted: the server refuses these userIDs (-3319), so a UserSig for
        // one could never be used.
        for (String userId : new String[] {"alice bob", "a/b", "al'ice", "x+y", "bob#1"}) {
            assertThatThrownBy(() -> signer.genUserSig(userId, WEEK)).as(userId)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("userID may hold letters, digits, '_', '-', '.' and '@' only");
            assertThatThrownBy(() -> signer.genPrivateMapKey(userId, WEEK, 1, 255)).as(userId)
                    .hasMessageContaining("userID may hold");
        }
        assertThat(signer.genUserSig("a.b-c_d@e", WEEK)).isNotEmpty();
    }

    @Test
    void signerRefusesStrRoomIdsTheServerRefuses() {
        // Printable ASCII outside TRTC's strRoomID set: the server refuses these rooms (-3318).
        for (String room : new String[] {"a/b", "a'b", "a\\b", "a\"b", "a*b"}) {
            assertThatThrownBy(() -> signer.genPrivateMapKeyWithStringRoomId("alice", WEEK, room, 255)).as(room)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strRoomID may hold");
        }
        assertThatThrownBy(() -> signer.genPrivateMapKeyWithStringRoomId("alice", WEEK, "", 255))
                .hasMessageContaining("strRoomID is empty");
        assertThat(signer.genPrivateMapKeyWithStringRoomId("alice", WEEK, "lobby #1 (a:b)", 255)).isNotEmpty();
    }

    @Test
    void messagesNeverContainTheKey() {
        String sig = new UserSigSigner(APP, "wrong", at(SIGNED_AT)).genUserSig("alice", WEEK);

        assertThatThrownBy(() -> verifier.verify(APP, KEY, "alice", sig)).message().doesNotContain(KEY);
    }

    private String signWithUserbuf(String userId, String userbuf) {
        java.util.Optional<String> buf = java.util.Optional.of(userbuf);
        String content = UserSigFields.signedContent(userId, APP, SIGNED_AT, WEEK, buf);
        String mac = Base64.getEncoder().encodeToString(Hmac.sha256(KEY, content));
        return UserSig.encode(new UserSigFields("2.0", userId, APP, SIGNED_AT, WEEK, mac, buf));
    }

    private static String valid() {
        return validWithout("none");
    }

    private static String validWithout(String skipped) {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("TLS.ver", "\"2.0\"");
        fields.put("TLS.identifier", "\"alice\"");
        fields.put("TLS.sdkappid", "1400000001");
        fields.put("TLS.expire", "604800");
        fields.put("TLS.time", "1760000000");
        fields.put("TLS.sig", "\"AAAA\"");
        fields.remove(skipped);
        java.util.StringJoiner json = new java.util.StringJoiner(",", "{", "}");
        fields.forEach((name, value) -> json.add("\"" + name + "\":" + value));
        return json.toString();
    }

    static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }
}
