package io.lianmai.media.session;

/**
 * How a registered WebRTC session is reached from the media port: implemented by the demultiplexer, told by the
 * {@link SessionRegistry} when a session is registered and when it ends. On the media loop.
 */
public interface SessionRouting {
    /** STUN checks naming the session's local username fragment now reach it. */
    void route(WebRtcSession session);

    /** Neither its username fragment nor any of its addresses reach the session any more. */
    void unroute(WebRtcSession session);
}
