package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppTest {

    private static final String SECRET = "ab".repeat(32);

    @Test
    void toStringMasksBothKeys() {
        App app = new App(1_400_000_000L, "demo", SECRET, Instant.EPOCH, true,
                Optional.of("https://hooks.example/x"), Optional.of("callback-secret"));

        assertThat(app.toString())
                .contains("1400000000")
                .contains("demo")
                .contains("https://hooks.example/x")
                .doesNotContain(SECRET)
                .doesNotContain("callback-secret");
    }

    @Test
    void toStringSaysWhenThereIsNoWebhook() {
        App app = new App(1_400_000_000L, "demo", SECRET, Instant.EPOCH, false, Optional.empty(), Optional.empty());

        assertThat(app.toString()).contains("webhookUrl=none").contains("callbackKey=none").doesNotContain(SECRET);
    }
}
