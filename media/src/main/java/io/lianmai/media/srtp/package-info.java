/**
 * SRTP and SRTCP (RFC 3711, RFC 7714) over heap arrays, in place, allocation-free per packet.
 *
 * <p>{@link io.lianmai.media.srtp.SrtpContext} protects or unprotects the packets of one direction of one session;
 * {@link io.lianmai.media.srtp.SrtpProfile} names the two profiles WebRTC negotiates over DTLS-SRTP. See
 * {@code docs/media-dtls-srtp.md}.
 */
package io.lianmai.media.srtp;
