package io.lianmai.codec.h264;

/**
 * Receives what an {@link H264RtpDepacketizer} reassembles. Every method is called on the thread that pushed the
 * packet, from inside {@code push}, for as long as the depacketizer is fed.
 */
public interface H264AccessUnitListener {
    /**
     * A complete access unit that decodes given the stream's parameter sets: AVCC with 4-byte NAL lengths at {@code
     * buf[off, off + len)}, in the depacketizer's buffer, overwritten after the call returns (copy what must be kept).
     * Parameter sets that came in-band stay in the access unit.
     *
     * @param rtpTimestamp the packets' 32-bit RTP timestamp (90 kHz)
     * @param keyframe whether it holds an IDR slice
     */
    void onAccessUnit(byte[] buf, int off, int len, long rtpTimestamp, boolean keyframe);

    /**
     * The SPS or PPS differs from before (or is first known): called just before the first access unit that follows
     * them, so an FLV writer can send a new AVC sequence header first.
     */
    default void onSequenceHeaderChanged(AvcDecoderConfigurationRecord record) {
    }

    /**
     * Access units were lost or damaged (or the stream began without a keyframe): everything is dropped until the next
     * IDR, so the sender should be asked for one (RTCP PLI/FIR). Called once each time the depacketizer starts waiting;
     * {@link H264RtpDepacketizer#isWaitingForKeyframe()} tells whether it still is, for repeated requests.
     */
    default void onKeyframeNeeded() {
    }
}
