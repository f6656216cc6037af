/**
 * RTCP (RFC 3550 §6) on the wire, for the SFU and the load generator: compound packet iteration ({@link
 * io.lianmai.wire.rtcp.RtcpIterator}, RFC 3550 §6.1), reports, SDES and BYE (RFC 3550 §6.4–6.6), the feedback
 * messages the SFU reads and sends (generic NACK, PLI, FIR, REMB, transport-cc), and in-place SSRC rewriting for SR
 * translation.
 *
 * <p>Views are reusable objects bound with {@code wrap(buffer, offset, length)} to one RTCP packet inside the caller's
 * buffer; {@code wrap} validates every length the accessors rely on and returns {@code false} instead of throwing.
 * Writers are static methods that write into a caller-provided array at an offset and return the bytes written, or -1
 * if the array has no room. Nothing here allocates, logs or throws per packet.
 */
package io.lianmai.wire.rtcp;
