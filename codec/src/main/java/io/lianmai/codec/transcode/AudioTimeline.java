package io.lianmai.codec.transcode;

/**
 * Keeps a transcoder's output samples in step with its input timestamps, in 48 kHz samples. Each input frame's
 * timestamp says where it should land on the output; the output position says where it would land. Their difference
 * decides:
 *
 * <ul>
 *   <li>within ± {@code tolerance}: play it (timestamp jitter and rounding are absorbed, never accumulated);
 *   <li>ahead by up to {@code fillLimit} (lost or missing input): {@link #FILL} the gap with silence first;
 *   <li>ahead by more (the source paused or its clock jumped): {@link #JUMP} the output timestamps forward, without
 *       producing the gap's samples;
 *   <li>behind by up to {@code fillLimit} (duplicate, late or overlapping input): {@link #DROP} the frame;
 *   <li>behind by more (the source's clock went back, e.g. a restarted publisher): {@link #RESYNC}, i.e. take this
 *       frame as the new anchor and go on from the current output position, so output timestamps never go back.
 * </ul>
 *
 * Since the comparison is against an anchor and the actual output count, nothing drifts: the output stays within the
 * tolerance of the input timeline, except across a RESYNC, which moves the mapping ({@link #outputPosition(long)}).
 */
final class AudioTimeline {
    static final int PLAY = 0;
    static final int FILL = 1;
    static final int JUMP = 2;
    static final int DROP = 3;
    static final int RESYNC = 4;

    private final long tolerance;
    private final long fillLimit;
    private boolean anchored;
    private long anchorInput;
    private long anchorOutput;
    private long gap;

    AudioTimeline(long toleranceSamples, long fillLimitSamples) {
        this.tolerance = toleranceSamples;
        this.fillLimit = fillLimitSamples;
    }

    /**
     * Decides for an input frame at {@code inputTimestamp} when the output is at {@code outputPosition} (both in 48 kHz
     * samples); for FILL and JUMP, {@link #gap()} tells by how many samples.
     */
    int place(long inputTimestamp, long outputPosition) {
        if (!anchored) {
            anchored = true;
            anchorInput = inputTimestamp;
            anchorOutput = outputPosition;
            return PLAY;
        }
        long diff = anchorOutput + (inputTimestamp - anchorInput) - outputPosition;
        gap = diff;
        if (Math.abs(diff) <= tolerance) {
            return PLAY;
        }
        if (diff > 0) {
            return diff <= fillLimit ? FILL : JUMP;
        }
        if (-diff <= fillLimit) {
            return DROP;
        }
        anchorInput = inputTimestamp;
        anchorOutput = outputPosition;
        return RESYNC;
    }

    /** The samples to fill or jump for the last FILL or JUMP decision. */
    long gap() {
        return gap;
    }

    /** Where input at {@code inputTimestamp} lands on the output under the current anchor (48 kHz samples). */
    long outputPosition(long inputTimestamp) {
        return anchorOutput + (inputTimestamp - anchorInput);
    }

    boolean anchored() {
        return anchored;
    }
}
