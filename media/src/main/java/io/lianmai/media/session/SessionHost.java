package io.lianmai.media.session;

/**
 * What a session may ask of the media plane that holds it, and no more: the media clock, a flush of what the
 * forwarder queued, its own end, and the two events of its life the plane acts on. Implemented by
 * {@link SessionRegistry}; every method but {@link #end(String)} is called on the media loop.
 */
interface SessionHost {
    /** The media clock, for sessions that feed the forwarder outside the receive path. */
    long nowMillis();

    /** Sends what the forwarder queued (after a local publisher's burst). */
    void flush();

    /** Ends a session and everything that depends on it; idempotent. */
    void endSession(Session session, Session.EndReason reason);

    /** Ends a session at its owner's request, from any thread; false when it is unknown or ending already. */
    boolean end(String sessionId);

    /** The session's DTLS completed (or a local player started): players start receiving, from a keyframe. */
    void onSessionConnected(Session session);

    /** The session's DTLS handshake connected or failed, or the session ended: its handshake slot is freed once. */
    void onHandshakeFinished(WebRtcSession session);
}
