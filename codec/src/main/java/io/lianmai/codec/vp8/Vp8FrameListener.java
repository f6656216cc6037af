package io.lianmai.codec.vp8;

/**
 * Receives what a {@link Vp8RtpDepacketizer} reassembles. Every method is called on the thread that pushed the packet,
 * from inside {@code push}, for as long as the depacketizer is fed.
 */
public interface Vp8FrameListener {
    /**
     * A complete VP8 frame that decodes given the frames before it, at {@code buf[off, off + len)} in the
     * depacketizer's buffer, overwritten after the call returns (copy what must be kept).
     *
     * @param rtpTimestamp the packets' 32-bit RTP timestamp (90 kHz)
     * @param keyframe whether it is a keyframe
     * @param width picture width from the latest keyframe header
     * @param height picture height from the latest keyframe header
     */
    void onVp8Frame(byte[] buf, int off, int len, long rtpTimestamp, boolean keyframe, int width, int height);

    /**
     * Frames were lost or damaged (or the stream began without a keyframe): everything is dropped until the next
     * keyframe, so the sender should be asked for one (RTCP PLI). Called once each time the depacketizer starts
     * waiting; {@link Vp8RtpDepacketizer#isWaitingForKeyframe()} tells whether it still is.
     */
    default void onKeyframeNeeded() {
    }
}
