package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppTest {

    private static final String SECRET = "ab".repeat(32);
    private static final String OLD_SECRET = "cd".repeat(32);
    private static final String PLAY_KEY = "ef".repeat(16);

    @Test
    void toStringMasksBothKeys() {
        App app = new App(new SdkAppId(1_400_000_000L), "demo", SECRET, Instant.EPOCH, true,
                Optional.of("https://hooks.example/x"), Optional.of("callback-secret"), PLAY_KEY, false, false,
                Optional.of(new App.RetiredKey(OLD_SECRET, Instant.EPOCH)));

        assertThat(app.toString())
                .contains("1400000000")
                .contains("demo")
                .contains("https://hooks.example/x")
                .doesNotContain(SECRET)
                .doesNotContain(OLD_SECRET)
                .doesNotContain(PLAY_KEY)
                .doesNotContain("callback-secret");
    }

    @Test
    void toStringSaysWhenThereIsNoWebhook() {
        App app = new App(new SdkAppId(1_400_000_000L), "demo", SECRET, Instant.EPOCH, false, Optional.empty(),
                Optional.empty(), PLAY_KEY, false, false, Optional.empty());

        assertThat(app.toString()).contains("webhookUrl=none").contains("callbackKey=none").doesNotContain(SECRET);
    }

    @Test
    void aRetiredKeyVerifiesOnlyUntilItsGraceEnds() {
        Instant rotated = Instant.parse("2026-01-01T00:00:00Z");
        App app = new App(new SdkAppId(1_400_000_000L), "demo", SECRET, Instant.EPOCH, true, Optional.empty(),
                Optional.empty(), PLAY_KEY, false, false,
                Optional.of(new App.RetiredKey(OLD_SECRET, rotated.plusSeconds(60))));

        assertThat(app.secretKeysAt(rotated)).containsExactly(SECRET, OLD_SECRET);
        assertThat(app.secretKeysAt(rotated.plusSeconds(59))).containsExactly(SECRET, OLD_SECRET);
        assertThat(app.secretKeysAt(rotated.plusSeconds(60))).containsExactly(SECRET);
    }
}
