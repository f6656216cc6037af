package io.lianmai.server.db;

import io.lianmai.store.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * A schema of its own on the real PostgreSQL named by {@code LIANMAI_TEST_POSTGRES_URL} (with
 * {@code LIANMAI_TEST_POSTGRES_USER} and {@code LIANMAI_TEST_POSTGRES_PASSWORD}), as the nodes of a cluster share it;
 * dropped on {@link #close}. Without the URL a test using it is skipped, loudly; under CI (env {@code CI} set) it
 * fails, because CI must test PostgreSQL (as the store module's PostgresAppStoreTest).
 */
public final class TestPostgres implements AutoCloseable {
    static final String URL_VARIABLE = "LIANMAI_TEST_POSTGRES_URL";

    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;
    private final String schema;

    private TestPostgres(String url, Optional<String> user, Optional<String> password, String schema) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.schema = schema;
    }

    /** A fresh schema, or the test skipped (failed under CI) when no PostgreSQL is configured. */
    public static TestPostgres create() throws SQLException {
        Optional<String> url = env(URL_VARIABLE);
        if (url.isEmpty()) {
            String why = URL_VARIABLE + " is not set, so shared-database (cluster) behaviour was not tested against "
                    + "PostgreSQL (set it to e.g. jdbc:postgresql://127.0.0.1:5432/lianmai_test, with "
                    + "LIANMAI_TEST_POSTGRES_USER and LIANMAI_TEST_POSTGRES_PASSWORD)";
            if (env("CI").isPresent()) {
                throw new AssertionError("CI must provide PostgreSQL: " + why);
            }
            System.err.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        TestPostgres postgres = new TestPostgres(url.get(), env("LIANMAI_TEST_POSTGRES_USER"),
                env("LIANMAI_TEST_POSTGRES_PASSWORD"), "lianmai_cluster_" + HexFormat.of().formatHex(random));
        try (Connection connection = postgres.admin(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + postgres.schema);
        }
        return postgres;
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }

    /** A store configuration on this schema: each node opens its own store (its own pool) with it. */
    public StoreConfig storeConfig(Path dataDir, int poolSize) {
        String separator = url.contains("?") ? "&" : "?";
        return new StoreConfig(dataDir, Optional.of(url + separator + "currentSchema=" + schema), user, password,
                poolSize);
    }

    /** The JDBC URL of this schema, for a server's {@code store.jdbcUrl}. */
    public String jdbcUrl() {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public Optional<String> user() {
        return user;
    }

    public Optional<String> password() {
        return password;
    }

    /** A plain connection to the database (not into the schema): for checks behind the store's back. */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection(url, user.orElse(null), password.orElse(null));
    }

    public String schema() {
        return schema;
    }

    @Override
    public void close() throws SQLException {
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
