package io.lianmai.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.media.sfu.RetransmissionLimits;
import io.lianmai.media.MediaLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code media.*} limit keys reach {@link MediaLimits}, with their defaults and bounds. */
class MediaLimitsConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheMediaPlanesDefaults() {
        MediaLimits limits = load(Map.of()).media().limits();

        assertThat(limits).isEqualTo(MediaLimits.DEFAULT);
        assertThat(limits.dtlsThreads()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyKeyIsRead() {
        MediaLimits limits = load(Map.ofEntries(Map.entry("media.dtlsThreads", "3"),
                Map.entry("media.dtlsQueue", "7"), Map.entry("media.maxSessions", "11"),
                Map.entry("media.tcpHandshakeTimeoutSeconds", "4"), Map.entry("media.tcpMaxConnectionsPerIp", "5"),
                Map.entry("media.maxAddressesPerSession", "6"), Map.entry("media.nackRepeatIntervalMs", "0"),
                Map.entry("media.nackMaxPerSecond", "40"), Map.entry("media.nackMaxSharePercent", "25")))
                .media().limits();

        assertThat(limits).isEqualTo(new MediaLimits(3, 7, 11, Duration.ofSeconds(4), 5, 6,
                new RetransmissionLimits(0, 40, 25)));
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheKeysName() {
        assertThatThrownBy(() -> load(Map.of("media.dtlsThreads", "1"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("media.dtlsThreads");
        assertThatThrownBy(() -> load(Map.of("media.maxAddressesPerSession", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("media.maxAddressesPerSession");
        assertThatThrownBy(() -> load(Map.of("media.nackMaxPerSecond", "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("media.nackMaxPerSecond");
    }

    private LianmaiConfig load(Map<String, String> flags) {
        return new ConfigLoader(Map.of(), dir).load(Optional.empty(), flags);
    }
}
