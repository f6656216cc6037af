package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.common.SdkAppId;
import io.lianmai.store.ApiCredentialRecord;
import io.lianmai.store.ApiCredentialStore;
import io.lianmai.store.JdbcAppStore;
import io.lianmai.store.StoreConfig;
import io.lianmai.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's credentials in memory: a request naming a made-up SecretId — anyone can send one — must not cost a
 * database read each, while a credential made by the CLI of another process works from its first request and a
 * deleted one stops within the refresh interval.
 */
class CredentialDirectoryTest {
    private static final Duration REFRESH = Duration.ofSeconds(2);

    @TempDir
    Path dataDir;
    private final FakeClock clock = new FakeClock();
    private JdbcAppStore store;
    private ApiCredentials credentials;
    private CredentialDirectory directory;

    @BeforeEach
    void open() {
        store = JdbcAppStore.open(new StoreConfig(dataDir, Optional.empty(), Optional.empty(), Optional.empty(), 2),
                clock);
        credentials = new ApiCredentials(ApiCredentialStore.over(store), CredentialCipher.of(new byte[32]), clock);
        directory = new CredentialDirectory(credentials, REFRESH, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aFloodOfUnknownSecretIdsReadsTheTableAtMostOncePerSecond() {
        ApiCredentials.Credential real = credentials.create(Set.of());
        assertThat(directory.find(real.secretId())).contains(real);
        long before = directory.reloads();

        // 10,000 made-up ids over 10 s of the clock: 1,000 per second.
        for (int i = 0; i < 10_000; i++) {
            assertThat(directory.find(String.format("AKID%032d", i))).isEmpty();
            clock.advance(Duration.ofMillis(1));
        }

        // The miss budget: a burst, then so many per second.
        assertThat(directory.reloads() - before).isBetween(1L, (long) CredentialDirectory.MISS_RELOAD_BURST
                + 10L * CredentialDirectory.MISS_RELOADS_PER_SECOND + 1);
        assertThat(directory.find(real.secretId())).contains(real);
    }

    @Test
    void idsWithoutTheShapeOfOneNeverReadTheTable() {
        directory.find("AKID" + "a".repeat(32));
        long before = directory.reloads();
        clock.advance(Duration.ofSeconds(1));

        for (String garbage : new String[] {"", "AKID", "akid" + "a".repeat(32), "AKID" + "a".repeat(31) + "-",
                "AKID" + "a".repeat(33), "x".repeat(10_000)}) {
            assertThat(directory.find(garbage)).isEmpty();
        }
        assertThat(directory.find(null)).isEmpty();

        assertThat(directory.reloads()).isEqualTo(before);
    }

    @Test
    void aCredentialCreatedElsewhereWorksFromItsFirstRequest() {
        assertThat(directory.find("AKID" + "z".repeat(32))).isEmpty();

        // As `lianmai apikey create` in another process: straight into the table.
        ApiCredentials.Credential created = credentials.create(Set.of(new SdkAppId(1_400_000_001L)));

        assertThat(directory.find(created.secretId())).contains(created);
    }

    @Test
    void aDeletedCredentialIsNoLongerConfirmedAndLeavesTheCopyWithinTheRefreshInterval() {
        ApiCredentials.Credential real = credentials.create(Set.of());
        assertThat(directory.find(real.secretId())).isPresent();
        assertThat(directory.stillExists(real)).isTrue();

        credentials.delete(real.secretId());

        assertThat(directory.stillExists(real)).isFalse();
        clock.advance(REFRESH);
        assertThat(directory.find(real.secretId())).isEmpty();
    }

    @Test
    void aKeySealedUnderAnotherCredentialKeyIsRefusedByName() {
        byte[] otherKey = new byte[32];
        otherKey[0] = 9;
        ApiCredentials elsewhere = new ApiCredentials(ApiCredentialStore.over(store), CredentialCipher.of(otherKey),
                clock);
        ApiCredentials.Credential foreign = elsewhere.create(Set.of());
        ApiCredentials.Credential local = credentials.create(Set.of());

        assertThatThrownBy(() -> directory.find(foreign.secretId())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(foreign.secretId()).hasMessageContaining("another credential key");
        assertThat(directory.find(local.secretId())).contains(local);
        assertThat(credentials.list()).extracting(ApiCredentialRecord::secretId)
                .contains(foreign.secretId(), local.secretId());
    }
}
