package io.lianmai.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsNeedNoFile() {
        LianmaiConfig config = load(Map.of(), Map.of());

        assertThat(config.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(config.http().port()).isEqualTo(8800);
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.store().jdbcUrl()).isEmpty();
        assertThat(config.store().dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(config.apps().createDefault()).isTrue();
    }

    @Test
    void layersOverrideInOrderFileEnvironmentFlags() throws IOException {
        Files.writeString(dir.resolve("lianmai.yaml"), """
                http:
                  port: 9000
                  host: 127.0.0.1
                apps.defaultName: From file
                data:
                  dir: stuff
                """);

        LianmaiConfig fileOnly = load(Map.of(), Map.of());
        LianmaiConfig withEnvironment = load(Map.of("LIANMAI_HTTP_PORT", "9100"), Map.of());
        LianmaiConfig withFlags = load(Map.of("LIANMAI_HTTP_PORT", "9100"), Map.of("http.port", "9200"));

        assertThat(fileOnly.http().port()).isEqualTo(9000);
        assertThat(fileOnly.http().host()).isEqualTo("127.0.0.1");
        assertThat(fileOnly.apps().defaultName()).isEqualTo("From file");
        assertThat(fileOnly.dataDir()).isEqualTo(dir.resolve("stuff"));
        assertThat(withEnvironment.http().port()).isEqualTo(9100);
        assertThat(withFlags.http().port()).isEqualTo(9200);
    }

    @Test
    void callbackLeaseOutlastsTwoAttemptsAndClusterModeNeedsASharedCredentialKey() {
        assertThat(load(Map.of(), Map.of()).callbacks().lease()).hasSeconds(60);
        assertThat(load(Map.of(), Map.of("callbacks.leaseSeconds", "11")).callbacks().lease()).hasSeconds(11);
        assertThatThrownBy(() -> load(Map.of(), Map.of("callbacks.leaseSeconds", "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("callbacks.leaseSeconds must be longer "
                        + "than twice callbacks.timeoutMillis (10000 ms)");
        assertThatThrownBy(() -> load(Map.of(), Map.of("callbacks.leaseSeconds", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("callbacks.leaseSeconds");

        Map<String, String> cluster = Map.of("cluster.redis", "redis://127.0.0.1:6379", "cluster.secret",
                java.util.Base64.getEncoder().encodeToString(new byte[32]), "store.jdbcUrl",
                "jdbc:postgresql://127.0.0.1:5432/lianmai");
        assertThatThrownBy(() -> load(Map.of(), cluster)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("api.credentialKey must be set in cluster mode");
        Map<String, String> withKey = new java.util.HashMap<>(cluster);
        withKey.put("api.credentialKey", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        assertThat(load(Map.of(), withKey).cluster().enabled()).isTrue();
    }

    @Test
    void explicitFileAndConfigVariable() throws IOException {
        Path file = Files.writeString(dir.resolve("other.yaml"), "http: {port: 7000}\n");

        assertThat(new ConfigLoader(Map.of(), dir).load(Optional.of(file), Map.of()).http().port()).isEqualTo(7000);
        assertThat(new ConfigLoader(Map.of("LIANMAI_CONFIG", "other.yaml"), dir).load(Optional.empty(), Map.of())
                .http().port()).isEqualTo(7000);
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), dir).load(Optional.of(dir.resolve("nope.yaml")), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml").hasMessageContaining("--config");
    }

    @Test
    void environmentVariableNames() {
        assertThat(ConfigKey.STORE_JDBC_URL.environmentVariable()).isEqualTo("LIANMAI_STORE_JDBC_URL");
        assertThat(ConfigKey.HTTP_PUBLIC_URL.environmentVariable()).isEqualTo("LIANMAI_HTTP_PUBLIC_URL");
        assertThat(ConfigKey.DATA_DIR.environmentVariable()).isEqualTo("LIANMAI_DATA_DIR");
    }

    @Test
    void unknownKeyIsAnErrorWithASuggestion() throws IOException {
        Files.writeString(dir.resolve("lianmai.yaml"), "http:\n  prot: 80\n");

        assertThatThrownBy(() -> load(Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'http.prot'")
                .hasMessageContaining("did you mean 'http.port'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), dir.resolve("elsewhere"))
                .load(Optional.empty(), Map.of("colour", "blue")))
                .hasMessageContaining("'colour'").hasMessageContaining("command line");
    }

    @Test
    void playbackAndCdnRelayLimitsHaveSafeDefaultsAndParse() {
        LiveConfig defaults = load(Map.of(), Map.of()).live();
        LiveConfig set = load(Map.of("LIANMAI_CDN_ALLOWED_HOSTS", " 10.0.0.0/8, Ingest.Internal ,"),
                Map.of("live.signedUrlSeconds", "600", "live.maxTranscodesPerApp", "3", "cdn.maxRetries", "4",
                        "cdn.deniedHosts", "[::1]", "cdn.maxRelaysPerApp", "7", "cdn.maxTasks", "9",
                        "cdn.allowPrivateTargets", "yes")).live();

        assertThat(defaults.signedUrlLifetime()).hasHours(6);
        assertThat(defaults.maxTranscodesPerApp()).isEqualTo(10);
        assertThat(defaults.cdn()).isEqualTo(CdnConfig.DEFAULT);
        assertThat(defaults.cdn().allowPrivateTargets()).isFalse();
        assertThat(set.signedUrlLifetime()).hasSeconds(600);
        assertThat(set.maxTranscodesPerApp()).isEqualTo(3);
        assertThat(set.cdn()).isEqualTo(new CdnConfig(true, java.util.List.of("10.0.0.0/8", "ingest.internal"),
                java.util.List.of("[::1]"), 4, 7, 9));
        assertThatThrownBy(() -> load(Map.of(), Map.of("cdn.allowedHosts", "a host")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cdn.allowedHosts must list host names");
        assertThatThrownBy(() -> load(Map.of(), Map.of("live.signedUrlSeconds", "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("live.signedUrlSeconds must be between");
    }

    @Test
    void playersWritesAreMergedForOneFrameByDefaultAndTheWindowIsBounded() {
        assertThat(load(Map.of(), Map.of()).live().mergeWindow()).hasMillis(33);
        assertThat(load(Map.of("LIANMAI_LIVE_MERGE_WINDOW_MS", "350"), Map.of()).live().mergeWindow()).hasMillis(350);
        assertThat(load(Map.of(), Map.of("live.mergeWindowMs", "0")).live().mergeWindow()).isZero();
        for (String bad : new String[] {"-1", "1001", "33ms", ""}) {
            assertThatThrownBy(() -> load(Map.of(), Map.of("live.mergeWindowMs", bad)))
                    .as("live.mergeWindowMs=%s", bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("live.mergeWindowMs");
        }
    }

    @Test
    void crossRoomPkRateIsOneASecondByDefaultAndConfigurable() {
        assertThat(load(Map.of(), Map.of()).room().pkMinConnectInterval()).hasSeconds(1);
        assertThat(load(Map.of("LIANMAI_ROOM_PK_MIN_CONNECT_INTERVAL_MS", "250"), Map.of()).room()
                .pkMinConnectInterval()).hasMillis(250);
        assertThat(load(Map.of(), Map.of("room.pkMinConnectIntervalMs", "0")).room().pkMinConnectInterval()).isZero();
        for (String bad : new String[] {"-1", "3600001", "1s", ""}) {
            assertThatThrownBy(() -> load(Map.of(), Map.of("room.pkMinConnectIntervalMs", bad)))
                    .as("room.pkMinConnectIntervalMs=%s", bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("room.pkMinConnectIntervalMs");
        }
    }

    @Test
    void turnServersNeedWellFormedUrlsAndASecretThatIsNeverShown() {
        assertThat(load(Map.of(), Map.of()).turn().urls()).isEmpty();
        TurnConfig turn = load(Map.of("LIANMAI_TURN_SECRET", "s3cret"), Map.of("turn.urls",
                "turn:turn.example.com:3478?transport=udp, turns:turn.example.com:443?transport=tcp,",
                "turn.credentialSeconds", "600")).turn();
        assertThat(turn.urls()).containsExactly("turn:turn.example.com:3478?transport=udp",
                "turns:turn.example.com:443?transport=tcp");
        assertThat(turn.credentialLifetime()).hasSeconds(600);
        assertThat(turn.toString()).doesNotContain("s3cret");
        // STUN alone needs no secret.
        assertThat(load(Map.of(), Map.of("turn.urls", "stun:stun.example.com")).turn().urls()).hasSize(1);
        assertThatThrownBy(() -> load(Map.of(), Map.of("turn.urls", "turn:turn.example.com")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("turn.secret must be set");
        for (String garbage : new String[] {"http://turn.example.com", "turn:a b", "turn:<x>", "turn:\"x\"", "turn"}) {
            assertThatThrownBy(() -> load(Map.of(), Map.of("turn.urls", garbage, "turn.secret", "s3cret")))
                    .as(garbage).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("turn.urls must list turn:, turns:, stun: or stuns: URLs");
        }
        assertThatThrownBy(() -> load(Map.of(), Map.of("turn.secret", "s3cret", "turn.credentialSeconds", "5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("turn.credentialSeconds must be between");
    }

    @Test
    void egressThreadsAreOffByDefaultAutoIsOnePerSpareCoreAndTheyAreBounded() {
        assertThat(load(Map.of(), Map.of()).media().egressThreads()).isZero();
        assertThat(load(Map.of("LIANMAI_MEDIA_EGRESS_THREADS", "auto"), Map.of()).media().egressThreads())
                .isEqualTo(Math.max(0, Runtime.getRuntime().availableProcessors() - 1));
        assertThat(load(Map.of(), Map.of("media.egressThreads", "3")).media().egressThreads()).isEqualTo(3);
        assertThatThrownBy(() -> load(Map.of(), Map.of("media.egressThreads", "17")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("media.egressThreads")
                .hasMessageContaining("between 0 and 16");
        assertThatThrownBy(() -> load(Map.of(), Map.of("media.egressThreads", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("whole number");
    }

    @Test
    void mediaLoopsAreOnePerCoreByDefaultAndBounded() {
        assertThat(load(Map.of(), Map.of()).media().loops())
                .isEqualTo(Math.min(64, Runtime.getRuntime().availableProcessors()));
        assertThat(load(Map.of(), Map.of()).media().placementSlack()).isEqualTo(16);
        assertThat(load(Map.of("LIANMAI_MEDIA_LOOPS", "3"), Map.of()).media().loops()).isEqualTo(3);
        assertThat(load(Map.of(), Map.of("media.loopPlacementSlack", "0")).media().placementSlack()).isZero();
        assertThatThrownBy(() -> load(Map.of(), Map.of("media.loops", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("media.loops")
                .hasMessageContaining("between 1 and 64");
        assertThatThrownBy(() -> load(Map.of(), Map.of("media.loopPlacementSlack", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("media.loopPlacementSlack");
    }

    @Test
    void listenerLimitsHaveDefaultsAndAHeartbeatMustFitInTheHttpIdleTimeout() {
        LianmaiConfig config = load(Map.of(), Map.of());
        assertThat(config.http().idleTimeout()).hasSeconds(60);
        assertThat(config.http().maxConnectionsPerIp()).isEqualTo(256);
        assertThat(config.signal().enterTimeout()).hasSeconds(10);
        assertThat(config.signal().maxQueuedBytes()).isEqualTo(1 << 20);
        assertThat(config.rtmp().preAuthMaxBytes()).isEqualTo(65_536);
        assertThat(config.rtmp().maxMessageBytes()).isEqualTo(4 << 20);
        assertThatThrownBy(() -> load(Map.of(), Map.of("http.idleTimeoutSeconds", "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("signal.heartbeatIntervalMs must be shorter than http.idleTimeoutSeconds");
        assertThatThrownBy(() -> load(Map.of(), Map.of("rtmp.maxMessageBytes", "1000")))
                .hasMessageContaining("rtmp.maxMessageBytes must be between 65536 and 16777216");
    }

    @Test
    void badValuesNameTheKeyAndTheSource() {
        assertThatThrownBy(() -> load(Map.of("LIANMAI_HTTP_PORT", "99999"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port")
                .hasMessageContaining("'99999'")
                .hasMessageContaining("LIANMAI_HTTP_PORT");
        assertThatThrownBy(() -> load(Map.of(), Map.of("http.port", "eighty")))
                .hasMessageContaining("whole number").hasMessageContaining("command line");
        assertThatThrownBy(() -> load(Map.of(), Map.of("apps.createDefault", "maybe")))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> load(Map.of(), Map.of("http.host", " ")))
                .hasMessageContaining("must not be empty");
    }

    @Test
    void malformedFilesAreClearErrors() throws IOException {
        Files.writeString(dir.resolve("lianmai.yaml"), "http: [1, 2\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read configuration file");

        Files.writeString(dir.resolve("lianmai.yaml"), "- a\n- b\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of())).hasMessageContaining("mapping");

        Files.writeString(dir.resolve("lianmai.yaml"), "http:\n  port: [1, 2]\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of())).hasMessageContaining("single value");
    }

    @Test
    void secretValuesAreNeverShown() {
        LianmaiConfig config = load(Map.of("LIANMAI_STORE_PASSWORD", "hunter2-secret"),
                Map.of("store.jdbcUrl", "jdbc:postgresql://127.0.0.1/x"));

        assertThat(config.store().password()).contains("hunter2-secret");
        assertThat(config.toString()).doesNotContain("hunter2-secret");
        assertThat(ConfigKey.STORE_PASSWORD.secret()).isTrue();
    }

    @Test
    void aSingleNodeNeedsNoClusterSettings() {
        ClusterConfig cluster = load(Map.of(), Map.of()).cluster();

        assertThat(cluster.enabled()).isFalse();
        assertThat(cluster.nodeId()).matches(ClusterConfig.NODE_ID_PATTERN).endsWith("-8800");
        assertThat(cluster.internalUrl(Optional.empty(), "127.0.0.1", 8800)).isEqualTo("http://127.0.0.1:8800/");
        assertThat(cluster.internalUrl(Optional.of("https://a.example.com"), "127.0.0.1", 8800))
                .isEqualTo("https://a.example.com/");
    }

    @Test
    void clusterModeNeedsTheSecretAndASharedDatabase() {
        String secret = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        Map<String, String> cluster = Map.of("cluster.redis", "redis://:pw-secret@127.0.0.1:6379/2",
                "cluster.secret", secret, "store.jdbcUrl", "jdbc:postgresql://127.0.0.1/x", "cluster.nodeId", "n-1",
                "api.credentialKey", secret);

        LianmaiConfig config = load(Map.of(), cluster);
        assertThat(config.cluster().enabled()).isTrue();
        assertThat(config.cluster().nodeId()).isEqualTo("n-1");
        assertThat(config.cluster().heartbeat()).hasMillis(1000);
        assertThat(config.cluster().nodeTtl()).hasMillis(4000);
        assertThat(config.toString()).doesNotContain("pw-secret").contains("***@127.0.0.1:6379/2");
        assertThat(config.cluster().roomMembersPerNode()).isEqualTo(100);
        assertThat(config.cluster().maxEdgeRooms()).isEqualTo(10_000);
        assertThat(load(Map.of(), with(cluster, "cluster.roomMembersPerNode", "1")).cluster().roomMembersPerNode())
                .isEqualTo(1);
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.roomMembersPerNode", "0")))
                .hasMessageContaining("cluster.roomMembersPerNode");
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.maxEdgeRooms", "-1")))
                .hasMessageContaining("cluster.maxEdgeRooms");

        assertThatThrownBy(() -> load(Map.of(), without(cluster, "cluster.secret")))
                .hasMessageContaining("cluster.secret").hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.secret", "c2hvcnQ=")))
                .hasMessageContaining("cluster.secret");
        assertThatThrownBy(() -> load(Map.of(), without(cluster, "store.jdbcUrl")))
                .hasMessageContaining("store.jdbcUrl").hasMessageContaining("PostgreSQL");
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.redis", "http://127.0.0.1:6379")))
                .hasMessageContaining("cluster.redis");
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.redis", "redis://[::1")))
                .hasMessageContaining("cluster.redis");
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.nodeId", "a b/../c")))
                .hasMessageContaining("cluster.nodeId");
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.nodeTtlMillis", "1500")))
                .hasMessageContaining("twice cluster.heartbeatMillis");
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.internalUrl", "http://[bad")))
                .hasMessageContaining("cluster.internalUrl");
        assertThatThrownBy(() -> load(Map.of(), with(cluster, "cluster.internalUrl", "ftp://x")))
                .hasMessageContaining("cluster.internalUrl");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, String> without(Map<String, String> base, String key) {
        Map<String, String> copy = new java.util.HashMap<>(base);
        copy.remove(key);
        return copy;
    }

    @Test
    void everyKeyIsDocumented() throws IOException {
        String docs = Files.readString(repositoryRoot().resolve("docs/configuration.md"));

        for (ConfigKey key : ConfigKey.values()) {
            assertThat(docs).as("docs/configuration.md documents %s", key.key())
                    .contains("| `" + key.key() + "` | `" + key.environmentVariable() + "` |");
        }
    }

    private LianmaiConfig load(Map<String, String> environment, Map<String, String> flags) {
        return new ConfigLoader(environment, dir).load(Optional.empty(), flags);
    }

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("docs")) ? here : here.getParent();
    }
}
