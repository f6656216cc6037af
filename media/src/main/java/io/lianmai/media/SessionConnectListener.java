package io.lianmai.media;

/**
 * Hears how long each WebRTC session took to connect, for metrics: told once per session, when its DTLS handshake
 * (RFC 5764) yields SRTP keys. Sessions that never connect are not told.
 *
 * <p>Thread: called on the media loop; it must be quick, must not block and must not call back into the media plane.
 */
@FunctionalInterface
public interface SessionConnectListener {
    /**
     * @param publisher whether the session publishes (SDK publisher or WHIP) rather than plays (SDK player or WHEP)
     * @param offerToConnectedMillis from the offer being accepted to the SRTP keys: ICE, then DTLS, as the user waits
     * @param handshakeMillis from the first valid ICE check (which starts the handshake) to the SRTP keys
     */
    void onSessionConnected(boolean publisher, long offerToConnectedMillis, long handshakeMillis);
}
