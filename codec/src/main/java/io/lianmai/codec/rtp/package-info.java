/**
 * What this module's depacketizers share ({@link io.lianmai.codec.rtp.RtpDepacketizer}: header parsing, sequence
 * tracking, the keyframe wait and its counters). The RTP wire format itself is {@code io.lianmai.wire.rtp}'s.
 */
package io.lianmai.codec.rtp;
