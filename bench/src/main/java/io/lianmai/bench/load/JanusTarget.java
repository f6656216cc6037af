package io.lianmai.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A Janus server already running ({@code --target janus=http://127.0.0.1:8088/janus}, its HTTP API), loaded through
 * its VideoRoom plugin; {@code pid} from {@code --janus-pid}. Janus gathers no candidates on loopback interfaces:
 * run it, the generator and the other servers inside one network namespace (docs/benchmarks.md).
 */
record JanusTarget(URI api, OptionalLong pid) implements LoadTarget {
    @Override
    public String kind() {
        return "janus";
    }

    @Override
    public String describe() {
        return "Janus VideoRoom at " + api + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : " (pid unknown)");
    }

    @Override
    public Signalling signalling(HttpClient http, MediaShape shape, Consumer<String> log) {
        return new JanusSignalling(api, http, shape.h264() ? "h264" : "vp8",
                Duration.ofSeconds(ServerTarget.JOIN_TIMEOUT_SECONDS), log);
    }

    @Override
    public void close() {
    }
}
