/**
 * VP8 for the WebRTC-to-live bridge: the RTP payload descriptor (RFC 7741), the frame header (RFC 6386 §9.1) and frame
 * reassembly with loss handling ({@link io.lianmai.codec.vp8.Vp8RtpDepacketizer}).
 */
package io.lianmai.codec.vp8;
