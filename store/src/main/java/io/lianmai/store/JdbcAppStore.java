package io.lianmai.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lianmai.common.SdkAppId;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AppStore} over JDBC: a HikariCP pool on the embedded H2 file or PostgreSQL, with the schema kept by
 * Flyway ({@code db/migration}).
 */
public final class JdbcAppStore implements AppStore {

    /** First SDKAppID handed out, in the range TRTC uses, so that ids look familiar to TRTC users. */
    static final long FIRST_SDK_APP_ID = 1_400_000_000L;

    static final int MAX_NAME_LENGTH = 128;
    static final int MAX_WEBHOOK_URL_LENGTH = 2048;
    static final int MAX_CALLBACK_KEY_LENGTH = 256;

    /**
     * Tries at allocating an SDKAppID before giving up. Each lost try means another writer committed an app, so
     * 64 covers far more simultaneous creators than an operator's CLI and a server will ever be.
     */
    static final int MAX_ALLOCATION_ATTEMPTS = 64;

    /** Secret key size: 32 bytes, 256 bits, as TRTC's keys. */
    private static final int SECRET_KEY_BYTES = 32;

    /** A caller waiting longer than this for a connection gets an error with a reason instead of hanging. */
    private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;

    /** SQLSTATE of a unique-key violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** SQLSTATE class of serialization failures and deadlocks, which a retry resolves. */
    private static final String TRANSACTION_ROLLBACK_CLASS = "40";

    /** Playback key size: 16 bytes as 32 hex characters, the shape of a CSS hotlink-protection key. */
    private static final int PLAY_KEY_BYTES = 16;

    private static final String COLUMNS = "sdk_app_id, name, secret_key, created_at, enabled, webhook_url, "
            + "callback_key, play_key, public_playback, require_private_map_key, previous_secret_key, "
            + "previous_key_valid_until";

    private static final Logger log = LoggerFactory.getLogger(JdbcAppStore.class);

    /**
     * H2's system property naming the address its TCP servers bind and advertise, AUTO_SERVER's included. H2 reads
     * it once, when {@code org.h2.engine.SysProperties} loads.
     */
    static final String H2_BIND_ADDRESS = "h2.bindAddress";

    /** The embedded database holds every app's secret key: its AUTO_SERVER listener is for this host only. */
    static final String LOOPBACK = "127.0.0.1";

    static {
        // Before any H2 class loads. An operator's own -Dh2.bindAddress wins (checked in requireLoopbackH2()).
        if (System.getProperty(H2_BIND_ADDRESS) == null) {
            System.setProperty(H2_BIND_ADDRESS, LOOPBACK);
        }
    }

    private final HikariDataSource pool;
    private final Clock clock;
    private final String where;
    private final List<String> secrets;
    private final SecureRandom random = new SecureRandom();

    private JdbcAppStore(HikariDataSource pool, Clock clock, String where, List<String> secrets) {
        this.pool = pool;
        this.clock = clock;
        this.where = where;
        this.secrets = secrets;
    }

    /**
     * Connects to the configured database, brings its schema up to date and returns the store; creates the data
     * directory first when the store is the embedded H2 file.
     *
     * @throws StoreException naming the database and the reason when it cannot be opened or migrated
     */
    public static JdbcAppStore open(StoreConfig config, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        String url = config.resolvedJdbcUrl();
        List<String> secrets = List.copyOf(config.secrets());
        Dialect dialect = Dialect.of(url).orElseThrow(() -> new StoreException("cannot open the app store at "
                + config.displayJdbcUrl() + ": unsupported JDBC URL; Lianmai keeps apps in PostgreSQL "
                + "(jdbc:postgresql://host:port/database) or, when no URL is configured, in an embedded H2 file "
                + "under the data directory"));
        String where = dialect.displayName + " (" + config.displayJdbcUrl() + ")";
        if (config.embedded()) {
            createDataDirectory(config.dataDir(), where);
            requireLoopbackH2(where);
        }

        HikariDataSource pool = connect(config, url, dialect, where, secrets);
        try {
            // Flyway holds two connections at once (history-table lock and migration), more than a pool of one
            // has, so it connects on its own and lets go when done.
            MigrateResult result = Flyway.configure(JdbcAppStore.class.getClassLoader())
                    .dataSource(url, config.username().orElse(null), config.password().orElse(null))
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            log.info("App store open: {}, {} migration(s) applied, schema version {}", where,
                    result.migrationsExecuted, result.targetSchemaVersion != null
                            ? result.targetSchemaVersion : result.initialSchemaVersion);
        } catch (RuntimeException e) {
            pool.close();
            throw failure("cannot bring the app store schema up to date in " + where, e, secrets);
        }
        JdbcAppStore store = new JdbcAppStore(pool, clock, where, secrets);
        store.givePlayKeys();
        return store;
    }

    /** Apps created before playback keys existed (schema version 1) get one now; SQL has no portable random hex. */
    private void givePlayKeys() {
        try (Connection connection = pool.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE apps SET play_key = ? WHERE sdk_app_id = ? AND play_key IS NULL")) {
            List<Long> missing = new ArrayList<>();
            try (Statement query = connection.createStatement();
                 ResultSet rows = query.executeQuery("SELECT sdk_app_id FROM apps WHERE play_key IS NULL")) {
                while (rows.next()) {
                    missing.add(rows.getLong(1));
                }
            }
            for (long sdkAppId : missing) {
                update.setString(1, newPlayKey());
                update.setLong(2, sdkAppId);
                update.executeUpdate();
            }
        } catch (SQLException e) {
            pool.close();
            throw failure("cannot give playback keys to existing apps in " + where, e, secrets);
        }
    }

    /**
     * Refuses to open the embedded file when H2 would listen for AUTO_SERVER clients on every interface: when H2
     * was loaded before this class could set {@value #H2_BIND_ADDRESS}. An operator who set another address on
     * purpose gets a warning.
     */
    private static void requireLoopbackH2(String where) {
        String bound = org.h2.engine.SysProperties.BIND_ADDRESS;
        if (bound == null || bound.isBlank()) {
            throw new StoreException("cannot open the app store at " + where + ": H2 was loaded before Lianmai "
                    + "could keep its AUTO_SERVER listener on loopback, so it would accept connections on every "
                    + "interface; start Java with -D" + H2_BIND_ADDRESS + "=" + LOOPBACK);
        }
        if (!bound.equals(LOOPBACK) && !bound.equals("localhost") && !bound.equals("::1")) {
            log.warn("-D{}={}: the embedded database (every app's secret key) listens for AUTO_SERVER clients on "
                    + "{}, not only on this host", H2_BIND_ADDRESS, bound, bound);
        }
    }

    private static void createDataDirectory(Path dataDir, String where) {
        if (dataDir.toAbsolutePath().toString().contains(";")) {
            // H2 reads ';' as the start of its URL settings, so such a path would name another file.
            throw new StoreException("cannot open the app store at " + where + ": the data directory " + dataDir
                    + " contains ';', which H2 does not accept in a file path");
        }
        try {
            Files.createDirectories(dataDir);
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("cannot open the app store at " + where + ": the data directory " + dataDir
                    + " exists and is not a directory", e);
        } catch (IOException | SecurityException e) {
            throw new StoreException("cannot open the app store at " + where + ": cannot create the data "
                    + "directory " + dataDir + ": " + e, e);
        }
    }

    private static HikariDataSource connect(StoreConfig config, String url, Dialect dialect, String where,
                                            List<String> secrets) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("lianmai-store");
        hikari.setJdbcUrl(url);
        // Naming the driver spares a lookup through META-INF/services, which a repackaged jar can lose.
        hikari.setDriverClassName(dialect.driverClassName);
        config.username().ifPresent(hikari::setUsername);
        config.password().ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(config.poolSize());
        // CLI commands open the store for one query; the pool grows on demand for a server.
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        // One attempt at start-up: a database that is down should stop start-up now, with its reason.
        hikari.setInitializationFailTimeout(1);
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw failure("cannot open the app store at " + where, e, secrets);
        }
    }

    @Override
    public App create(String name) {
        String validName = validName(name);
        String secretKey = newSecretKey();
        String playKey = newPlayKey();
        // Truncated so that the instant returned equals the one read back from either database.
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (int attempt = 1; ; attempt++) {
            long sdkAppId = 0;
            try (Connection connection = pool.getConnection()) {
                sdkAppId = nextSdkAppId(connection);
                insert(connection, sdkAppId, validName, secretKey, createdAt, playKey);
            } catch (SQLException e) {
                if (!isConflict(e)) {
                    throw failure("cannot create app '" + validName + "' in " + where, e, secrets);
                }
                if (attempt == MAX_ALLOCATION_ATTEMPTS) {
                    throw failure("cannot create app '" + validName + "' in " + where + ": other writers took "
                            + "the chosen SDKAppID " + attempt + " times in a row", e, secrets);
                }
                log.debug("SDKAppID {} went to another writer ({}), retrying: attempt {} of {}", sdkAppId,
                        e.getSQLState(), attempt + 1, MAX_ALLOCATION_ATTEMPTS);
                backOff(attempt, validName);
                continue;
            }
            return new App(new SdkAppId(sdkAppId), validName, secretKey, createdAt, true, Optional.empty(),
                    Optional.empty(), playKey, false, false, Optional.empty());
        }
    }

    private static void insert(Connection connection, long sdkAppId, String name, String secretKey,
            Instant createdAt, String playKey) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO apps (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, FALSE, FALSE, NULL, NULL)")) {
            insert.setLong(1, sdkAppId);
            insert.setString(2, name);
            insert.setString(3, secretKey);
            insert.setObject(4, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
            insert.setBoolean(5, true);
            insert.setString(6, playKey);
            insert.executeUpdate();
        }
    }

    @Override
    public Optional<App> createIfNone(String name) {
        String validName = validName(name);
        String secretKey = newSecretKey();
        String playKey = newPlayKey();
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = pool.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    // Held until commit: a second node starting now waits here, then finds this app.
                    try (PreparedStatement lock = connection.prepareStatement(
                            "SELECT name FROM store_lock WHERE name = 'first_app' FOR UPDATE")) {
                        lock.executeQuery().close();
                    }
                    long existing;
                    try (Statement query = connection.createStatement();
                         ResultSet rows = query.executeQuery("SELECT COUNT(*) FROM apps")) {
                        rows.next();
                        existing = rows.getLong(1);
                    }
                    if (existing > 0) {
                        connection.commit();
                        return Optional.empty();
                    }
                    long sdkAppId = nextSdkAppId(connection);
                    insert(connection, sdkAppId, validName, secretKey, createdAt, playKey);
                    connection.commit();
                    return Optional.of(new App(new SdkAppId(sdkAppId), validName, secretKey, createdAt, true,
                            Optional.empty(), Optional.empty(), playKey, false, false, Optional.empty()));
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                // A plain create (the CLI) does not take the lock and may have taken the id: try again.
                if (!isConflict(e) || attempt == MAX_ALLOCATION_ATTEMPTS) {
                    throw failure("cannot create the first app '" + validName + "' in " + where, e, secrets);
                }
                backOff(attempt, validName);
            }
        }
    }

    private long nextSdkAppId(Connection connection) throws SQLException {
        long max;
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT MAX(sdk_app_id) FROM apps")) {
            rows.next();
            max = rows.getLong(1);
            if (rows.wasNull()) {
                return FIRST_SDK_APP_ID;
            }
        }
        if (max >= SdkAppId.MAX) {
            throw new StoreException("cannot create an app in " + where + ": SDKAppIDs are used up to the largest, "
                    + SdkAppId.MAX);
        }
        // Ids below the first can only come from outside the store; new ones still start in TRTC's range.
        return Math.max(FIRST_SDK_APP_ID, max + 1);
    }

    /** Whether the insert lost a race for its SDKAppID (or a lock) to another writer, so that a retry will do. */
    private static boolean isConflict(SQLException e) {
        for (Throwable each = e; each != null; each = each.getCause()) {
            if (each instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().equals(UNIQUE_VIOLATION)
                        || sql.getSQLState().startsWith(TRANSACTION_ROLLBACK_CLASS))) {
                return true;
            }
        }
        return false;
    }

    /** Sleeps a random few milliseconds, growing with the attempt, so that racing writers stop choosing alike. */
    private void backOff(int attempt, String name) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, attempt + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while creating app '" + name + "' in " + where, e);
        }
    }

    @Override
    public Optional<App> find(SdkAppId sdkAppId) {
        try (Connection connection = pool.getConnection()) {
            return find(connection, sdkAppId);
        } catch (SQLException e) {
            throw failure("cannot read app " + sdkAppId + " from " + where, e, secrets);
        }
    }

    private static Optional<App> find(Connection connection, SdkAppId sdkAppId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM apps WHERE sdk_app_id = ?")) {
            query.setLong(1, sdkAppId.value());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(app(rows)) : Optional.empty();
            }
        }
    }

    @Override
    public List<App> list() {
        try (Connection connection = pool.getConnection();
             Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT " + COLUMNS + " FROM apps ORDER BY sdk_app_id")) {
            List<App> apps = new ArrayList<>();
            while (rows.next()) {
                apps.add(app(rows));
            }
            return List.copyOf(apps);
        } catch (SQLException e) {
            throw failure("cannot list apps in " + where, e, secrets);
        }
    }

    @Override
    public long count() {
        try (Connection connection = pool.getConnection();
             Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT COUNT(*) FROM apps")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw failure("cannot count apps in " + where, e, secrets);
        }
    }

    @Override
    public App setEnabled(SdkAppId sdkAppId, boolean enabled) {
        return update(sdkAppId, (enabled ? "enable" : "disable") + " app " + sdkAppId,
                "UPDATE apps SET enabled = ? WHERE sdk_app_id = ?",
                statement -> {
                    statement.setBoolean(1, enabled);
                    statement.setLong(2, sdkAppId.value());
                });
    }

    @Override
    public App setWebhook(SdkAppId sdkAppId, Optional<String> url, Optional<String> callbackKey) {
        Optional<String> validUrl = validWebhookUrl(Objects.requireNonNull(url, "url"));
        Optional<String> validKey = validCallbackKey(Objects.requireNonNull(callbackKey, "callbackKey"));
        return update(sdkAppId, "set the webhook of app " + sdkAppId,
                "UPDATE apps SET webhook_url = ?, callback_key = ? WHERE sdk_app_id = ?",
                statement -> {
                    statement.setString(1, validUrl.orElse(null));
                    statement.setString(2, validKey.orElse(null));
                    statement.setLong(3, sdkAppId.value());
                });
    }

    @Override
    public App setPublicPlayback(SdkAppId sdkAppId, boolean publicPlayback) {
        return update(sdkAppId, "set public playback of app " + sdkAppId,
                "UPDATE apps SET public_playback = ? WHERE sdk_app_id = ?",
                statement -> {
                    statement.setBoolean(1, publicPlayback);
                    statement.setLong(2, sdkAppId.value());
                });
    }

    @Override
    public App setRequirePrivateMapKey(SdkAppId sdkAppId, boolean required) {
        return update(sdkAppId, "set the PrivateMapKey policy of app " + sdkAppId,
                "UPDATE apps SET require_private_map_key = ? WHERE sdk_app_id = ?",
                statement -> {
                    statement.setBoolean(1, required);
                    statement.setLong(2, sdkAppId.value());
                });
    }

    @Override
    public App rotateSecretKey(SdkAppId sdkAppId, Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the old key's grace period must not be negative, got " + grace);
        }
        Instant validUntil = clock.instant().plus(grace).truncatedTo(ChronoUnit.MILLIS);
        String newKey = newSecretKey();
        // One statement moves the current key aside and sets the new one, so two rotations cannot interleave.
        return update(sdkAppId, "rotate the secret key of app " + sdkAppId,
                "UPDATE apps SET previous_secret_key = secret_key, previous_key_valid_until = ?, secret_key = ? "
                        + "WHERE sdk_app_id = ?",
                statement -> {
                    statement.setObject(1, OffsetDateTime.ofInstant(validUntil, ZoneOffset.UTC));
                    statement.setString(2, newKey);
                    statement.setLong(3, sdkAppId.value());
                });
    }

    @Override
    public App rotatePlayKey(SdkAppId sdkAppId) {
        String newKey = newPlayKey();
        return update(sdkAppId, "rotate the playback key of app " + sdkAppId,
                "UPDATE apps SET play_key = ? WHERE sdk_app_id = ?",
                statement -> {
                    statement.setString(1, newKey);
                    statement.setLong(2, sdkAppId.value());
                });
    }

    /** Runs one single-row UPDATE and reads the row back on the same connection. */
    private App update(SdkAppId sdkAppId, String what, String sql, Binder binder) {
        try (Connection connection = pool.getConnection()) {
            int updated;
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                updated = statement.executeUpdate();
            }
            if (updated == 0) {
                throw new AppNotFoundException(sdkAppId);
            }
            return find(connection, sdkAppId).orElseThrow(() -> new AppNotFoundException(sdkAppId));
        } catch (SQLException e) {
            throw failure("cannot " + what + " in " + where, e, secrets);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static App app(ResultSet rows) throws SQLException {
        OffsetDateTime createdAt = rows.getObject("created_at", OffsetDateTime.class);
        return new App(
                new SdkAppId(rows.getLong("sdk_app_id")),
                rows.getString("name"),
                rows.getString("secret_key"),
                createdAt.toInstant(),
                rows.getBoolean("enabled"),
                Optional.ofNullable(rows.getString("webhook_url")),
                Optional.ofNullable(rows.getString("callback_key")),
                Objects.requireNonNullElse(rows.getString("play_key"), ""),
                rows.getBoolean("public_playback"),
                rows.getBoolean("require_private_map_key"),
                retiredKey(rows));
    }

    private static Optional<App.RetiredKey> retiredKey(ResultSet rows) throws SQLException {
        String key = rows.getString("previous_secret_key");
        OffsetDateTime validUntil = rows.getObject("previous_key_valid_until", OffsetDateTime.class);
        return key == null || validUntil == null ? Optional.empty()
                : Optional.of(new App.RetiredKey(key.strip(), validUntil.toInstant()));
    }

    /**
     * The event callback outbox in this same database, on this store's connection pool: valid until {@link #close}.
     * It appends and delivers as node '' until bound to a node with {@link CallbackOutbox#forNode}.
     */
    public CallbackOutbox callbackOutbox() {
        return new CallbackOutbox(pool, where, secrets, "");
    }

    /** Room and member history (migration V5), over this store's pool. */
    public RoomHistory roomHistory() {
        return new RoomHistory(pool, where, secrets, "");
    }

    /** Cloud recording tasks (migration V6), over this store's pool. */
    public CloudRecordingStore cloudRecordings() {
        return new CloudRecordingStore(pool, where, secrets);
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The connection pool, for the other tables of the same database ({@link ApiCredentialStore}). */
    HikariDataSource pool() {
        return pool;
    }

    /** A StoreException for {@code context} on this database, its secrets scrubbed as every failure here is. */
    StoreException failure(String context, Throwable cause) {
        return failure(context + " in " + where, cause, secrets);
    }

    /** Names the database (its URL without password), never a secret. */
    @Override
    public String toString() {
        return "JdbcAppStore[" + where + "]";
    }

    private String newSecretKey() {
        return HexFormat.of().formatHex(randomBytes(SECRET_KEY_BYTES));
    }

    private String newPlayKey() {
        return HexFormat.of().formatHex(randomBytes(PLAY_KEY_BYTES));
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /** The name as stored: trimmed, or an exception saying what is wrong with it. */
    static String validName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("app name must not be blank");
        }
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("app name must be at most " + MAX_NAME_LENGTH
                    + " characters, got " + trimmed.length());
        }
        // A line break or escape in a name would garble the CLI's table and the logs.
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("app name must not contain control characters");
        }
        return trimmed;
    }

    static Optional<String> validWebhookUrl(Optional<String> url) {
        if (url.isEmpty()) {
            return url;
        }
        String text = url.get().strip();
        if (text.length() > MAX_WEBHOOK_URL_LENGTH) {
            throw new IllegalArgumentException("webhook URL must be at most " + MAX_WEBHOOK_URL_LENGTH
                    + " characters, got " + text.length());
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("webhook URL is not a valid URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("webhook URL must be an absolute http or https URL with a host, got '"
                    + text + "'");
        }
        return Optional.of(text);
    }

    static Optional<String> validCallbackKey(Optional<String> callbackKey) {
        if (callbackKey.isEmpty()) {
            return callbackKey;
        }
        String key = callbackKey.get();
        if (key.isBlank()) {
            throw new IllegalArgumentException("webhook callback key must not be blank");
        }
        if (key.length() > MAX_CALLBACK_KEY_LENGTH) {
            throw new IllegalArgumentException("webhook callback key must be at most " + MAX_CALLBACK_KEY_LENGTH
                    + " characters, got " + key.length());
        }
        return callbackKey;
    }

    /**
     * A StoreException whose message adds the driver's reason to the context. The cause is kept for its stack trace
     * unless some message in it shows a secret, as a driver echoing its URL would.
     */
    static StoreException failure(String context, Throwable cause, List<String> secrets) {
        String message = Redaction.scrub(context + ": " + reason(cause), secrets);
        return Redaction.leaks(cause, secrets)
                ? new StoreException(message + " (driver error withheld: it showed a password)")
                : new StoreException(message, cause);
    }

    /**
     * The most telling message in the chain: the first SQL error's (the pool and Flyway wrap it in generic words),
     * else the first message at all.
     */
    private static String reason(Throwable thrown) {
        for (Throwable each = thrown; each != null; each = each.getCause()) {
            if (each instanceof SQLException && each.getMessage() != null) {
                return each.getMessage().strip();
            }
            if (each.getCause() == each) {
                break;
            }
        }
        for (Throwable each = thrown; each != null; each = each.getCause()) {
            if (each.getMessage() != null && !each.getMessage().isBlank()) {
                return each.getMessage().strip();
            }
            if (each.getCause() == each) {
                break;
            }
        }
        return thrown.getClass().getName();
    }

    /** The two databases the store speaks to, by the JDBC URL's prefix. */
    private enum Dialect {
        H2("jdbc:h2:", "H2", "org.h2.Driver"),
        POSTGRESQL("jdbc:postgresql:", "PostgreSQL", "org.postgresql.Driver");

        private final String urlPrefix;
        private final String displayName;
        private final String driverClassName;

        Dialect(String urlPrefix, String displayName, String driverClassName) {
            this.urlPrefix = urlPrefix;
            this.displayName = displayName;
            this.driverClassName = driverClassName;
        }

        static Optional<Dialect> of(String url) {
            for (Dialect dialect : values()) {
                if (url.startsWith(dialect.urlPrefix)) {
                    return Optional.of(dialect);
                }
            }
            return Optional.empty();
        }
    }
}
