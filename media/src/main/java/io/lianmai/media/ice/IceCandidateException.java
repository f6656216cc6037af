package io.lianmai.media.ice;

/**
 * A candidate line that does not follow RFC 8839 §5.1 or uses something this server does not support (a transport
 * other than UDP and TCP, an unknown candidate type). The message names the field and quotes the line.
 */
public final class IceCandidateException extends Exception {

    IceCandidateException(String message) {
        super(message);
    }
}
