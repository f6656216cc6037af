package io.lianmai.bench.load;

/**
 * Janus refused a request or answered something the VideoRoom flow cannot use: {@code code} is Janus's error code
 * (its API's or the plugin's, e.g. 428 "No such feed"), 0 when the reply itself was unusable.
 */
final class JanusException extends RuntimeException {
    private final int code;

    JanusException(int code, String message) {
        super(message);
        this.code = code;
    }

    JanusException(String message) {
        this(0, message);
    }

    int code() {
        return code;
    }
}
