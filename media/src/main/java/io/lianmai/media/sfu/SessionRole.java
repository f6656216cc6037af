package io.lianmai.media.sfu;

import io.lianmai.wire.rtp.RtpPacket;

/**
 * What a session does with media: receive a published stream ({@link Publication}) or send one to a player
 * ({@link Subscription}). Called on the media thread only.
 */
public interface SessionRole {
    /** A decrypted RTP packet from the peer; {@code scratch} is free for the role's use. */
    void onRtp(RtpPacket packet, long nowMillis, byte[] scratch);

    /** A decrypted RTCP compound packet from the peer. */
    void onRtcp(byte[] buf, int off, int len, long nowMillis, byte[] scratch);

    /** Periodic work (NACKs, keyframe requests, reports), about every 20 ms. */
    void tick(long nowMillis, byte[] scratch);

    /** The session ends: detach from streams. */
    void close();
}
