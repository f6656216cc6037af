/**
 * The VP8 RTP payload format (RFC 7741): the payload descriptor and the start of the payload header, read in place.
 * Used by the SFU (keyframes, frame starts, temporal layers) and by the bridges' VP8 depacketizer.
 */
package io.lianmai.wire.vp8;
