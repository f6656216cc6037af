package io.lianmai.codec.mix;

/**
 * One member stream fed into a {@link Mixer}: its media in, its clock mapping, its counters. Obtained from {@code
 * Mixer.add*Input}; call only on the mixer's owner thread. Bad input is counted, never thrown.
 */
public interface MixInput {
    /** The member (TRTC UserId). */
    String userId();

    /** 0 main (camera / microphone), 1 auxiliary (screen share). */
    int streamType();

    /**
     * One access unit or frame: H.264 AVCC with 4-byte lengths (as {@code H264RtpDepacketizer} gives), a VP8 frame,
     * an Opus RTP payload or a raw AAC frame; {@code timestamp} in the input's clock (90 kHz, 48 kHz, or ms for AAC),
     * the presentation time (for RTMP H.264: FLV dts plus composition time, × 90);
     * {@code arrivalMillis} on the mixer clock, used only until {@link #setClockMapping} is called. Only reads the
     * array.
     */
    void feed(byte[] buf, int off, int len, long timestamp, long arrivalMillis);

    /**
     * Media timestamp {@code timestamp} was captured at {@code millis} on the mixer clock: what an RTCP sender report
     * gives (its RTP timestamp and NTP time, the NTP time converted to the mixer clock); replaces the arrival-time
     * mapping. Audio and video of one member stay in sync when both are mapped from the same sender's reports.
     */
    void setClockMapping(long timestamp, double millis);

    /** Frames fed. */
    long framesIn();

    /** Frames the decoder rejected. */
    long corruptFrames();

    /** Frames refused before decoding (empty, too large, malformed AVCC), or pictures of an unusable size. */
    long rejectedFrames();

    /** Frames or samples that arrived too late for the mix (behind the mixer's playout point) or too far ahead. */
    long lateFrames();
}
