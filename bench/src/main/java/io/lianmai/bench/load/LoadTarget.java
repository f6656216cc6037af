package io.lianmai.bench.load;

import java.net.http.HttpClient;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The media server a run loads: Lianmai ({@link ServerTarget}), SRS ({@link SrsTarget}) or Janus
 * ({@link JanusTarget}). The same simulated clients, media and measurements meet each; only the signalling differs,
 * and the CPU and memory are read from the server's process in {@code /proc} alike.
 */
interface LoadTarget extends AutoCloseable {
    /** {@code lianmai}, {@code srs} or {@code janus}. */
    String kind();

    /** The server's process id, when known, to read its CPU and memory. */
    OptionalLong pid();

    /** One line for the report. */
    String describe();

    /** The signalling of one run, over {@code http}; {@code log} takes progress lines. */
    Signalling signalling(HttpClient http, MediaShape shape, Consumer<String> log);

    @Override
    void close();
}
