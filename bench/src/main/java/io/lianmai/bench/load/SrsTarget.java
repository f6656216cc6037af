package io.lianmai.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * An SRS server already running ({@code --target srs=http://127.0.0.1:11985}, its HTTP API), loaded through its
 * WHIP/WHEP endpoints; {@code pid} from {@code --srs-pid}.
 */
record SrsTarget(URI api, OptionalLong pid) implements LoadTarget {
    @Override
    public String kind() {
        return "srs";
    }

    @Override
    public String describe() {
        return "SRS at " + api + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : " (pid unknown)");
    }

    @Override
    public Signalling signalling(HttpClient http, MediaShape shape, Consumer<String> log) {
        return new SrsSignalling(api, http, ServerTarget.JOIN_TIMEOUT_SECONDS, log);
    }

    @Override
    public void close() {
    }
}
