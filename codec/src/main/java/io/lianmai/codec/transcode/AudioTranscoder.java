package io.lianmai.codec.transcode;

/**
 * What the two audio transcoders share: an {@link AudioPipeline} (decoder, resampler, encoder) fed through an {@link
 * AudioTimeline}. Each input unit (an AAC frame or an Opus packet) is size-checked, placed on the 48 kHz output
 * timeline (silence fills a short gap, a long one jumps, overlapping input is dropped, a large backward jump
 * re-anchors) and decoded; this class counts each outcome. The subclass knows its formats and its input clock.
 *
 * <p>Not thread-safe: one owner thread. {@link #close()} frees all native memory; it must be called.
 */
public abstract sealed class AudioTranscoder implements AutoCloseable permits AacToOpus, OpusToAac {
    /** Output samples per millisecond (48 kHz). */
    static final int SAMPLES_PER_MS = AudioPipeline.RATE / 1000;

    private final AudioTimeline timeline;
    private final int maxInputBytes;
    private AudioPipeline pipeline;

    private long inputsFed;
    private long outputsProduced;
    private long inputsCorrupt;
    private long inputsRejected;
    private long inputsDropped;
    private long filledSamples;
    private long jumps;
    private long resyncs;

    AudioTranscoder(int toleranceMillis, int fillLimitMillis, int maxInputBytes) {
        this.timeline = new AudioTimeline((long) toleranceMillis * SAMPLES_PER_MS,
                (long) fillLimitMillis * SAMPLES_PER_MS);
        this.maxInputBytes = maxInputBytes;
    }

    /** Sets the pipeline; called once from the subclass constructor (its callback needs the subclass). */
    final void open(AudioPipeline audioPipeline) {
        this.pipeline = audioPipeline;
    }

    final AudioPipeline pipeline() {
        return pipeline;
    }

    final AudioTimeline timeline() {
        return timeline;
    }

    /** Counts one input unit of {@code len} bytes; {@code false} (and counted as rejected) if it must not reach FFmpeg. */
    final boolean accept(int len) {
        inputsFed++;
        if (len <= 0 || len > maxInputBytes) {
            inputsRejected++;
            return false;
        }
        return true;
    }

    /**
     * Places the accepted unit at {@code buf[off, off + len)}, stamped {@code input} (48 kHz samples on the input's own
     * count), on the output timeline and decodes it; only reads the array.
     */
    final void decode(byte[] buf, int off, int len, long input) {
        boolean keep = true;
        switch (timeline.place(input, pipeline.position())) {
            case AudioTimeline.FILL:
                filledSamples += timeline.gap();
                pipeline.silence(timeline.gap());
                break;
            case AudioTimeline.JUMP:
                jumps++;
                pipeline.jumpTo(timeline.outputPosition(input));
                break;
            case AudioTimeline.DROP:
                inputsDropped++;
                keep = false;
                break;
            case AudioTimeline.RESYNC:
                resyncs++;
                break;
            default:
                break;
        }
        if (!pipeline.decode(buf, off, len, keep)) {
            inputsCorrupt++;
        }
    }

    /** Counts one output unit handed to the listener. */
    final void countOutput() {
        outputsProduced++;
    }

    /** Input units fed (AAC frames or Opus packets). */
    public final long inputsFed() {
        return inputsFed;
    }

    /** Output units produced (Opus packets or AAC frames). */
    public final long outputsProduced() {
        return outputsProduced;
    }

    /** Input units the decoder rejected as corrupt. */
    public final long inputsCorrupt() {
        return inputsCorrupt;
    }

    /** Input units refused for their size before reaching FFmpeg. */
    public final long inputsRejected() {
        return inputsRejected;
    }

    /** Input units dropped because they overlapped audio already sent (duplicates, late packets). */
    public final long inputsDropped() {
        return inputsDropped;
    }

    /** Samples (48 kHz) of silence inserted for missing input. */
    public final long filledSamples() {
        return filledSamples;
    }

    /** Forward timestamp jumps passed on to the output. */
    public final long jumps() {
        return jumps;
    }

    /** Backward timestamp jumps that re-anchored the mapping. */
    public final long resyncs() {
        return resyncs;
    }

    /** Frees the decoder, resampler and encoder; idempotent. */
    @Override
    public final void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
