package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on a real PostgreSQL, named by {@code LIANMAI_TEST_POSTGRES_URL} (with
 * {@code LIANMAI_TEST_POSTGRES_USER} and {@code LIANMAI_TEST_POSTGRES_PASSWORD}). Each test gets a schema of its
 * own, dropped afterwards, so that reruns start clean. Without the URL the tests are skipped, loudly; under CI
 * (env {@code CI} set) they fail, because CI must test PostgreSQL.
 */
class PostgresAppStoreTest extends AppStoreContract {

    static final String URL_VARIABLE = "LIANMAI_TEST_POSTGRES_URL";

    private static String url;
    private static Optional<String> user;
    private static Optional<String> password;

    @TempDir
    Path tempDir;

    private String schema;

    @BeforeAll
    static void requirePostgres() {
        url = env(URL_VARIABLE).orElse(null);
        user = env("LIANMAI_TEST_POSTGRES_USER");
        password = env("LIANMAI_TEST_POSTGRES_PASSWORD");
        if (url == null) {
            String why = URL_VARIABLE + " is not set, so the app store was not tested against PostgreSQL "
                    + "(set it to e.g. jdbc:postgresql://127.0.0.1:5432/lianmai_test, with "
                    + "LIANMAI_TEST_POSTGRES_USER and LIANMAI_TEST_POSTGRES_PASSWORD)";
            if (env("CI").isPresent()) {
                fail("CI must provide PostgreSQL: " + why);
            }
            System.err.println("SKIPPED: " + why);
        }
    }

    /** Called before each test, so that every skipped test shows in the counts with the reason. */
    private static void assumePostgres() {
        Assumptions.assumeTrue(url != null, () -> URL_VARIABLE + " is not set: PostgreSQL store tests skipped");
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }

    @Override
    StoreConfig freshDatabase() throws SQLException {
        assumePostgres();
        schema = "lianmai_test_" + HexFormat.of().formatHex(randomBytes(6));
        try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String separator = url.contains("?") ? "&" : "?";
        return new StoreConfig(tempDir, Optional.of(url + separator + "currentSchema=" + schema), user, password, 4);
    }

    @Override
    void dropDatabase() throws SQLException {
        if (schema != null) {
            try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(url, user.orElse(null), password.orElse(null));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    @Test
    void keepsAppsInTheConfiguredSchema() throws SQLException {
        open().create("demo");

        try (Connection connection = adminConnection(); Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT name FROM " + schema + ".apps")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("demo");
        }
    }

    @Test
    void wrongPasswordIsAClearErrorThatDoesNotShowIt() {
        String wrong = "wrong-password-" + HexFormat.of().formatHex(randomBytes(4));
        StoreConfig bad = new StoreConfig(tempDir, config.jdbcUrl(), Optional.of(user.orElse("lianmai")),
                Optional.of(wrong), 2);

        assertThatThrownBy(() -> JdbcAppStore.open(bad, Clock.systemUTC()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("PostgreSQL")
                .hasMessageContaining(bad.displayJdbcUrl())
                .hasMessageContaining("password authentication failed")
                .satisfies(e -> JdbcAppStoreOpenTest.assertNoSecretAnywhere(e, wrong));
    }
}
