/** The VP9 RTP payload format (RFC 9628): the payload descriptor, read in place for keyframes, frame starts, layers. */
package io.lianmai.wire.vp9;
