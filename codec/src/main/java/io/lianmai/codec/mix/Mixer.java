package io.lianmai.codec.mix;

import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264AccessUnitListener;
import io.lianmai.codec.transcode.AacFrameListener;
import io.lianmai.codec.transcode.OpusPacketListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * The MCU mix engine: members' H.264/VP8 video and Opus/AAC audio in, one composed H.264 picture stream and mixed
 * AAC/Opus audio out (TRTC {@code StartMCUMixTranscode}'s media part; rooms, sessions and outputs are the caller's).
 *
 * <p><b>Timeline.</b> Every input maps its timestamps to the mixer clock (milliseconds of whatever clock the caller's
 * arrival times and sender-report times are in) through {@link MixInput#setClockMapping}, or its first arrival. The
 * caller calls {@link #tick(long)} with the mixer clock's current time, at least at the output frame rate; the mix
 * plays out {@link Config#latencyMillis()} behind it, so input that arrives up to that late is still on time. Output
 * picture {@code n} is composed at playout time {@code origin + n / fps} from the newest picture of each member
 * captured at or before it; audio is mixed sample-exact at the positions its capture times map to. Audio and video
 * of a member therefore leave the mixer as aligned as their clock mappings are (pictures are at most one output frame
 * late). Output timestamps count from the first picture: 90 kHz for video, ms for AAC, 48 kHz for Opus.
 *
 * <p><b>Threads and memory.</b> Not thread-safe: one owner thread feeds the inputs and ticks; listeners are called
 * from inside {@link #tick} with the producer's buffers (copy what you keep). Decoders, scalers, the canvas and
 * encoders live in FFmpeg memory; {@link #close()} frees all of it (GC does not). Per output picture and per audio
 * frame a few small Java objects are allocated (FFmpeg pointer wrappers), at frame rate, not packet rate.
 *
 * <p><b>Garbage.</b> Inputs never throw for bad data: they count it ({@link MixInput#rejectedFrames()}, {@link
 * MixInput#corruptFrames()}, {@link MixInput#lateFrames()}), and the member shows its last good picture.
 */
public final class Mixer implements AutoCloseable {
    /** Audio is mixed in blocks of at most this many 48 kHz samples (20 ms). */
    static final int AUDIO_BLOCK = 960;
    /** How long a video input may hold a member's pictures beyond the latency, waiting for its audio. */
    static final int MAX_HOLD_MILLIS = 1_000;
    /** Most inputs of one mix (video and audio together). */
    public static final int MAX_INPUTS = 64;

    /**
     * The output picture and the playout point.
     *
     * @param width canvas width, even, 64–1920 (TRTC VideoWidth)
     * @param height canvas height, even, 64–1920 (TRTC VideoHeight)
     * @param fps output frame rate, 1–60 (TRTC VideoFramerate)
     * @param videoBitrate H.264 bit rate in bit/s (TRTC VideoBitrate is kbit/s)
     * @param gopFrames pictures between IDRs (TRTC VideoGop is seconds: multiply by fps)
     * @param backgroundRgb canvas colour 0xRRGGBB (TRTC BackgroundColor)
     * @param latencyMillis playout delay behind {@link #tick}'s clock: how late input may arrive, 20–1000
     * @param videoTimeoutMillis a member whose newest picture is older than this shows its placeholder
     */
    public record Config(int width, int height, int fps, int videoBitrate, int gopFrames, int backgroundRgb,
            int latencyMillis, int videoTimeoutMillis) {
        /**
         * 1280×720 at 30 fps and 1.5 Mbit/s (a co-hosted show for CDN), a 2 s GOP (short HLS segments and FLV join),
         * black; 200 ms playout delay covers WebRTC jitter buffers' usual depth and RTMP's bursts; 2 s without
         * pictures means the member's video is off.
         */
        public static final Config DEFAULTS = new Config(1280, 720, 30, 1_500_000, 60, 0x000000, 200, 2_000);

        public Config {
            if (width < 64 || height < 64 || width > 1920 || height > 1920 || (width & 1) != 0 || (height & 1) != 0
                    || fps < 1 || fps > 60 || videoBitrate < 10_000 || gopFrames < 1 || backgroundRgb < 0
                    || backgroundRgb > 0xFFFFFF || latencyMillis < 20 || latencyMillis > 1000
                    || videoTimeoutMillis < 100) {
                throw new IllegalArgumentException("invalid mixer config: " + width + "x" + height + " " + fps
                        + " fps " + videoBitrate + " bit/s GOP " + gopFrames + " background " + backgroundRgb
                        + " latency " + latencyMillis + " ms timeout " + videoTimeoutMillis + " ms");
            }
        }

        public Config withSize(int w, int h) {
            return new Config(w, h, fps, videoBitrate, gopFrames, backgroundRgb, latencyMillis, videoTimeoutMillis);
        }

        public Config withFps(int f) {
            return new Config(width, height, f, videoBitrate, gopFrames, backgroundRgb, latencyMillis,
                    videoTimeoutMillis);
        }

        public Config withVideoBitrate(int b) {
            return new Config(width, height, fps, b, gopFrames, backgroundRgb, latencyMillis, videoTimeoutMillis);
        }

        public Config withGopFrames(int g) {
            return new Config(width, height, fps, videoBitrate, g, backgroundRgb, latencyMillis, videoTimeoutMillis);
        }

        public Config withBackground(int rgb) {
            return new Config(width, height, fps, videoBitrate, gopFrames, rgb, latencyMillis, videoTimeoutMillis);
        }

        public Config withLatencyMillis(int l) {
            return new Config(width, height, fps, videoBitrate, gopFrames, backgroundRgb, l, videoTimeoutMillis);
        }
    }

    private final Config config;
    private final Compositor compositor;
    private final H264Output video;
    private final List<VideoInput> videoInputs = new ArrayList<>();
    private final List<AudioInput> audioInputs = new ArrayList<>();
    /** The audio inputs whose members take a place in the layout (all but those added not holding one). */
    private final List<AudioInput> placedAudio = new ArrayList<>();
    private final List<AudioOutput> audioOutputs = new ArrayList<>();
    private final List<String> members = new ArrayList<>();
    private MixLayout layout = MixLayout.grid();
    private Region[] regions = new Region[0];
    private VideoInput[] regionInputs = new VideoInput[0];
    private final float[] mix = new float[AUDIO_BLOCK * 2];
    private boolean started;
    private double originMillis;
    private long audioOrigin;
    private long audioCursor = Long.MIN_VALUE;
    private long frameIndex;
    private long framesSkipped;
    private long clippedSamples;
    private long skippedSamples;
    private boolean closed;

    /**
     * Opens the canvas and the H.264 encoder; {@code backgroundImage} (TRTC BackgroundImageUrl, decoded by the
     * caller) may be null and stays the caller's. {@link io.lianmai.codec.CodecException} if FFmpeg cannot.
     *
     * @param videoListener the H.264 output; null for an audio-only mix (TRTC {@code PureAudioStream}): no canvas, no
     *     video encoder, no video inputs, the size and frame rate of {@code config} unused
     */
    public Mixer(Config config, StillImage backgroundImage, H264AccessUnitListener videoListener) {
        this.config = Objects.requireNonNull(config, "config");
        if (videoListener == null) {
            video = null;
            compositor = null;
            return;
        }
        Compositor c = new Compositor(config.width(), config.height(), config.backgroundRgb(), backgroundImage);
        try {
            video = new H264Output(config.width(), config.height(), config.fps(), config.videoBitrate(),
                    config.gopFrames(), videoListener);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        compositor = c;
    }

    /** A member's H.264 stream (AVCC access units, 90 kHz timestamps). */
    public MixInput addH264Input(String userId, int streamType) {
        return addVideo(new VideoInput(userId, streamType, true, videoQueueLength()));
    }

    /** A member's VP8 stream (complete frames, 90 kHz timestamps). */
    public MixInput addVp8Input(String userId, int streamType) {
        return addVideo(new VideoInput(userId, streamType, false, videoQueueLength()));
    }

    /** A member's Opus stream (RTP payloads, 48 kHz RTP timestamps); the member takes its place in the layout. */
    public MixInput addOpusInput(String userId) {
        return addOpusInput(userId, true);
    }

    /**
     * A member's Opus stream; {@code holdsPlace} false mixes it without giving its member a place in the layout (TRTC
     * mixes the audio of users left out of {@code MixVideoUids}).
     */
    public MixInput addOpusInput(String userId, boolean holdsPlace) {
        return addAudio(new AudioInput(this, userId, 0, "opus", null, 48_000), holdsPlace);
    }

    /** A member's AAC stream (raw frames, millisecond timestamps as FLV/RTMP give), opened from its config. */
    public MixInput addAacInput(String userId, AudioSpecificConfig config) {
        return addAudio(new AudioInput(this, userId, 0, "aac", config.toBytes(), 1000), true);
    }

    /**
     * Pictures a video input may hold ahead of the playout point: the latency's worth at 60 fps, plus 4, plus
     * {@value #MAX_HOLD_MILLIS} ms at 60 fps for a member whose video waits for its later audio (lip sync: the
     * server's mix task maps both tracks as late as the slower one arrives). Only pictures actually held take memory.
     */
    private int videoQueueLength() {
        return (config.latencyMillis() + MAX_HOLD_MILLIS) * 60 / 1000 + 4;
    }

    private MixInput addVideo(VideoInput input) {
        checkOpen();
        if (video == null) {
            input.close();
            throw new IllegalStateException("an audio-only mix takes no video inputs");
        }
        if (videoInputs.size() + audioInputs.size() >= MAX_INPUTS) {
            input.close();
            throw new IllegalStateException("a mix takes at most " + MAX_INPUTS + " inputs");
        }
        videoInputs.add(input);
        join(input.userId());
        return input;
    }

    private MixInput addAudio(AudioInput input, boolean holdsPlace) {
        checkOpen();
        if (videoInputs.size() + audioInputs.size() >= MAX_INPUTS) {
            input.close();
            throw new IllegalStateException("a mix takes at most " + MAX_INPUTS + " inputs");
        }
        audioInputs.add(input);
        if (holdsPlace) {
            placedAudio.add(input);
            join(input.userId());
        }
        return input;
    }

    private void join(String userId) {
        if (!members.contains(userId)) {
            members.add(userId);
        }
        arrange();
    }

    /** Removes and closes an input; the member leaves the layout when it has no input left. */
    public void removeInput(MixInput input) {
        checkOpen();
        if (input instanceof VideoInput v && videoInputs.remove(v)) {
            v.close();
        } else if (input instanceof AudioInput a && audioInputs.remove(a)) {
            placedAudio.remove(a);
            a.close();
        } else {
            return;
        }
        String user = input.userId();
        boolean left = videoInputs.stream().noneMatch(v -> v.userId().equals(user))
                && placedAudio.stream().noneMatch(a -> a.userId().equals(user));
        if (left) {
            members.remove(user);
        }
        arrange();
    }

    /** Changes the layout from the next picture on. */
    public void setLayout(MixLayout newLayout) {
        checkOpen();
        layout = Objects.requireNonNull(newLayout, "layout");
        arrange();
    }

    /** The regions the current layout gives the current members, lowest layer first. */
    public List<Region> regions() {
        return List.of(regions);
    }

    private void arrange() {
        List<Region> list = layout.arrange(members, config.width(), config.height());
        regions = list.toArray(new Region[0]);
        regionInputs = new VideoInput[regions.length];
        for (VideoInput v : videoInputs) {
            v.shown(false);
        }
        for (int i = 0; i < regions.length; i++) {
            for (VideoInput v : videoInputs) {
                if (v.userId().equals(regions[i].userId()) && v.streamType() == regions[i].streamType()) {
                    regionInputs[i] = v;
                    v.shown(true);
                }
            }
        }
    }

    /**
     * An AAC-LC output of the mix ({@code excludedUserId} null) or of a mix-minus (everyone but that member), at
     * {@code sampleRate} (e.g. 48000, 44100), 1 or 2 channels, {@code bitrate} bit/s (TRTC AudioSampleRate,
     * AudioChannels, AudioBitrate).
     */
    public AudioOutput addAacOutput(int sampleRate, int channels, int bitrate, String excludedUserId,
            AacFrameListener listener) {
        checkOpen();
        checkAudio(sampleRate, channels, bitrate);
        AudioOutput out = new AudioOutput("aac", sampleRate, channels, bitrate, excludedUserId,
                Objects.requireNonNull(listener, "listener"), null);
        audioOutputs.add(out);
        return out;
    }

    /** An Opus output (48 kHz, 20 ms, for the room) of the mix or of a mix-minus, as {@link #addAacOutput}. */
    public AudioOutput addOpusOutput(int channels, int bitrate, String excludedUserId, OpusPacketListener listener) {
        checkOpen();
        checkAudio(48_000, channels, bitrate);
        AudioOutput out = new AudioOutput("libopus", 48_000, channels, bitrate, excludedUserId, null,
                Objects.requireNonNull(listener, "listener"));
        audioOutputs.add(out);
        return out;
    }

    private static void checkAudio(int rate, int channels, int bitrate) {
        if (rate < 8_000 || rate > 48_000 || channels < 1 || channels > 2 || bitrate < 6_000 || bitrate > 512_000) {
            throw new IllegalArgumentException("invalid audio output: " + rate + " Hz, " + channels + " channels, "
                    + bitrate + " bit/s");
        }
    }

    /** Removes and closes an audio output. */
    public void removeOutput(AudioOutput output) {
        checkOpen();
        if (audioOutputs.remove(output)) {
            output.close();
        }
    }

    /**
     * Advances the mix to {@code nowMillis} (mixer clock) less the latency: composes and encodes every output picture
     * and audio block due by then. Call at least at the output frame rate. Pictures and audio more than one second
     * behind (the owner thread stalled) are skipped and counted; output timestamps jump over the gap.
     */
    public void tick(long nowMillis) {
        checkOpen();
        double playout = nowMillis - config.latencyMillis();
        if (!started) {
            started = true;
            originMillis = playout;
            audioOrigin = Math.round(playout * (AudioInput.RATE / 1000.0));
            audioCursor = audioOrigin;
        }
        if (video != null) {
            double frameMillis = 1000.0 / config.fps();
            long due = (long) Math.floor((playout - originMillis) / frameMillis);
            if (due - frameIndex > config.fps()) {
                framesSkipped += due - frameIndex;
                frameIndex = due;
            }
            while (frameIndex <= due) {
                composeAndEncode(originMillis + frameIndex * frameMillis);
                frameIndex++;
            }
        }
        long audioTarget = Math.round(playout * (AudioInput.RATE / 1000.0));
        if (audioTarget - audioCursor > AudioInput.RATE) {
            // stalled for over a second: skip like the video, keeping the outputs' timestamps on the same timeline
            long skip = audioTarget - audioCursor - AUDIO_BLOCK;
            for (AudioInput in : audioInputs) {
                in.clear();
            }
            for (AudioOutput out : audioOutputs) {
                out.skip(skip);
            }
            audioCursor += skip;
            skippedSamples += skip;
        }
        while (audioCursor < audioTarget) {
            int n = (int) Math.min(AUDIO_BLOCK, audioTarget - audioCursor);
            mixAudio(n);
            audioCursor += n;
        }
    }

    private void composeAndEncode(double millis) {
        AVFrame canvas = compositor.begin();
        for (int i = 0; i < regions.length; i++) {
            VideoInput input = regionInputs[i];
            AVFrame picture = null;
            if (input != null) {
                picture = input.pictureAt(millis);
                if (picture != null && millis - input.currentMillis() > config.videoTimeoutMillis()) {
                    picture = null; // video stopped: placeholder
                }
            }
            compositor.draw(i, regions[i], picture);
        }
        // inputs with no region still advance, so their queues do not fill while they are hidden
        for (VideoInput v : videoInputs) {
            if (!v.shown()) {
                v.pictureAt(millis);
            }
        }
        video.encode(canvas, frameIndex);
    }

    private void mixAudio(int n) {
        for (AudioOutput out : audioOutputs) {
            Arrays.fill(mix, 0, n * 2, 0f);
            String excluded = out.excludedUserId();
            for (AudioInput in : audioInputs) {
                if (excluded == null || !excluded.equals(in.userId())) {
                    in.addTo(mix, audioCursor, n);
                }
            }
            for (int i = 0; i < n * 2; i++) {
                float v = mix[i];
                if (v > 1f) {
                    mix[i] = 1f;
                    clippedSamples++;
                } else if (v < -1f) {
                    mix[i] = -1f;
                    clippedSamples++;
                }
            }
            out.encode(mix, n);
        }
        for (AudioInput in : audioInputs) {
            in.consume(audioCursor, n);
        }
    }

    /** Where audio is mixed next, in 48 kHz samples of the mixer clock; {@code Long.MIN_VALUE} before any tick. */
    long audioCursor() {
        return audioCursor;
    }

    /**
     * The mixer-clock instant (ms) that output timestamp 0 plays at — video's 90 kHz, AAC's ms and Opus's 48 kHz
     * timestamps all count from it — so an output's RTCP sender reports can give every track one capture clock;
     * NaN before the first {@link #tick}.
     */
    public double outputOriginMillis() {
        return started ? originMillis : Double.NaN;
    }

    /** Makes the next picture an IDR (a player joined without a GOP cache). */
    public void requestKeyframe() {
        if (video != null) {
            video.requestKeyframe();
        }
    }

    /** The H.264 configuration record, null before the first picture (always in an audio-only mix). */
    public AvcDecoderConfigurationRecord sequenceHeader() {
        return video == null ? null : video.sequenceHeader();
    }

    public Config config() {
        return config;
    }

    /** Pictures encoded. */
    public long framesOut() {
        return video == null ? 0 : video.accessUnits();
    }

    /** IDR pictures encoded. */
    public long keyframesOut() {
        return video == null ? 0 : video.keyframes();
    }

    /** Output pictures skipped because {@link #tick} fell more than a second behind. */
    public long framesSkipped() {
        return framesSkipped;
    }

    /** 48 kHz samples of audio skipped because {@link #tick} fell more than a second behind. */
    public long skippedSamples() {
        return skippedSamples;
    }

    /** Mixed samples (per channel and output) that saturated at full scale. */
    public long clippedSamples() {
        return clippedSamples;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("mixer is closed");
        }
    }

    /** Frees every decoder, scaler, encoder and the canvas; idempotent. Inputs and outputs are closed with it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        videoInputs.forEach(VideoInput::close);
        audioInputs.forEach(AudioInput::close);
        audioOutputs.forEach(AudioOutput::close);
        videoInputs.clear();
        audioInputs.clear();
        audioOutputs.clear();
        if (video != null) {
            video.close();
            compositor.close();
        }
    }
}
