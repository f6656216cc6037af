package io.lianmai.live.hls;

import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import java.nio.ByteBuffer;

/**
 * Writes one stream's frames as MPEG-TS (ISO/IEC 13818-1) and hands the bytes out a segment at a time. One muxer
 * lives for one run of unchanged tracks; a codec change or timestamp jump starts another.
 *
 * <p>Not thread-safe: its {@link HlsStream} calls it under its own lock.
 */
interface TsMuxer {
    /** Track of a frame. */
    enum Track { VIDEO, AUDIO }

    /**
     * A buffer of at least {@code capacity} bytes, position 0, to put the next frame in; valid until the next call.
     * Video goes in Annex-B form with a 4-byte start code per NAL unit; audio as one raw AAC frame.
     */
    ByteBuffer frameBuffer(int capacity) throws HlsException;

    /**
     * Muxes the first {@code length} bytes of the {@link #frameBuffer}.
     *
     * @param dtsMillis decode time in ms, strictly increasing per track
     * @param ptsMillis presentation time in ms, not before {@code dtsMillis}
     */
    void writeFrame(Track track, int length, long dtsMillis, long ptsMillis, boolean keyframe) throws HlsException;

    /** Ends the current segment: returns its bytes; the next frame starts a new one with PAT and PMT. */
    byte[] cut() throws HlsException;

    /** Ends the last segment and returns its bytes (possibly none); the muxer is then closed. */
    byte[] finish() throws HlsException;

    /** Frees everything the muxer holds; idempotent, also after {@link #finish}. */
    void close();

    /** Opens muxers. */
    @FunctionalInterface
    interface Factory {
        /**
         * A muxer for these tracks, whose configurations passed {@link TsInputCheck}.
         *
         * @param video the H.264 configuration, or null for no video track
         * @param audio the AAC configuration, or null for no audio track
         */
        TsMuxer open(AvcDecoderConfigurationRecord video, AudioSpecificConfig audio) throws HlsException;
    }
}
