/**
 * RTP (RFC 3550) on the wire, the one view both the SFU and the bridges use: {@link io.lianmai.wire.rtp.RtpPacket}
 * (§5.1, and the fixed header packetizers write) with RFC 8285 header extensions and the typed extensions the SFU
 * uses, RTX (RFC 4588), dispatch of payload inspection to each codec's payload format ({@link
 * io.lianmai.wire.rtp.Codec}; the formats are in {@code io.lianmai.wire.vp8}, {@code .vp9}, {@code .h264}, {@code
 * .h265}, {@code .av1}), and per-stream sequence state: {@link io.lianmai.wire.rtp.SequenceNumberUnwrapper} (the one
 * roll-over rule), {@link io.lianmai.wire.rtp.RtpSequenceTracker} (in-order loss detection for depacketizers) and
 * {@link io.lianmai.wire.rtp.RtpStreamStatistics} (RFC 3550 §A.3 receive statistics).
 *
 * <p>Everything here works on caller-owned {@code byte[]} buffers addressed as {@code (array, offset, length)}: nothing
 * allocates, logs or throws per packet. Malformed input makes a method return {@code false} or {@code -1}.
 */
package io.lianmai.wire.rtp;
