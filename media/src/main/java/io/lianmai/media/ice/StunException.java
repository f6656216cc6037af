package io.lianmai.media.ice;

/**
 * A byte sequence that is not a well-formed STUN message (RFC 8489 §5, §14). Thrown only by
 * {@link StunMessage#parse}; the packet path catches it, counts {@link #reason()} and drops the datagram.
 *
 * <p>Carries no stack trace: garbage arrives at line rate from anyone who can reach the port, and a stack trace per
 * bad datagram would turn it into a CPU attack. The message says what was wrong and where.
 */
public final class StunException extends Exception {

    /** Why a message was rejected, for counters. */
    public enum Reason {
        /** Fewer bytes than the 20-byte header, or than the header's length field promises. */
        TRUNCATED,
        /** Not STUN at all: the type's top two bits are set or the magic cookie is missing (RFC 8489 §5). */
        NOT_STUN,
        /** The header's length is not a multiple of 4 or disagrees with the bytes given (RFC 8489 §5). */
        BAD_LENGTH,
        /** An attribute overruns the message, has the wrong size for its type, or an invalid value (RFC 8489 §14). */
        BAD_ATTRIBUTE
    }

    private final Reason reason;

    StunException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** Why the message was rejected. */
    public Reason reason() {
        return reason;
    }
}
