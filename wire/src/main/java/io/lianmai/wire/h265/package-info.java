/** The H.265 RTP payload format (RFC 7798), read in place for keyframes and frame starts. */
package io.lianmai.wire.h265;
