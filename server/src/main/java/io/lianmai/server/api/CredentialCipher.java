package io.lianmai.server.api;

import io.lianmai.server.config.ApiConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals API SecretKeys for the database with AES-256-GCM (NIST SP 800-38D) under the node's credential key, so that
 * a copy of the database alone (a backup, a read-only SQL account) shows no key that could sign API requests. The
 * SecretKey cannot be hashed instead: verifying a TC3-HMAC-SHA256 signature needs the key itself.
 *
 * <p>A sealed key is {@code v1:} and base64 of a random 12-byte nonce, the ciphertext and the 16-byte tag; the
 * SecretId is the associated data, so a sealed key moved to another row does not open. The credential key is
 * {@code api.credentialKey}, or the file {@value ApiConfig#CREDENTIAL_KEY_FILE} under the data directory, created
 * with owner-only permissions (0600) by whichever process needs it first.
 *
 * <p>Thread-safe: each call makes its own {@link Cipher}.
 */
public final class CredentialCipher {
    private static final String PREFIX = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private CredentialCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A cipher over {@code key}, 32 bytes (tests). */
    static CredentialCipher of(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a credential key is " + KEY_BYTES + " bytes, got " + key.length);
        }
        return new CredentialCipher(key.clone());
    }

    /**
     * The node's cipher: the configured key, else the key file under {@code dataDir}, created when missing.
     *
     * @throws IllegalStateException when the key file cannot be read or created, or holds no valid key
     */
    public static CredentialCipher load(Optional<String> configuredKey, Path dataDir) {
        if (configuredKey.isPresent()) {
            return of(Base64.getDecoder().decode(configuredKey.get().strip()));
        }
        Path file = dataDir.resolve(ApiConfig.CREDENTIAL_KEY_FILE);
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            return of(key);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the API credential key " + file + ": " + e.getMessage()
                    + " (it must hold 32 bytes in base64; or set api.credentialKey)", e);
        }
    }

    /**
     * Writes a fresh key to a temporary file that only the owner may read, then links it into place: the link fails
     * if another process got there first, and then its key is the one used.
     */
    private static void create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path temporary = Files.createTempFile(file.getParent(), ".api-credential", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException e) {
            // Another process created it meanwhile: use that one.
        } finally {
            Files.deleteIfExists(temporary);
            Arrays.fill(key, (byte) 0);
        }
    }

    /** {@code secretKey} sealed for the row of {@code secretId}. */
    public String seal(String secretId, String secretKey) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(secretId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secretKey.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * The SecretKey sealed for {@code secretId}.
     *
     * @throws IllegalStateException when it was sealed with another credential key, for another row, or altered
     */
    public String open(String secretId, String sealed) {
        try {
            if (!sealed.startsWith(PREFIX)) {
                throw new IllegalArgumentException("unknown format");
            }
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            if (in.length <= NONCE_BYTES) {
                throw new IllegalArgumentException("too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(secretId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(unopenable(secretId), e);
        }
    }

    /** Why the key of {@code secretId} does not open here. */
    static String unopenable(String secretId) {
        return "cannot open the SecretKey of API credential " + secretId + ": it was sealed with another credential "
                + "key (api.credentialKey or " + ApiConfig.CREDENTIAL_KEY_FILE + " differs from the node that created it)";
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "CredentialCipher[AES-256-GCM]";
    }
}
