/**
 * SDP (RFC 8866) and the SFU's side of offer/answer (a JSEP subset, RFC 8829, with BUNDLE, RFC 8843).
 *
 * <p>{@link io.lianmai.media.sdp.SessionDescription#parse(String)} turns text into an immutable model that keeps
 * every line; typed accessors read the attributes WebRTC uses. {@link io.lianmai.media.sdp.AnswerBuilder} answers a
 * client's offer (WHIP publish, WHEP play), {@link io.lianmai.media.sdp.OfferBuilder} makes the server's own offers
 * to subscribers; both return a {@link io.lianmai.media.sdp.NegotiatedSession}, the only thing the forwarding code
 * needs to read. Signalling, not the packet path: allocation here is fine. See {@code docs/media-sdp.md}.
 */
package io.lianmai.media.sdp;
