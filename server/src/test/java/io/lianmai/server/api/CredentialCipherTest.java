package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SecretKeys sealed at rest: opened only with the same credential key and for the same SecretId. */
class CredentialCipherTest {
    private static final String ID = "AKID" + "a".repeat(32);
    private static final String KEY = "k".repeat(32);

    @TempDir
    Path dataDir;

    @Test
    void sealsSoThatOnlyTheSameKeyAndIdOpen() {
        CredentialCipher cipher = CredentialCipher.of(new byte[32]);
        String sealed = cipher.seal(ID, KEY);

        assertThat(sealed).startsWith("v1:").doesNotContain(KEY);
        assertThat(cipher.seal(ID, KEY)).isNotEqualTo(sealed);
        assertThat(cipher.open(ID, sealed)).isEqualTo(KEY);
        assertThatThrownBy(() -> cipher.open("AKID" + "b".repeat(32), sealed))
                .isInstanceOf(IllegalStateException.class);
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> CredentialCipher.of(other).open(ID, sealed))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another credential key");
        assertThatThrownBy(() -> cipher.open(ID, "v1:garbage")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open(ID, KEY)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void createsTheKeyFileOwnerOnlyOnceAndReusesIt() throws Exception {
        CredentialCipher first = CredentialCipher.load(Optional.empty(), dataDir);
        Path file = dataDir.resolve("api-credential.key");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String sealed = first.seal(ID, KEY);
        assertThat(CredentialCipher.load(Optional.empty(), dataDir).open(ID, sealed)).isEqualTo(KEY);
        try (var files = Files.list(dataDir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aConfiguredKeyWinsOverTheFile() {
        byte[] key = new byte[32];
        key[5] = 7;
        String configured = Base64.getEncoder().encodeToString(key);

        String sealed = CredentialCipher.load(Optional.of(configured), dataDir).seal(ID, KEY);

        assertThat(CredentialCipher.of(key).open(ID, sealed)).isEqualTo(KEY);
        assertThat(dataDir.resolve("api-credential.key")).doesNotExist();
    }

    @Test
    void aDamagedKeyFileFailsWithItsName() throws Exception {
        Files.writeString(dataDir.resolve("api-credential.key"), "not a key");

        assertThatThrownBy(() -> CredentialCipher.load(Optional.empty(), dataDir))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("api-credential.key");
    }
}
