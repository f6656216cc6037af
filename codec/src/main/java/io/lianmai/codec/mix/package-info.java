/**
 * The media engine of an MCU mix: decodes members' video (H.264, VP8) and audio (Opus, AAC), places them on one
 * timeline by their capture clocks, composes the pictures by TRTC's layout templates, mixes the audio (with
 * per-listener mix-minus) and encodes H.264, AAC and Opus. See docs/mixing.md.
 */
package io.lianmai.codec.mix;
