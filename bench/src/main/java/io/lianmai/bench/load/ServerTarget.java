package io.lianmai.bench.load;

import io.lianmai.common.SdkAppId;
import java.net.URI;
import java.util.OptionalLong;

/** The Lianmai server a run loads: one it started as a child process, or one already running. */
interface ServerTarget extends AutoCloseable {
    /** The server's base URL, e.g. {@code http://127.0.0.1:8800/}. */
    URI baseUrl();

    /** The app whose members the run simulates. */
    SdkAppId sdkAppId();

    /** The app's secret key, to sign UserSigs. */
    String secretKey();

    /** The server's process id, when known, to read its CPU and memory. */
    OptionalLong pid();

    /** One line for the report. */
    String describe();

    @Override
    void close();
}
