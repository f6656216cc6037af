package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory over a real embedded database, with a second store standing in for the CLI beside a server. */
class AppDirectoryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable each : opened) {
            each.close();
        }
    }

    private JdbcAppStore openStore() {
        JdbcAppStore store = JdbcAppStore.open(new StoreConfig(dataDir, Optional.empty(), Optional.empty(),
                Optional.empty(), 2), CLOCK);
        opened.add(store);
        return store;
    }

    private AppDirectory directory() {
        AppDirectory directory = AppDirectory.over(openStore());
        directory.addListener((before, after) -> events.add(before.map(app -> "" + app.enabled()).orElse("new")
                + "->" + after.map(app -> "" + app.enabled()).orElse("gone")));
        return directory;
    }

    @Test
    void findsAppsItLoadedAndAppsCreatedThroughIt() {
        App existing = openStore().create("before");
        AppDirectory directory = directory();

        App created = directory.create("through the directory");

        assertThat(directory.find(existing.sdkAppId())).contains(existing);
        assertThat(directory.find(created.sdkAppId())).contains(created);
        assertThat(directory.find(new SdkAppId(1))).isEmpty();
        assertThat(directory.list()).containsExactly(existing, created);
        assertThat(directory.count()).isEqualTo(2);
        assertThat(events).containsExactly("new->true");
    }

    @Test
    void changesByAnotherProcessShowAfterARefreshAndAreHeard() {
        AppDirectory directory = directory();
        JdbcAppStore cli = openStore();
        App app = cli.create("made by the CLI");

        assertThat(directory.find(app.sdkAppId())).isEmpty();
        directory.refresh();
        assertThat(directory.find(app.sdkAppId())).contains(app);

        App disabled = cli.setEnabled(app.sdkAppId(), false);
        App rotated = cli.rotateSecretKey(app.sdkAppId(), Duration.ofHours(1));
        directory.refresh();
        directory.refresh();

        assertThat(directory.find(app.sdkAppId())).contains(rotated);
        assertThat(rotated.enabled()).isEqualTo(disabled.enabled()).isFalse();
        assertThat(events).containsExactly("new->true", "true->false");
    }

    @Test
    void writesThroughTheDirectoryShowAtOnce() {
        AppDirectory directory = directory();
        App app = directory.create("demo");

        App strict = directory.setRequirePrivateMapKey(app.sdkAppId(), true);
        App open = directory.setPublicPlayback(app.sdkAppId(), true);
        App off = directory.setEnabled(app.sdkAppId(), false);

        assertThat(strict.requirePrivateMapKey()).isTrue();
        assertThat(open.publicPlayback()).isTrue();
        assertThat(directory.find(app.sdkAppId())).contains(off);
        assertThat(events).containsExactly("new->true", "true->true", "true->true", "true->false");
    }
}
