/**
 * The codec-level prefixes of FLV tag bodies (which are also RTMP audio/video message bodies): {@link
 * io.lianmai.codec.flv.FlvVideoTagHeader} for AVC and {@link io.lianmai.codec.flv.FlvAudioTagHeader} for AAC. The
 * FLV container itself (file header, tag headers) is written by {@code io.lianmai.live.flv}.
 */
package io.lianmai.codec.flv;
