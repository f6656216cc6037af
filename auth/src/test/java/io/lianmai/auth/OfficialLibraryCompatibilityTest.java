package io.lianmai.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentyun.TLSSigAPIv2;
import io.lianmai.common.SdkAppId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * Lianmai's UserSigs against Tencent's official signer ({@code com.github.tencentyun:tls-sig-api-v2:2.0}): what it
 * signs we accept, and what we sign for the same inputs and second carries the same fields and {@code TLS.sig}.
 */
class OfficialLibraryCompatibilityTest {
    private static final long SDK_APP_ID = 1400000000L;
    private static final SdkAppId APP_ID = new SdkAppId(SDK_APP_ID);
    private static final String KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private static final int ATTEMPTS = 5;

    private final TLSSigAPIv2 official = new TLSSigAPIv2(SDK_APP_ID, KEY);
    private final UserSigVerifier verifier = new UserSigVerifier(Clock.systemUTC());

    @Test
    void officialUserSigVerifies() throws UserSigException {
        String sig = official.genUserSig("alice", 86400);

        VerifiedUserSig verified = verifier.verify(APP_ID, KEY, "alice", sig);

        assertThat(verified.fields().identifier()).isEqualTo("alice");
        assertThat(verified.fields().sdkAppId().value()).isEqualTo(SDK_APP_ID);
        assertThat(verified.fields().expire()).isEqualTo(86400);
        assertThat(verified.privateMapKey()).isEmpty();
    }

    @Test
    void officialPrivateMapKeyWithNumericRoomVerifies() throws UserSigException {
        String key = official.genPrivateMapKey("bob", 3600, 123456, 255);

        PrivateMapKey verified = verifier.verifyPrivateMapKey(APP_ID, KEY, "bob", key);

        assertThat(verified.isFor(123456L)).isTrue();
        assertThat(verified.strRoomId()).isEmpty();
        assertThat(verified.privileges()).isEqualTo(Privileges.all());
        assertThat(verified.identifier()).isEqualTo("bob");
    }

    @Test
    void officialPrivateMapKeyWithStringRoomVerifies() throws UserSigException {
        int enterAndReceive = Privileges.of(Privilege.ENTER_ROOM, Privilege.RECV_AUDIO, Privilege.RECV_VIDEO).bits();
        String key = official.genPrivateMapKeyWithStringRoomID("carol", 3600, "live-room_7", enterAndReceive);

        PrivateMapKey verified = verifier.verifyPrivateMapKey(APP_ID, KEY, "carol", key);

        assertThat(verified.isFor("live-room_7")).isTrue();
        assertThat(verified.isFor(0L)).isFalse();
        assertThat(verified.privileges().allows(Privilege.ENTER_ROOM)).isTrue();
        assertThat(verified.privileges().allows(Privilege.SEND_VIDEO)).isFalse();
    }

    @Test
    void officialSigUsedWithAnotherKeyIsRejected() {
        String sig = official.genUserSig("alice", 86400);
        String otherKey = KEY.replace('5', '6');

        assertThat(UserSigAssertions.rejection(() -> verifier.verify(APP_ID, otherKey, "alice", sig)))
                .isEqualTo(UserSigError.BAD_SIGNATURE);
    }

    @Property(tries = 200)
    void userSigMatchesOfficial(@ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 32) String userId,
            @ForAll @LongRange(min = 1, max = 10L * 365 * 86400) long expire) throws UserSigException {
        UserSigFields theirs = sameSecond(() -> official.genUserSig(userId, expire));
        String ours = signerAt(theirs.time()).genUserSig(userId, expire);

        assertThat(UserSig.decode(ours)).isEqualTo(theirs);
    }

    @Property(tries = 200)
    void numericRoomPrivateMapKeyMatchesOfficial(
            @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 32) String userId,
            @ForAll @LongRange(min = 1, max = 30L * 86400) long expire,
            @ForAll @LongRange(min = 1, max = 4294967295L) long roomId,
            @ForAll @IntRange(min = 0, max = 255) int privileges) throws UserSigException {
        UserSigFields theirs = sameSecond(() -> official.genPrivateMapKey(userId, expire, roomId, privileges));
        String ours = signerAt(theirs.time()).genPrivateMapKey(userId, expire, roomId, privileges);

        assertThat(UserSig.decode(ours)).isEqualTo(theirs);
    }

    @Property(tries = 200)
    void stringRoomPrivateMapKeyMatchesOfficial(
            @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 32) String userId,
            @ForAll @LongRange(min = 1, max = 30L * 86400) long expire,
            @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 64) String strRoomId,
            @ForAll @IntRange(min = 0, max = 255) int privileges) throws UserSigException {
        UserSigFields theirs = sameSecond(
                () -> official.genPrivateMapKeyWithStringRoomID(userId, expire, strRoomId, privileges));
        String ours = signerAt(theirs.time()).genPrivateMapKeyWithStringRoomId(userId, expire, strRoomId, privileges);

        assertThat(UserSig.decode(ours)).isEqualTo(theirs);
    }

    @Property(tries = 50)
    void privilegeBufferIsByteIdenticalToOfficial(@ForAll @LongRange(min = 1, max = 4294967295L) long roomId)
            throws UserSigException {
        UserSigFields theirs = sameSecond(() -> official.genPrivateMapKey("dave", 600, roomId, 42));
        String ours = signerAt(theirs.time()).genPrivateMapKey("dave", 600, roomId, 42);

        PrivateMapKey verified = new UserSigVerifier(clockAt(theirs.time()))
                .verifyPrivateMapKey(APP_ID, KEY, "dave", ours);

        assertThat(verified.roomId()).isEqualTo(roomId);
        assertThat(verified.privileges().bits()).isEqualTo(42);
        assertThat(verified.encode()).isEqualTo(Base64.getDecoder().decode(theirs.userbuf().orElseThrow()));
    }

    /**
     * Runs the official signer until its userbuf and {@code TLS.time} come from the same second: it reads the clock
     * twice for a PrivateMapKey, so a second boundary between the reads gives fields no single instant reproduces.
     */
    private static UserSigFields sameSecond(Supplier<String> officialSigner) throws UserSigException {
        UserSigFields fields = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            fields = UserSig.decode(officialSigner.get());
            if (fields.userbuf().isEmpty()) {
                return fields;
            }
            PrivateMapKey buffer = PrivateMapKey.decode(Base64.getDecoder().decode(fields.userbuf().get()));
            if (buffer.expireAtEpochSeconds() - fields.expire() == fields.time()) {
                return fields;
            }
        }
        throw new AssertionError("the official signer straddled a second boundary " + ATTEMPTS + " times");
    }

    private static UserSigSigner signerAt(long epochSecond) {
        return new UserSigSigner(APP_ID, KEY, clockAt(epochSecond));
    }

    private static Clock clockAt(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }
}
