package io.lianmai.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TurnCredentialTest {
    @Test
    void theUsernameIsExpiryColonUserAndThePasswordItsHmacSha1() {
        TurnCredential credential = TurnCredential.issue("north-secret", "alice", Instant.ofEpochSecond(1767225600));
        assertThat(credential.username()).isEqualTo("1767225600:alice");
        // Computed independently: python3 -c "import hmac,hashlib,base64;
        //   print(base64.b64encode(hmac.new(b'north-secret', b'1767225600:alice', hashlib.sha1).digest()))"
        assertThat(credential.credential()).isEqualTo("PtgFkMyqgR4om/PGc3sDV5OnNo8=");
        assertThat(credential.expiresAt()).isEqualTo(Instant.ofEpochSecond(1767225600));
    }

    @Test
    void theCredentialIsNeverPrinted() {
        TurnCredential credential = TurnCredential.issue("s", "bob", Instant.ofEpochSecond(10));
        assertThat(credential.toString()).contains("10:bob").doesNotContain(credential.credential());
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThatThrownBy(() -> TurnCredential.issue("", "bob", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret");
    }
}
