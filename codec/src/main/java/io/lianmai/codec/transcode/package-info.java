/**
 * The transcoders of the RTMP/FLV/HLS ↔ WebRTC bridges, over FFmpeg: {@link io.lianmai.codec.transcode.AacToOpus}
 * (RTMP publisher to WebRTC), {@link io.lianmai.codec.transcode.OpusToAac} and {@link
 * io.lianmai.codec.transcode.Vp8ToH264} (WebRTC publisher to FLV/HLS).
 *
 * <p>Each transcoder is single-threaded (one owner thread calls everything, and its listener is called back on that
 * thread from inside {@code feed}), owns native memory that {@code close()} frees, and counts the bad input it skips
 * instead of throwing: {@link io.lianmai.codec.CodecException} comes only from opening a codec or an encoder failure.
 */
package io.lianmai.codec.transcode;
