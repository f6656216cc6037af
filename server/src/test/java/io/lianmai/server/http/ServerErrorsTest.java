package io.lianmai.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every 5xx sent through {@link ApiError#send} loses its own text and carries a request id instead. */
class ServerErrorsTest {
    private static final Pattern ID = Pattern.compile("request id [0-9a-f]{8}");

    @Test
    void anyServerErrorLosesItsTextButKeepsAnId() {
        assertThat(ServerErrors.publicServerMessage(500, "NullPointerException at Foo.java:12"))
                .doesNotContain("NullPointer").containsPattern(ID);
        assertThat(ServerErrors.publicServerMessage(503, "pool exhausted: 64 threads"))
                .doesNotContain("pool").containsPattern(ID);
        String already = ServerErrors.internal("test", new RuntimeException("x"));
        assertThat(ServerErrors.publicServerMessage(500, already)).isEqualTo(already);
    }
}
