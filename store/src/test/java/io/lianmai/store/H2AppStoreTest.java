package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 file, the default database. */
class H2AppStoreTest extends AppStoreContract {

    @TempDir
    Path tempDir;

    @Override
    StoreConfig freshDatabase() {
        // A directory that does not exist yet: open must create it.
        return new StoreConfig(tempDir.resolve("data").resolve("nested"), Optional.empty(), Optional.empty(),
                Optional.empty(), 4);
    }

    @Override
    void dropDatabase() {
        // JUnit deletes the temporary directory.
    }

    @Test
    void keepsTheDatabaseFileUnderTheDataDirectory() {
        open().create("demo");

        assertThat(config.dataDir()).isDirectory();
        assertThat(config.dataDir().resolve("lianmai.mv.db")).isRegularFile();
        assertThat(config.displayJdbcUrl())
                .isEqualTo("jdbc:h2:file:" + config.dataDir().toAbsolutePath().resolve("lianmai")
                        + ";AUTO_SERVER=TRUE;WRITE_DELAY=0");
    }

    @Test
    void worksWithAPoolOfOneConnection() {
        StoreConfig single = new StoreConfig(config.dataDir(), Optional.empty(), Optional.empty(), Optional.empty(), 1);

        try (AppStore store = JdbcAppStore.open(single, clock)) {
            App app = store.create("demo");
            assertThat(store.setEnabled(app.sdkAppId(), false).enabled()).isFalse();
            assertThat(store.list()).hasSize(1);
        }
    }

    @Test
    void reopensAnExistingDataDirectory() throws Exception {
        Files.createDirectories(config.dataDir());
        open().create("demo");

        assertThat(open().count()).isEqualTo(1);
    }
}
