/**
 * RTP packet views for the forward path: {@link io.lianmai.media.rtp.RtpPacket} (RFC 3550 §5.1) with RFC 8285 header
 * extensions and the typed extensions the SFU uses, RTX (RFC 4588), codec payload inspection for keyframes and frame
 * starts ({@link io.lianmai.media.rtp.Codec}), and the per-stream receive state ({@link
 * io.lianmai.media.rtp.SequenceNumberUnwrapper}, {@link io.lianmai.media.rtp.RtpStreamStatistics}).
 *
 * <p>Everything here works on caller-owned {@code byte[]} buffers addressed as {@code (array, offset, length)}: nothing
 * allocates, logs or throws per packet. Malformed input makes a method return {@code false} or {@code -1}.
 */
package io.lianmai.media.rtp;
