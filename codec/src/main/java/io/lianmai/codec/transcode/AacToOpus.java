package io.lianmai.codec.transcode;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.aac.AudioSpecificConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Transcodes the AAC of an RTMP publisher into the Opus WebRTC receivers expect (opus/48000/2, RFC 7587): FFmpeg's
 * aac decoder, libswresample to 48 kHz stereo, libopus in 20 ms frames.
 *
 * <p>Input: raw AAC frames (the FLV AAC raw tag body after its 2-byte prefix) with their FLV millisecond timestamps.
 * Output: Opus packets with 48 kHz timestamps counted from {@link Config#startTimestamp()}, delivered to the {@link
 * OpusPacketListener} from inside {@link #feed}.
 *
 * <p>Timing ({@link AudioTimeline}): output follows the input timestamps within {@link Config#toleranceMillis()}.
 * Input missing for up to {@link Config#fillLimitMillis()} (a lost or corrupt frame) is filled with silence; a longer
 * forward jump (publisher paused) makes the Opus timestamps jump too, as after DTX, instead of sending a burst of
 * silence; overlapping input is dropped; a backward jump larger than the fill limit re-anchors the mapping and the
 * output continues without going back. {@link #outputTimestamp(long)} gives the current mapping of an FLV timestamp
 * to the Opus timeline, for lip sync with the video. Decoded audio lags that mapping by libopus' look-ahead (2.5 ms in
 * low-delay mode).
 *
 * <p>Corrupt AAC frames are skipped and counted ({@link #inputsCorrupt()}); frames of 0 or more than {@value
 * #MAX_FRAME_BYTES} bytes are not handed to FFmpeg ({@link #inputsRejected()}). Not thread-safe: one owner thread.
 * {@link #close()} frees all native memory; it must be called.
 */
public final class AacToOpus extends AudioTranscoder {
    /** Largest AAC frame accepted: 6144 bits per channel for 8 channels is the AAC maximum, 6144 bytes. */
    public static final int MAX_FRAME_BYTES = 8192;

    /** libopus application modes (its {@code application} option). */
    public enum Application {
        /** Speech-optimised SILK/hybrid. */
        VOIP("voip"),
        /** General audio. */
        AUDIO("audio"),
        /** CELT only, 2.5 ms look-ahead instead of 6.5 ms. */
        LOW_DELAY("lowdelay");

        private final String option;

        Application(String option) {
            this.option = option;
        }
    }

    /**
     * Settings of one transcoder.
     *
     * @param bitrate Opus bit rate in bit/s (6000..510000)
     * @param application libopus mode
     * @param startTimestamp 48 kHz timestamp of the first output sample
     * @param toleranceMillis timestamp jitter absorbed without filling or dropping
     * @param fillLimitMillis largest gap filled with silence; a longer one jumps the output timestamps
     */
    public record Config(int bitrate, Application application, long startTimestamp, int toleranceMillis,
            int fillLimitMillis) {
        /**
         * 48 kbit/s stereo is transparent enough for speech and music in WebRTC; low-delay mode as asked for live
         * interaction; 40 ms tolerance absorbs the jitter of encoders that stamp FLV audio from a wall clock and stays
         * within lip-sync tolerance; 200 ms fill covers lost frames without sending a burst to receivers.
         */
        public static final Config DEFAULTS = new Config(48_000, Application.LOW_DELAY, 0, 40, 200);

        public Config {
            if (bitrate < 6_000 || bitrate > 510_000) {
                throw new IllegalArgumentException("Opus bit rate out of range: " + bitrate);
            }
            if (application == null) {
                throw new IllegalArgumentException("application is null");
            }
            if (toleranceMillis < 0 || fillLimitMillis < toleranceMillis) {
                throw new IllegalArgumentException("need 0 <= tolerance <= fill limit");
            }
        }

        public Config withBitrate(int bitrate) {
            return new Config(bitrate, application, startTimestamp, toleranceMillis, fillLimitMillis);
        }

        public Config withApplication(Application application) {
            return new Config(bitrate, application, startTimestamp, toleranceMillis, fillLimitMillis);
        }

        public Config withStartTimestamp(long startTimestamp) {
            return new Config(bitrate, application, startTimestamp, toleranceMillis, fillLimitMillis);
        }

        public Config withTiming(int toleranceMillis, int fillLimitMillis) {
            return new Config(bitrate, application, startTimestamp, toleranceMillis, fillLimitMillis);
        }
    }

    private final Config config;
    private final OpusPacketListener listener;

    /**
     * Opens the decoder for {@code aac} (from the FLV AAC sequence header) and the Opus encoder; {@link CodecException}
     * if FFmpeg refuses either (e.g. an AudioSpecificConfig it cannot decode).
     */
    public AacToOpus(AudioSpecificConfig aac, Config config, OpusPacketListener listener) {
        super(config.toleranceMillis(), config.fillLimitMillis(), MAX_FRAME_BYTES);
        this.config = config;
        this.listener = listener;
        open(new AudioPipeline("aac", aac.toBytes(), "libopus", false, config.bitrate(),
                Map.of("application", config.application().option, "frame_duration", "20", "vbr", "on"),
                this::onEncoded));
    }

    /**
     * Transcodes one raw AAC frame at {@code frame[off, off + len)} stamped {@code timestampMillis} (FLV time); only
     * reads the array. Packets that become complete are delivered before this returns. Never throws for bad data;
     * {@link IndexOutOfBoundsException} if the range lies outside the array, {@link CodecException} only for a failure
     * of the encoder itself, {@link IllegalStateException} after close.
     */
    public void feed(byte[] frame, int off, int len, long timestampMillis) {
        Objects.checkFromIndexSize(off, len, frame.length);
        if (accept(len)) {
            decode(frame, off, len, timestampMillis * SAMPLES_PER_MS);
        }
    }

    private void onEncoded(byte[] buf, int len, long position) {
        countOutput();
        listener.onOpusPacket(buf, 0, len, config.startTimestamp() + position);
    }

    /**
     * The 48 kHz output timestamp that input stamped {@code timestampMillis} maps to under the current anchor (before
     * the first frame: {@code startTimestamp}); use it to align the Opus RTP clock with the video's.
     */
    public long outputTimestamp(long timestampMillis) {
        if (!timeline().anchored()) {
            return config.startTimestamp();
        }
        return config.startTimestamp() + timeline().outputPosition(timestampMillis * SAMPLES_PER_MS);
    }

    /** The settings. */
    public Config config() {
        return config;
    }
}
