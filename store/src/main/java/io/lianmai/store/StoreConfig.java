package io.lianmai.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the app registry lives: by default an embedded H2 file under {@code dataDir}, which other processes on the
 * same host (such as {@code lianmai app create}) reach while a server holds it; or the PostgreSQL database a JDBC
 * URL names.
 *
 * @param dataDir  directory of the embedded H2 file ({@value #H2_FILE_NAME}.mv.db), created on open when missing;
 *                 unused when {@code jdbcUrl} is given
 * @param jdbcUrl  a {@code jdbc:postgresql://host:port/database} URL ({@code jdbc:h2:} URLs work too); empty, or
 *                 blank, selects the embedded H2 file
 * @param username database user; empty leaves it to the URL or the driver
 * @param password database password; empty leaves it to the URL or the driver; never shown by {@link #toString()}
 * @param poolSize most database connections held at once, at least 1
 */
public record StoreConfig(Path dataDir, Optional<String> jdbcUrl, Optional<String> username,
                          Optional<String> password, int poolSize) {

    /** Base name of the embedded H2 database inside {@code dataDir}. */
    public static final String H2_FILE_NAME = "lianmai";

    public StoreConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        // Blank settings mean "not set": configuration files and environment variables cannot express absence.
        jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl").map(String::strip).filter(url -> !url.isEmpty());
        username = Objects.requireNonNull(username, "username").filter(user -> !user.isBlank());
        password = Objects.requireNonNull(password, "password").filter(secret -> !secret.isEmpty());
        if (poolSize < 1) {
            throw new IllegalArgumentException("store pool size must be at least 1, got " + poolSize);
        }
    }

    /** Whether the store is the embedded H2 file under {@link #dataDir()} rather than a configured database. */
    public boolean embedded() {
        return jdbcUrl.isEmpty();
    }

    /** The JDBC URL the store connects to, with any password in it masked: fit for logs and messages. */
    public String displayJdbcUrl() {
        return Redaction.url(resolvedJdbcUrl());
    }

    /**
     * The JDBC URL the store connects to; may hold a password, so only for the driver. AUTO_SERVER lets a second
     * process open the file while the first holds it, by talking to the first over loopback TCP (bound to
     * 127.0.0.1 by {@link JdbcAppStore}). WRITE_DELAY=0 writes every commit to the file before the commit returns:
     * by default H2 keeps commits in memory for up to 500 ms, so a key the CLI had printed was lost when the server
     * holding the file was killed right after. App writes are rare (an operator's command), so the cost — one file
     * write per commit — does not matter.
     */
    String resolvedJdbcUrl() {
        return jdbcUrl.orElseGet(() -> "jdbc:h2:file:" + embeddedDatabasePath() + ";AUTO_SERVER=TRUE;WRITE_DELAY=0");
    }

    /** The embedded H2 database's path, without H2's {@code .mv.db} suffix. */
    Path embeddedDatabasePath() {
        return dataDir.toAbsolutePath().normalize().resolve(H2_FILE_NAME);
    }

    /** Every secret this configuration carries, to scrub from messages. */
    List<String> secrets() {
        List<String> secrets = new ArrayList<>(Redaction.passwordsIn(resolvedJdbcUrl()));
        password.ifPresent(secrets::add);
        return secrets;
    }

    /** Shows everything but the password, so that the configuration can be logged. */
    @Override
    public String toString() {
        return "StoreConfig[dataDir=" + dataDir
                + ", jdbcUrl=" + jdbcUrl.map(Redaction::url).orElse("(embedded H2)")
                + ", username=" + username.orElse("(none)")
                + ", password=" + (password.isPresent() ? Redaction.MASK : "(none)")
                + ", poolSize=" + poolSize
                + "]";
    }
}
