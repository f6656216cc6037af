/**
 * Recording live streams to files as they arrive (fragmented MP4, HLS), for cloud recording: {@link
 * io.lianmai.live.record.FlvRecorder} is a player of the live stream hub, {@link io.lianmai.live.record.FileMuxer}
 * writes the files with FFmpeg.
 */
package io.lianmai.live.record;
