package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The API credentials (tables {@code api_credentials} and {@code api_credential_apps}, migration V3) in the app
 * database, over the {@link JdbcAppStore}'s connections. Methods block on the database, may be called from any
 * thread, and throw {@link StoreException} when it fails. Closing the app store closes this too.
 */
public final class ApiCredentialStore {
    /** A credential per row, joined with its apps (one row per app; one row with a NULL app when it has none). */
    private static final String SELECT = "SELECT c.secret_id, c.sealed_secret_key, c.created_at, c.all_apps, "
            + "a.sdk_app_id FROM api_credentials c LEFT JOIN api_credential_apps a ON a.secret_id = c.secret_id";

    private final JdbcAppStore store;

    private ApiCredentialStore(JdbcAppStore store) {
        this.store = store;
    }

    /** The credentials kept in {@code store}'s database. */
    public static ApiCredentialStore over(JdbcAppStore store) {
        return new ApiCredentialStore(Objects.requireNonNull(store, "store"));
    }

    /**
     * Stores a new credential with its scope, in one transaction.
     *
     * @return it as stored (createdAt truncated to the millisecond, as both databases keep it)
     * @throws StoreException when the SecretId exists already or the database fails
     */
    public ApiCredentialRecord insert(ApiCredentialRecord credential) {
        ApiCredentialRecord stored = new ApiCredentialRecord(credential.secretId(), credential.sealedSecretKey(),
                credential.createdAt().truncatedTo(ChronoUnit.MILLIS), credential.allApps(),
                credential.allApps() ? Set.of() : credential.apps());
        try (Connection connection = store.pool().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO api_credentials "
                    + "(secret_id, sealed_secret_key, created_at, all_apps) VALUES (?, ?, ?, ?)");
                 PreparedStatement scope = connection.prepareStatement(
                         "INSERT INTO api_credential_apps (secret_id, sdk_app_id) VALUES (?, ?)")) {
                insert.setString(1, stored.secretId());
                insert.setString(2, stored.sealedSecretKey());
                insert.setObject(3, OffsetDateTime.ofInstant(stored.createdAt(), ZoneOffset.UTC));
                insert.setBoolean(4, stored.allApps());
                insert.executeUpdate();
                for (SdkAppId app : stored.apps()) {
                    scope.setString(1, stored.secretId());
                    scope.setLong(2, app.value());
                    scope.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw store.failure("cannot store API credential " + stored.secretId(), e);
        }
        return stored;
    }

    /** The credential with this SecretId, or empty when there is none. */
    public Optional<ApiCredentialRecord> find(String secretId) {
        try (Connection connection = store.pool().getConnection();
             PreparedStatement query = connection.prepareStatement(SELECT + " WHERE c.secret_id = ?")) {
            query.setString(1, secretId);
            try (ResultSet rows = query.executeQuery()) {
                return read(rows).stream().findFirst();
            }
        } catch (SQLException e) {
            throw store.failure("cannot read API credential " + secretId, e);
        }
    }

    /** Every credential, oldest first. */
    public List<ApiCredentialRecord> list() {
        try (Connection connection = store.pool().getConnection();
             Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery(SELECT + " ORDER BY c.created_at, c.secret_id")) {
            return read(rows);
        } catch (SQLException e) {
            throw store.failure("cannot list API credentials", e);
        }
    }

    /**
     * Deletes a credential: requests signed with it fail from the next one on.
     *
     * @return whether it existed
     */
    public boolean delete(String secretId) {
        try (Connection connection = store.pool().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement scope = connection.prepareStatement(
                    "DELETE FROM api_credential_apps WHERE secret_id = ?");
                 PreparedStatement delete = connection.prepareStatement(
                         "DELETE FROM api_credentials WHERE secret_id = ?")) {
                scope.setString(1, secretId);
                scope.executeUpdate();
                delete.setString(1, secretId);
                boolean existed = delete.executeUpdate() > 0;
                connection.commit();
                return existed;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw store.failure("cannot delete API credential " + secretId, e);
        }
    }

    /** Rows of credential joined with its apps (none for an all-apps credential), grouped per credential. */
    private static List<ApiCredentialRecord> read(ResultSet rows) throws SQLException {
        Map<String, ApiCredentialRecord> first = new LinkedHashMap<>();
        Map<String, Set<SdkAppId>> apps = new LinkedHashMap<>();
        while (rows.next()) {
            String secretId = rows.getString(1).strip();
            if (!first.containsKey(secretId)) {
                first.put(secretId, new ApiCredentialRecord(secretId, rows.getString(2).strip(),
                        rows.getObject(3, OffsetDateTime.class).toInstant(), rows.getBoolean(4), Set.of()));
                apps.put(secretId, new HashSet<>());
            }
            long app = rows.getLong(5);
            if (!rows.wasNull()) {
                apps.get(secretId).add(new SdkAppId(app));
            }
        }
        List<ApiCredentialRecord> credentials = new ArrayList<>();
        first.forEach((secretId, credential) -> credentials.add(new ApiCredentialRecord(secretId,
                credential.sealedSecretKey(), credential.createdAt(), credential.allApps(),
                apps.get(secretId))));
        return credentials;
    }
}
