package io.lianmai.server.api;

import io.lianmai.common.SdkAppId;
import io.lianmai.store.ApiCredentialRecord;
import io.lianmai.store.ApiCredentialStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The API credentials (SecretId and SecretKey) that sign server API requests with TC3-HMAC-SHA256: created with a
 * scope of apps, listed without their keys, deleted. SecretKeys are sealed by a {@link CredentialCipher} before they
 * reach the database and opened only to verify a request.
 *
 * <p>Every call reads the database; the server reads credentials through a {@link CredentialDirectory}, which holds
 * them in memory. Thread-safe; methods block on the database.
 */
public final class ApiCredentials {
    /** Tencent's SecretId shape: {@code AKID} and 32 letters or digits, 36 in all. */
    static final String SECRET_ID_PREFIX = "AKID";
    static final int SECRET_ID_LENGTH = 36;
    /** Tencent's SecretKey shape: 32 letters or digits, about 190 bits. */
    static final int SECRET_KEY_LENGTH = 32;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final ApiCredentialStore store;
    private final CredentialCipher cipher;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiCredentials(ApiCredentialStore store, CredentialCipher cipher, Clock clock) {
        this.store = store;
        this.cipher = cipher;
        this.clock = clock;
    }

    /**
     * A credential with its key, as {@link #create} gives it once and {@link #openAll} to the server.
     *
     * @param allApps whether it may act on every app, present and future
     * @param apps the apps it may act on otherwise
     */
    public record Credential(String secretId, String secretKey, boolean allApps, Set<SdkAppId> apps) {
        public Credential {
            apps = Set.copyOf(apps);
        }

        /** Whether it may act on {@code sdkAppId}. */
        public boolean allows(SdkAppId sdkAppId) {
            return allApps || apps.contains(sdkAppId);
        }

        /** Never shows the key. */
        @Override
        public String toString() {
            return "Credential[" + secretId + ", apps=" + (allApps ? "all" : apps) + "]";
        }
    }

    /** Creates a credential for {@code apps} (every app when empty); its SecretKey is shown this once. */
    public Credential create(Set<SdkAppId> apps) {
        String secretId = SECRET_ID_PREFIX + randomText(SECRET_ID_LENGTH - SECRET_ID_PREFIX.length());
        String secretKey = randomText(SECRET_KEY_LENGTH);
        store.insert(new ApiCredentialRecord(secretId, cipher.seal(secretId, secretKey), clock.instant(),
                apps.isEmpty(), apps));
        return new Credential(secretId, secretKey, apps.isEmpty(), apps);
    }

    /** Every credential, oldest first, with its sealed key only. */
    public List<ApiCredentialRecord> list() {
        return store.list();
    }

    /** Deletes a credential; returns whether it existed. */
    public boolean delete(String secretId) {
        return store.delete(secretId);
    }

    /** Whether a credential with {@code secretId} is in the table now. */
    boolean exists(String secretId) {
        return store.find(secretId).isPresent();
    }

    /**
     * Every credential with its key opened, and the SecretIds whose key does not open with this node's credential
     * key (sealed by another node's or a lost key).
     */
    Opened openAll() {
        List<Credential> opened = new ArrayList<>();
        List<String> unopenable = new ArrayList<>();
        for (ApiCredentialRecord record : store.list()) {
            try {
                opened.add(new Credential(record.secretId(), cipher.open(record.secretId(),
                        record.sealedSecretKey()), record.allApps(), record.apps()));
            } catch (IllegalStateException e) {
                unopenable.add(record.secretId());
            }
        }
        return new Opened(opened, unopenable);
    }

    /** What {@link #openAll} read. */
    record Opened(List<Credential> credentials, List<String> unopenable) {
    }

    /** Whether {@code text} has the shape of a SecretId. */
    static boolean isSecretId(String text) {
        if (text == null || text.length() != SECRET_ID_LENGTH || !text.startsWith(SECRET_ID_PREFIX)) {
            return false;
        }
        for (int i = SECRET_ID_PREFIX.length(); i < text.length(); i++) {
            if (ALPHABET.indexOf(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }
}
