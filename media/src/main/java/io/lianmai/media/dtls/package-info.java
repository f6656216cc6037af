/**
 * DTLS 1.2 for DTLS-SRTP (RFC 5763, RFC 5764) on BouncyCastle: the process-wide certificate and its SDP
 * fingerprint, server and client sessions fed datagram by datagram, and the SRTP keys they export.
 *
 * <p>Start at {@link io.lianmai.media.dtls.DtlsContext}. See {@code docs/media-dtls-srtp.md}.
 */
package io.lianmai.media.dtls;
