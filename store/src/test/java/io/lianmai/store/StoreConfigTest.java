package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

    @Test
    void emptyUrlMeansTheEmbeddedH2FileWithAutoServer() {
        StoreConfig config = new StoreConfig(Path.of("relative/dir"), Optional.empty(), Optional.empty(),
                Optional.empty(), 4);

        assertThat(config.embedded()).isTrue();
        assertThat(config.resolvedJdbcUrl()).isEqualTo(
                "jdbc:h2:file:" + Path.of("relative/dir").toAbsolutePath().normalize().resolve("lianmai")
                        + ";AUTO_SERVER=TRUE;WRITE_DELAY=0");
        assertThat(config.displayJdbcUrl()).isEqualTo(config.resolvedJdbcUrl());
    }

    @Test
    void blankSettingsMeanUnset() {
        StoreConfig config = new StoreConfig(Path.of("d"), Optional.of("  "), Optional.of(" "), Optional.of(""), 1);

        assertThat(config.jdbcUrl()).isEmpty();
        assertThat(config.username()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.embedded()).isTrue();
    }

    @Test
    void toStringNeverShowsThePassword() {
        StoreConfig config = new StoreConfig(Path.of("d"),
                Optional.of("jdbc:postgresql://db:5432/lianmai?sslpassword=tls-secret&password=url-secret"),
                Optional.of("lianmai"), Optional.of("config-secret"), 8);

        assertThat(config.toString())
                .contains("jdbc:postgresql://db:5432/lianmai?sslpassword=****&password=****")
                .contains("username=lianmai")
                .contains("password=****")
                .contains("poolSize=8")
                .doesNotContain("tls-secret")
                .doesNotContain("url-secret")
                .doesNotContain("config-secret");
        assertThat(config.secrets()).containsExactlyInAnyOrder("tls-secret", "url-secret", "config-secret");
    }

    @Test
    void displayUrlMasksH2AndUserInfoPasswords() {
        assertThat(Redaction.url("jdbc:h2:tcp://db/lianmai;USER=sa;PASSWORD=pw;FILE_PASSWORD=fpw;IFEXISTS=TRUE"))
                .isEqualTo("jdbc:h2:tcp://db/lianmai;USER=sa;PASSWORD=****;FILE_PASSWORD=****;IFEXISTS=TRUE");
        assertThat(Redaction.url("jdbc:postgresql://admin:pw@db:5432/lianmai"))
                .isEqualTo("jdbc:postgresql://admin:****@db:5432/lianmai");
        assertThat(Redaction.url("jdbc:postgresql://db:5432/lianmai")).isEqualTo("jdbc:postgresql://db:5432/lianmai");
    }

    @Test
    void poolSizeMustBePositive() {
        assertThatThrownBy(() -> new StoreConfig(Path.of("d"), Optional.empty(), Optional.empty(), Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool size")
                .hasMessageContaining("0");
    }
}
