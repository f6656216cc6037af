/**
 * The WebRTC media plane: its API ({@link io.lianmai.media.MediaPlane}) and the facade that implements it
 * ({@link io.lianmai.media.MediaServer}) over {@code transport} (sockets, egress lanes), {@code demux} (RFC 7983
 * demultiplexing), {@code session} (sessions, their registry and creation) and {@code sfu} (forwarding); and the wire
 * formats {@code ice} (STUN, ICE-lite, ICE-TCP framing), {@code dtls} (DTLS 1.2 with BouncyCastle), {@code srtp}
 * (SRTP/SRTCP), {@code rtp} and {@code rtcp} (packet views) and {@code sdp} (offer/answer). Knows nothing of rooms.
 */
package io.lianmai.media;
