/**
 * STUN (RFC 8489), the server's side of ICE-lite (RFC 8445 §2.5) with consent freshness (RFC 7675), ICE candidate
 * lines for SDP (RFC 8839, RFC 6544) and RFC 4571 framing for ICE-TCP.
 *
 * <p>Parsers ({@link io.lianmai.media.ice.StunMessage}, {@link io.lianmai.media.ice.IceCandidate}) are created only
 * through a static {@code parse} that validates every length before reading. The request path
 * ({@link io.lianmai.media.ice.IceLiteAgent#onBindingRequest}) allocates nothing once a candidate address is known and
 * never logs: it counts. See {@code docs/media-ice.md}.
 */
package io.lianmai.media.ice;
