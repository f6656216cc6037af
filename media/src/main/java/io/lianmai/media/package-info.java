/**
 * The WebRTC media plane: {@code ice} (STUN, ICE-lite, ICE-TCP framing), {@code dtls} (DTLS 1.2 with
 * BouncyCastle), {@code srtp} (SRTP/SRTCP), {@code rtp} and {@code rtcp} (packet views), {@code sdp} (offer/answer)
 * and {@code sfu} (forwarding). Knows nothing of rooms.
 */
package io.lianmai.media;
