package io.lianmai.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.PlaybackSignature.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PlaybackSignatureTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private static final String STREAM = "1400000000_1234_alice_main";
    /** 2026-01-01T00:00:00Z = 1767225600 = 0x6955B900. */
    private static final Instant EXPIRY = Instant.ofEpochSecond(1_767_225_600L);
    /**
     * Computed independently of this code:
     * {@code printf '%s' "0123456789abcdef0123456789abcdef1400000000_1234_alice_main6955B900" | md5sum}.
     */
    private static final String SECRET = "005beaa2aeeeb9fd72ad5a5a65cb0902";

    @Test
    void signsAsTencentCssHotlinkProtectionDoes() {
        PlaybackSignature.Signed signed = PlaybackSignature.sign(KEY, STREAM, EXPIRY);

        assertThat(signed.txTime()).isEqualTo("6955B900");
        assertThat(signed.txSecret()).isEqualTo(SECRET);
        assertThat(signed.query()).isEqualTo("txSecret=" + SECRET + "&txTime=6955B900");
    }

    @Test
    void acceptsItsOwnSignatureUntilTheExpiry() {
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET, "6955B900", EXPIRY.minusSeconds(1)))
                .isEqualTo(Verdict.VALID);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET.toUpperCase(), "6955B900", EXPIRY.minusSeconds(1)))
                .as("txSecret in upper case").isEqualTo(Verdict.VALID);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET, "6955B900", EXPIRY)).isEqualTo(Verdict.EXPIRED);
    }

    @Test
    void theSignatureCoversTxTimeAsWritten() {
        // printf '%s' "0123456789abcdef0123456789abcdef1400000000_1234_alice_main6955b900" | md5sum
        String lowerCaseTimeSecret = "4441b16e13452dfa6ebb6b36853f3e49";
        Instant before = EXPIRY.minusSeconds(1);

        assertThat(PlaybackSignature.verify(KEY, STREAM, lowerCaseTimeSecret, "6955b900", before))
                .isEqualTo(Verdict.VALID);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET, "6955b900", before)).isEqualTo(Verdict.WRONG);
    }

    @Test
    void refusesAnotherStreamKeyOrAMovedExpiry() {
        Instant before = EXPIRY.minusSeconds(1);

        assertThat(PlaybackSignature.verify(KEY, "1400000000_1234_bob_main", SECRET, "6955B900", before))
                .isEqualTo(Verdict.WRONG);
        assertThat(PlaybackSignature.verify(KEY, "1400000000_1234_alice_aux", SECRET, "6955B900", before))
                .isEqualTo(Verdict.WRONG);
        assertThat(PlaybackSignature.verify("ffffffffffffffffffffffffffffffff", STREAM, SECRET, "6955B900", before))
                .isEqualTo(Verdict.WRONG);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET, "7955B900", before)).isEqualTo(Verdict.WRONG);
    }

    @Test
    void tellsMissingAndMalformedParametersApart() {
        Instant now = EXPIRY.minusSeconds(1);

        assertThat(PlaybackSignature.verify(KEY, STREAM, null, "6955B900", now)).isEqualTo(Verdict.MISSING);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET, null, now)).isEqualTo(Verdict.MISSING);
        assertThat(PlaybackSignature.verify(KEY, STREAM, "", "", now)).isEqualTo(Verdict.MISSING);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET, "6955B90G", now)).isEqualTo(Verdict.MALFORMED);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET, "-1", now)).isEqualTo(Verdict.MALFORMED);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET, "1".repeat(17), now)).isEqualTo(Verdict.MALFORMED);
        assertThat(PlaybackSignature.verify(KEY, STREAM, SECRET.substring(1), "6955B900", now))
                .isEqualTo(Verdict.MALFORMED);
        assertThat(PlaybackSignature.verify(KEY, STREAM, "z" + SECRET.substring(1), "6955B900", now))
                .isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void aTxTimeBeyondSixtyThreeBitsCountsAsExpiredNotForever() {
        String time = "FFFFFFFFFFFFFFFF";
        String secret = PlaybackSignature.secret(KEY, STREAM, time);

        assertThat(PlaybackSignature.verify(KEY, STREAM, secret, time, EXPIRY)).isEqualTo(Verdict.EXPIRED);
    }
}
