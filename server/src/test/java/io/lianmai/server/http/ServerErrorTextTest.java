package io.lianmai.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lianmai.server.whip.WhipWhepRoutes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Finding 9: a client never sees an internal failure's text; it gets a request id that the log has too. */
class ServerErrorTextTest {
    private static final Pattern ID = Pattern.compile("request id ([0-9a-f]{8})");

    @Test
    void anInternalFailureGivesTheClientOnlyARequestIdAndTheLogTheDetails() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            ApiError error = WhipWhepRoutes.errorFor(new IllegalStateException("jdbc:h2:/srv/db password=hunter2"));

            assertThat(error.status()).isEqualTo(500);
            assertThat(error.message()).doesNotContain("hunter2").doesNotContain("IllegalStateException");
            Matcher id = ID.matcher(error.message());
            assertThat(id.find()).as(error.message()).isTrue();
            assertThat(logs.list).anySatisfy(event -> {
                assertThat(event.getFormattedMessage()).contains(id.group(1));
                assertThat(event.getThrowableProxy().getMessage()).contains("hunter2");
            });
        } finally {
            root.detachAppender(logs);
        }
    }
}
