package io.lianmai.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class H264ProfileLevelIdTest {

    @ParameterizedTest
    @CsvSource({
        "42e01f, CONSTRAINED_BASELINE, 31",
        "42c01f, CONSTRAINED_BASELINE, 31",
        "42E01F, CONSTRAINED_BASELINE, 31",
        "4de01f, CONSTRAINED_BASELINE, 31",
        "58f01f, CONSTRAINED_BASELINE, 31",
        "42001f, BASELINE, 31",
        "42a01f, BASELINE, 31",
        "58a01f, BASELINE, 31",
        "4d001f, MAIN, 31",
        "4d0032, MAIN, 50",
        "64001f, HIGH, 31",
        "640c1f, CONSTRAINED_HIGH, 31",
        "640c34, CONSTRAINED_HIGH, 52",
        "f4001f, PREDICTIVE_HIGH_444, 31",
        "42f00b, CONSTRAINED_BASELINE, 0",
        "42100b, BASELINE, 0",
        "42000b, BASELINE, 11",
    })
    void readsProfilesAsRfc6184AndLibwebrtcDo(String text, H264Profile profile, int level) {
        H264ProfileLevelId parsed = H264ProfileLevelId.parse(text).orElseThrow();
        assertThat(parsed.profile()).isEqualTo(profile);
        assertThat(parsed.level()).isEqualTo(level);
    }

    @ParameterizedTest
    @CsvSource({"'', ", "42e01, ", "42e01g, ", "000000, ", "42e0ff, ", "6e001f, ", "640d1f, ", "42e01f0, "})
    void refusesUnknownValues(String text) {
        assertThat(H264ProfileLevelId.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"42e01f, 31, 42e01f", "42e01f, 30, 42e01e", "4d001f, 0, 4d100b", "42100b, 11, 42000b",
        "640c1f, 51, 640c33"})
    void changesOnlyTheLevel(String text, int level, String expected) {
        assertThat(H264ProfileLevelId.parse(text).orElseThrow().withLevel(level)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10, 0, 10", "0, 11, 0", "31, 30, 30", "52, 52, 52"})
    void minLevelPutsLevel1bBetweenLevel1And11(int a, int b, int expected) {
        assertThat(H264ProfileLevelId.minLevel(a, b)).isEqualTo(expected);
        assertThat(H264ProfileLevelId.minLevel(b, a)).isEqualTo(expected);
    }
}
