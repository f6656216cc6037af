package io.lianmai.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Hostile input never yields anything but a typed {@link UserSigException}, and never a forged acceptance. */
class UserSigGarbageTest {
    private static final SdkAppId APP = new SdkAppId(1400000002L);
    private static final String KEY = "fedcba98765432100123456789abcdeffedcba98765432100123456789abcdef";
    private static final long NOW = 1_760_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    private final UserSigVerifier verifier = new UserSigVerifier(CLOCK);
    private final UserSigSigner signer = new UserSigSigner(APP, KEY, CLOCK);

    @Property(tries = 2000)
    void randomStringsAreRejectedWithATypedError(@ForAll String garbage) {
        assertRejectedOrIdentical(garbage, null);
    }

    @Property(tries = 2000)
    void randomBytesInUserSigBase64AreRejected(@ForAll byte[] bytes) {
        assertRejectedOrIdentical(UserSig.toUserSigBase64(bytes), null);
    }

    @Property(tries = 2000)
    void randomDeflatedTextIsRejected(@ForAll("jsonish") String text) {
        assertRejectedOrIdentical(UserSigAssertions.pack(text), null);
    }

    @Property(tries = 3000)
    void mutatedUserSigsAreRejectedUnlessTheyMeanTheSame(@ForAll("validSigs") String sig,
            @ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll("sigChars") char replacement,
            @ForAll @IntRange(min = 0, max = 2) int kind) throws UserSigException {
        int at = position % sig.length();
        String mutated = switch (kind) {
            case 0 -> sig.substring(0, at) + replacement + sig.substring(at + 1);
            case 1 -> sig.substring(0, at) + replacement + sig.substring(at);
            default -> sig.substring(0, at) + sig.substring(at + 1);
        };
        assertRejectedOrIdentical(mutated, UserSig.decode(sig));
    }

    @Property(tries = 2000)
    void privilegeBufferGarbageIsRejectedWithATypedError(@ForAll byte[] bytes) {
        try {
            PrivateMapKey key = PrivateMapKey.decode(bytes);
            assertThat(key.encode()).isEqualTo(bytes);
        } catch (UserSigException e) {
            assertThat(e.error()).isEqualTo(UserSigError.BAD_USERBUF);
        }
    }

    @Provide
    Arbitrary<String> validSigs() {
        Arbitrary<String> users = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(32);
        Arbitrary<Long> rooms = Arbitraries.longs().between(1, 4294967295L);
        return Arbitraries.oneOf(
                users.map(user -> signer.genUserSig(user, 3600)),
                users.flatMap(user -> rooms.map(room -> signer.genPrivateMapKey(user, 3600, room, 255))));
    }

    @Provide
    Arbitrary<Character> sigChars() {
        return Arbitraries.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_+/=~ é\u0000"
                .chars().mapToObj(c -> (char) c).toArray(Character[]::new));
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> fragments = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"TLS.ver\"", "\"2.0\"",
                "\"TLS.identifier\"", "\"TLS.sdkappid\"", "\"TLS.time\"", "\"TLS.expire\"", "\"TLS.sig\"",
                "\"TLS.userbuf\"", "1400000002", "-1", "1e99", "null", "true", "\"AAAA\"", "\"a\"", "99999999999999999999");
        return fragments.list().ofMaxSize(30).map(parts -> String.join("", parts));
    }

    /**
     * A hostile input must be rejected with a typed error; the only acceptable success is one whose signed fields
     * are exactly those of {@code original} (a change that decodes to the same bytes, such as unused base64 bits).
     */
    private void assertRejectedOrIdentical(String input, UserSigFields original) {
        UserSigFields accepted;
        try {
            accepted = UserSig.decode(input);
            verifier.verify(APP, KEY, accepted.identifier(), input);
        } catch (UserSigException e) {
            assertThat(e.error()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(original).as("a garbage input was accepted: %s", input).isNotNull();
        assertThat(accepted.signedContent()).isEqualTo(original.signedContent());
        assertThat(Base64.getDecoder().decode(accepted.sig())).isEqualTo(Base64.getDecoder().decode(original.sig()));
    }
}
