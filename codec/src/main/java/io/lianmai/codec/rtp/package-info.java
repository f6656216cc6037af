/**
 * RTP plumbing shared by the payload packetizers and depacketizers of this module: the fixed header ({@link
 * io.lianmai.codec.rtp.RtpHeader}), the output callback of packetizers ({@link io.lianmai.codec.rtp.RtpPacketSink}),
 * and in-order loss detection ({@link io.lianmai.codec.rtp.RtpSequenceTracker}).
 */
package io.lianmai.codec.rtp;
