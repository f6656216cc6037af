package io.lianmai.bench.load;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.function.Consumer;

/** The Lianmai server a run loads: one it started as a child process, or one already running. */
interface ServerTarget extends LoadTarget {
    /** How long a WHIP/WHEP POST may take. */
    long JOIN_TIMEOUT_SECONDS = 30;

    /** The server's base URL, e.g. {@code http://127.0.0.1:8800/}. */
    URI baseUrl();

    /** The app whose members the run simulates. */
    SdkAppId sdkAppId();

    /** The app's secret key, to sign UserSigs. */
    String secretKey();

    @Override
    default String kind() {
        return "lianmai";
    }

    /** Lianmai's WHIP/WHEP, each member with a UserSig of the app. */
    @Override
    default Signalling signalling(HttpClient http, MediaShape shape, Consumer<String> log) {
        return new Joiner(this, new UserSigSigner(sdkAppId(), secretKey(), Clock.systemUTC()), http,
                JOIN_TIMEOUT_SECONDS, log);
    }
}
