package io.lianmai.codec.transcode;

/** Receives the AAC frames of an {@link OpusToAac}, on its owner thread, from inside {@code feed}. */
@FunctionalInterface
public interface AacFrameListener {
    /**
     * One raw AAC-LC frame (1024 samples at 48 kHz, no ADTS header: the body of an FLV AAC raw tag after its 2-byte
     * prefix) at {@code buf[off, off + len)}, in the transcoder's buffer, overwritten after the call returns.
     *
     * @param timestampMillis the frame's first sample in milliseconds, {@link OpusToAac.Config#startMillis()} plus the
     *     output position (rounded down, so it never drifts)
     */
    void onAacFrame(byte[] buf, int off, int len, long timestampMillis);
}
