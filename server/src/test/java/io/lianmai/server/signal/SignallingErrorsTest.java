package io.lianmai.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.MediaException;
import io.lianmai.room.RoomError;
import io.lianmai.room.RoomException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 finding 9: what a signalling client is told when its request fails. Refusals meant for the client keep
 * their code and message; anything else (a bug, a failing app store whose exception names the database URL) is a
 * generic -7 naming an error id, the detail going only to the log.
 */
class SignallingErrorsTest {

    @Test
    void anInternalFailureTellsOnlyAnErrorId() {
        IllegalStateException failure = new IllegalStateException("io.lianmai.store.StoreException: cannot read app "
                + "1400000000 from H2 (jdbc:h2:file:/srv/lianmai/data/lianmai;AUTO_SERVER=TRUE): pool closed");

        SignallingConnection.Error error = SignallingConnection.errorFor(new CompletionException(failure),
                "127.0.0.1:5555");

        assertThat(error.code()).isEqualTo(-7);
        assertThat(error.message()).matches("internal error \\(request id [^)]+\\)");
    }

    @Test
    void refusalsMeantForTheClientKeepTheirCodeAndMessage() {
        assertThat(SignallingConnection.errorFor(new RoomException(RoomError.ROOM_FULL, "room full: at most 2"), "p"))
                .isEqualTo(new SignallingConnection.Error(-3301, "room full: at most 2"));
        assertThat(SignallingConnection.errorFor(new MediaException(MediaException.Reason.STREAM_NOT_FOUND,
                "alice_main is not published"), "p").code()).isEqualTo(16400);
    }
}
