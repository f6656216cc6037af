package io.lianmai.server.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CallbackSignatureTest {
    @Test
    void signIsTheBase64OfHmacSha256OfTheBody() {
        // RFC 4231, test case 2.
        assertThat(CallbackSignature.sign("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    }
}
