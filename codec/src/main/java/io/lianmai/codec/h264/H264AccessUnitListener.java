package io.lianmai.codec.h264;

/**
 * Receives H.264 access units: those an {@link H264RtpDepacketizer} reassembles, or those {@code
 * io.lianmai.codec.transcode.Vp8ToH264} encodes. Every method is called on the thread that fed the producer, from
 * inside its {@code push}/{@code feed}, for as long as it is fed.
 */
public interface H264AccessUnitListener {
    /**
     * A complete access unit that decodes given the stream's parameter sets: AVCC with 4-byte NAL lengths at {@code
     * buf[off, off + len)}, in the depacketizer's buffer, overwritten after the call returns (copy what must be kept).
     * Parameter sets that came in-band stay in the access unit.
     *
     * @param timestamp 90 kHz: the packets' 32-bit RTP timestamp (depacketizer), or the input frame's (transcoder)
     * @param keyframe whether it holds an IDR slice
     */
    void onAccessUnit(byte[] buf, int off, int len, long timestamp, boolean keyframe);

    /**
     * The SPS or PPS differs from before (or is first known): called just before the first access unit that follows
     * them, so an FLV writer can send a new AVC sequence header first.
     */
    default void onSequenceHeaderChanged(AvcDecoderConfigurationRecord record) {
    }

    /**
     * The input cannot be decoded until a keyframe arrives, so the sender should be asked for one (RTCP PLI/FIR). The
     * depacketizer calls it when access units were lost or damaged, or the stream began without an IDR, and then drops
     * everything until the next IDR; {@link H264RtpDepacketizer#isWaitingForKeyframe()} tells whether it still waits,
     * for repeated requests. {@code Vp8ToH264} calls it before the first VP8 keyframe and after the VP8 decoder rejected
     * a frame. Called once per such episode.
     */
    default void onKeyframeNeeded() {
    }
}
