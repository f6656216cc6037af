/**
 * H.264 on the wire: NAL unit types (ITU-T H.264 Table 7-1) and the RTP payload format of RFC 6184 (single NAL unit,
 * STAP-A, FU-A), read in place. The SFU finds keyframes and frame starts here; the bridges' packetizer, depacketizer
 * and Annex B/AVCC code use the same NAL unit types.
 */
package io.lianmai.wire.h264;
