package io.lianmai.media.ice;

/**
 * The state of one session's ICE as {@link IceLiteAgent#poll()} reports it, named after the W3C
 * {@code RTCIceConnectionState} values a browser would show for the same situation.
 */
public enum IceConnectionState {
    /** No pair nominated yet; the client is checking. Becomes FAILED after the connect timeout. */
    CHECKING,
    /** A pair is nominated and the client renewed consent recently (RFC 7675). */
    CONNECTED,
    /** A pair is nominated but consent has not been renewed for a while; media may still flow. Recoverable. */
    DISCONNECTED,
    /** Consent expired (RFC 7675 §5.1) or the client never connected. Final: end the session. */
    FAILED
}
