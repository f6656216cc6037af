package io.lianmai.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.JdbcAppStore;
import io.lianmai.store.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code app set --callback-url/--callback-key/--clear-callback} and {@code callbacks list}. */
class CallbacksCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");

    @TempDir
    Path workingDirectory;

    @Test
    void aCallbackUrlAndKeyAreSetShownAndCleared() {
        run("app", "create", "--name", "Shop");

        Result set = run("app", "set", "--sdkappid", "1400000000", "--callback-url", "https://203.0.113.10/trtc",
                "--callback-key", "abc123");
        assertThat(set.status).as(set.err).isZero();
        assertThat(set.out).contains("CallbackUrl           https://203.0.113.10/trtc")
                .contains("CallbackKey           set").doesNotContain("abc123");

        // The key alone keeps the URL.
        Result key = run("app", "set", "--sdkappid", "1400000000", "--callback-key", "other");
        assertThat(key.out).contains("CallbackUrl           https://203.0.113.10/trtc");

        Result cleared = run("app", "set", "--sdkappid", "1400000000", "--clear-callback");
        assertThat(cleared.status).isZero();
        assertThat(cleared.out).contains("CallbackUrl           (none)").contains("CallbackKey           (none)");
    }

    @Test
    void badCallbackSettingsGetClearErrors() {
        run("app", "create", "--name", "Shop");

        Result loopback = run("app", "set", "--sdkappid", "1400000000", "--callback-url", "http://127.0.0.1:9/cb");
        assertThat(loopback.status).isEqualTo(2);
        assertThat(loopback.err).contains("--callback-url").contains("loopback")
                .contains("callbacks.allowPrivateTargets");

        Result scheme = run("app", "set", "--sdkappid", "1400000000", "--callback-url", "ftp://203.0.113.10/cb");
        assertThat(scheme.status).isEqualTo(2);
        assertThat(scheme.err).contains("http:// or https://");

        Result credentials = run("app", "set", "--sdkappid", "1400000000", "--callback-url",
                "https://user:pw@203.0.113.10/cb");
        assertThat(credentials.status).isEqualTo(2);
        assertThat(credentials.err).contains("user name or password").doesNotContain("pw@");

        Result key = run("app", "set", "--sdkappid", "1400000000", "--callback-key", "has space");
        assertThat(key.status).isEqualTo(2);
        assertThat(key.err).contains("--callback-key");

        Result both = run("app", "set", "--sdkappid", "1400000000", "--clear-callback", "--callback-key", "k");
        assertThat(both.status).isEqualTo(2);

        Result noApp = run("app", "set", "--sdkappid", "1400000099", "--callback-key", "k");
        assertThat(noApp.status).isEqualTo(1);
        assertThat(noApp.err).contains("no app with SDKAppID 1400000099");

        // A receiver on this host is for tests and private networks, allowed only on purpose.
        Result allowed = run("app", "set", "--sdkappid", "1400000000", "--callback-url", "http://127.0.0.1:9/cb",
                "--set", "callbacks.allowPrivateTargets=true");
        assertThat(allowed.status).as(allowed.err).isZero();
    }

    @Test
    void callbacksListShowsDeliveredPendingAndGivenUpEvents() {
        run("app", "create", "--name", "Shop");
        SdkAppId app = new SdkAppId(1400000000L);
        StoreConfig store = new StoreConfig(workingDirectory.resolve("data"), Optional.empty(), Optional.empty(),
                Optional.empty(), 2);
        try (JdbcAppStore opened = JdbcAppStore.open(store, Clock.systemUTC())) {
            CallbackOutbox outbox = opened.callbackOutbox();
            outbox.append(List.of(event(app, "e-delivered"), event(app, "e-pending"), event(app, "e-failed")));
            List<CallbackOutbox.Entry> all = outbox.list(app, false, Long.MAX_VALUE, 10);
            // A sender claims each event before it records how its attempt went.
            all.forEach(entry -> outbox.claim(entry.seq(), 0, Long.MAX_VALUE));
            outbox.markDelivered(all.get(2).seq(), 200, 2000);
            outbox.markRetry(all.get(1).seq(), OptionalInt.of(503), "HTTP 503", 9000);
            outbox.markFailed(all.get(0).seq(), true, OptionalInt.empty(), "no answer in time", 3000);
        }

        Result all = run("callbacks", "list", "--sdkappid", "1400000000");
        assertThat(all.status).as(all.err).isZero();
        assertThat(all.out).contains("e-delivered").contains("delivered")
                .contains("e-pending").contains("after HTTP 503")
                .contains("e-failed").contains("given up: no answer in time")
                .contains("3 event(s)");
        Result undelivered = run("callbacks", "list", "--sdkappid", "1400000000", "--undelivered");
        assertThat(undelivered.out).doesNotContain("e-delivered").contains("e-pending").contains("e-failed");

        Result noApp = run("callbacks", "list", "--sdkappid", "1400000099");
        assertThat(noApp.status).isEqualTo(1);
        assertThat(noApp.err).contains("no app with SDKAppID 1400000099");
    }

    private static CallbackOutbox.NewEvent event(SdkAppId app, String id) {
        return new CallbackOutbox.NewEvent(id, app, "r1", 1, 103, 1000, "{\"RoomId\":1}",
                CallbackOutbox.PresenceChange.NONE, null, null);
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(Map.of(), workingDirectory, Clock.fixed(NOW, ZoneOffset.UTC));
        int status = LianmaiCommand.commandLine(context, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    private record Result(int status, String out, String err) {
    }
}
