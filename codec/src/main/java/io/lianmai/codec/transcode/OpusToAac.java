package io.lianmai.codec.transcode;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.aac.AudioSpecificConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Transcodes a WebRTC publisher's Opus into AAC-LC for FLV and HLS players: FFmpeg's opus decoder at 48 kHz stereo,
 * then FFmpeg's native aac encoder (48 kHz stereo, 1024-sample frames).
 *
 * <p>Input: Opus packets (RTP payloads) with their 32-bit RTP timestamps (48 kHz; wrap-around handled). Output: raw
 * AAC frames with millisecond timestamps counted from {@link Config#startMillis()}, delivered to the {@link
 * AacFrameListener} from inside {@link #feed}; {@link #audioSpecificConfig()} is the FLV AAC sequence header body.
 *
 * <p>Timing ({@link AudioTimeline}): output follows the RTP timestamps within {@link Config#toleranceMillis()}. A
 * gap of up to {@link Config#fillLimitMillis()} (packet loss, DTX) is filled with silence, so players see continuous
 * audio; a longer one makes the AAC timestamps jump; duplicate or late packets are dropped; a backward jump larger than
 * the fill limit re-anchors the mapping and the output continues. {@link #outputMillis(long)} gives the current
 * mapping of an RTP timestamp to the AAC timeline. Decoded AAC lags that mapping by the encoder's 1024-sample
 * priming (21.3 ms), which FLV cannot signal.
 *
 * <p>Corrupt Opus packets are skipped and counted; packets of 0 or more than {@value #MAX_PACKET_BYTES} bytes never
 * reach FFmpeg. Not thread-safe: one owner thread. {@link #close()} frees all native memory; it must be called.
 */
public final class OpusToAac extends AudioTranscoder {
    /** Largest Opus packet accepted: RTP packets stay far below; 120 ms of 1275-byte frames is 7650 bytes. */
    public static final int MAX_PACKET_BYTES = 8192;

    /**
     * Settings of one transcoder.
     *
     * @param bitrate AAC bit rate in bit/s (16000..320000)
     * @param startMillis millisecond timestamp of the first output sample
     * @param toleranceMillis timestamp jitter absorbed without filling or dropping
     * @param fillLimitMillis largest gap filled with silence; a longer one jumps the output timestamps
     */
    public record Config(int bitrate, long startMillis, int toleranceMillis, int fillLimitMillis) {
        /**
         * 96 kbit/s AAC-LC stereo at 48 kHz is near-transparent for the ≤ 64 kbit/s Opus it comes from; 10 ms tolerance
         * (RTP timestamps are sample-exact) fills every lost 20 ms packet; 5 s fill covers DTX and short outages with
         * continuous audio, which HLS and FLV players need.
         */
        public static final Config DEFAULTS = new Config(96_000, 0, 10, 5_000);

        public Config {
            if (bitrate < 16_000 || bitrate > 320_000) {
                throw new IllegalArgumentException("AAC bit rate out of range: " + bitrate);
            }
            if (toleranceMillis < 0 || fillLimitMillis < toleranceMillis) {
                throw new IllegalArgumentException("need 0 <= tolerance <= fill limit");
            }
        }

        public Config withBitrate(int bitrate) {
            return new Config(bitrate, startMillis, toleranceMillis, fillLimitMillis);
        }

        public Config withStartMillis(long startMillis) {
            return new Config(bitrate, startMillis, toleranceMillis, fillLimitMillis);
        }

        public Config withTiming(int toleranceMillis, int fillLimitMillis) {
            return new Config(bitrate, startMillis, toleranceMillis, fillLimitMillis);
        }
    }

    private final Config config;
    private final AacFrameListener listener;
    private final AudioSpecificConfig audioSpecificConfig;

    private boolean started;
    private long lastRtpTimestamp;
    private long unwrapped;


    /** Opens the Opus decoder and the AAC encoder; {@link CodecException} if FFmpeg refuses either. */
    public OpusToAac(Config config, AacFrameListener listener) {
        super(config.toleranceMillis(), config.fillLimitMillis(), MAX_PACKET_BYTES);
        this.config = config;
        this.listener = listener;
        open(new AudioPipeline("opus", null, "aac", true, config.bitrate(), Map.of(), this::onEncoded));
        byte[] extradata = pipeline().encoderExtradata();
        AudioSpecificConfig asc;
        try {
            asc = extradata != null ? AudioSpecificConfig.parse(extradata)
                    : AudioSpecificConfig.of(AudioSpecificConfig.AAC_LC, AudioPipeline.RATE, AudioPipeline.CHANNELS);
        } catch (CodecException e) {
            close();
            throw e;
        }
        this.audioSpecificConfig = asc;
    }

    /** The AudioSpecificConfig of the output (AAC-LC, 48 kHz, stereo): the FLV AAC sequence header body. */
    public AudioSpecificConfig audioSpecificConfig() {
        return audioSpecificConfig;
    }

    /**
     * Transcodes one Opus packet at {@code payload[off, off + len)} with its RTP timestamp; only reads the array. AAC
     * frames that become complete are delivered before this returns. Never throws for bad data; {@link
     * IndexOutOfBoundsException} if the range lies outside the array, {@link CodecException} only for a failure of the
     * encoder itself, {@link IllegalStateException} after close.
     */
    public void feed(byte[] payload, int off, int len, long rtpTimestamp) {
        Objects.checkFromIndexSize(off, len, payload.length);
        if (accept(len)) {
            decode(payload, off, len, unwrap(rtpTimestamp));
        }
    }

    /** RTP timestamps as a signed 64-bit count from the first packet (RFC 3550 §A.1 style, by 32-bit deltas). */
    private long unwrap(long rtpTimestamp) {
        long ts = rtpTimestamp & 0xFFFF_FFFFL;
        if (!started) {
            started = true;
            lastRtpTimestamp = ts;
            unwrapped = 0;
            return 0;
        }
        unwrapped += (int) (ts - lastRtpTimestamp);
        lastRtpTimestamp = ts;
        return unwrapped;
    }

    private void onEncoded(byte[] buf, int len, long position) {
        countOutput();
        listener.onAacFrame(buf, 0, len, config.startMillis() + Math.floorDiv(position, SAMPLES_PER_MS));
    }

    /**
     * The output millisecond timestamp that the RTP timestamp maps to under the current anchor (before the first packet:
     * {@code startMillis}); only meaningful for timestamps near the latest packet's (32-bit wrap).
     */
    public long outputMillis(long rtpTimestamp) {
        if (!started) {
            return config.startMillis();
        }
        long input = unwrapped + (int) ((rtpTimestamp & 0xFFFF_FFFFL) - lastRtpTimestamp);
        return config.startMillis() + Math.floorDiv(timeline().outputPosition(input), SAMPLES_PER_MS);
    }

    /** The settings. */
    public Config config() {
        return config;
    }
}
