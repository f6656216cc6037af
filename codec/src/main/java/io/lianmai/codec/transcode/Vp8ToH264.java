package io.lianmai.codec.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PROFILE_H264_CONSTRAINED_BASELINE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264AccessUnitListener;
import io.lianmai.wire.h264.NalUnit;
import io.lianmai.codec.h264.NalUnits;
import io.lianmai.codec.vp8.Vp8FrameHeader;
import java.util.Arrays;
import java.util.Objects;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Transcodes a WebRTC publisher's VP8 into H.264 for FLV and HLS players: FFmpeg's vp8 decoder, then libopenh264
 * (Constrained Baseline, no B-frames, so output order is input order and composition time is always 0).
 *
 * <p>Input: complete VP8 frames (as {@code io.lianmai.codec.vp8.Vp8RtpDepacketizer} delivers them) with 90 kHz
 * timestamps; 32-bit RTP values may wrap. Output, to an {@link H264AccessUnitListener} from inside {@link #feed}: one
 * access unit per decoded frame as AVCC with 4-byte lengths, stamped with its input frame's timestamp; keyframes carry
 * SPS and PPS in-band as well, and {@link H264AccessUnitListener#onSequenceHeaderChanged} announces a new
 * configuration record before the first access unit that needs it.
 *
 * <p>A keyframe (IDR) is made every {@link Config#keyframeIntervalMillis()} of input time, on {@link
 * #requestKeyframe()}, and after a resolution change, which re-opens the encoder at the new size (odd sizes are
 * cropped by one pixel to even). Before the first VP8 keyframe, and after the decoder rejects a frame, {@link
 * H264AccessUnitListener#onKeyframeNeeded()} asks for a VP8 keyframe (once per episode) and input is skipped until one
 * decodes.
 *
 * <p>Garbage never reaches the native decoder unchecked: frames shorter than 3 bytes or longer than {@value
 * #MAX_FRAME_BYTES}, keyframes with a broken header or a picture larger than {@link Config#maxWidth()} × {@link
 * Config#maxHeight()} or smaller than 16 × 16 are rejected and counted; what the decoder rejects is counted as
 * corrupt. Not thread-safe: one owner thread. {@link #close()} frees all native memory; it must be called.
 */
public final class Vp8ToH264 implements AutoCloseable {
    /** Largest VP8 frame accepted. */
    public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;
    private static final int MIN_SIZE = 16;
    private static final int TIMESTAMP_RING = 64;

    /**
     * Settings of one transcoder.
     *
     * @param bitrate H.264 target bit rate in bit/s
     * @param maxFrameRate frame rate the rate control plans for (frames/s)
     * @param keyframeIntervalMillis input time between IDRs
     * @param threads libopenh264 threads (1 keeps one transcode on one core)
     * @param maxWidth largest accepted picture width
     * @param maxHeight largest accepted picture height
     */
    public record Config(int bitrate, int maxFrameRate, int keyframeIntervalMillis, int threads, int maxWidth,
            int maxHeight) {
        /**
         * 1.5 Mbit/s is ample for 720p30 conference video; 30 fps is what browsers send at most by default; a 2 s GOP
         * keeps HLS segments and FLV join time short; one thread so a machine's transcodes spread over its cores;
         * pictures up to 1920 × 1080 (WebRTC publishers' largest common size).
         */
        public static final Config DEFAULTS = new Config(1_500_000, 30, 2_000, 1, 1920, 1080);

        public Config {
            if (bitrate < 10_000 || maxFrameRate < 1 || maxFrameRate > 120 || keyframeIntervalMillis < 100
                    || threads < 1 || threads > 16 || maxWidth < MIN_SIZE || maxHeight < MIN_SIZE
                    || maxWidth > 8192 || maxHeight > 8192) {
                throw new IllegalArgumentException("invalid Vp8ToH264 config: " + bitrate + " bit/s, "
                        + maxFrameRate + " fps, " + keyframeIntervalMillis + " ms GOP, " + threads + " threads, max "
                        + maxWidth + "x" + maxHeight);
            }
        }

        public Config withBitrate(int bitrate) {
            return new Config(bitrate, maxFrameRate, keyframeIntervalMillis, threads, maxWidth, maxHeight);
        }

        public Config withMaxFrameRate(int maxFrameRate) {
            return new Config(bitrate, maxFrameRate, keyframeIntervalMillis, threads, maxWidth, maxHeight);
        }

        public Config withKeyframeIntervalMillis(int keyframeIntervalMillis) {
            return new Config(bitrate, maxFrameRate, keyframeIntervalMillis, threads, maxWidth, maxHeight);
        }

        public Config withThreads(int threads) {
            return new Config(bitrate, maxFrameRate, keyframeIntervalMillis, threads, maxWidth, maxHeight);
        }

        public Config withMaxSize(int maxWidth, int maxHeight) {
            return new Config(bitrate, maxFrameRate, keyframeIntervalMillis, threads, maxWidth, maxHeight);
        }
    }

    private final Config config;
    private final H264AccessUnitListener listener;
    private final PacketInput input = new PacketInput();
    private final NalUnits nals = new NalUnits();
    private AVCodecContext decoder;
    private AVCodecContext encoder;
    private AVFrame decoded;
    private AVPacket encoded;
    private int width;
    private int height;
    private boolean closed;

    private boolean decoderHasKeyframe;
    private boolean sourceKeyframeRequested;
    private boolean keyframeRequested;

    private boolean timestampsStarted;
    private long lastTimestamp;
    private long unwrapped;
    private long lastPts = Long.MIN_VALUE;
    private long lastKeyframeAt = Long.MIN_VALUE;
    private final long[] ringPts = new long[TIMESTAMP_RING];
    private final long[] ringTimestamp = new long[TIMESTAMP_RING];
    private int ringNext;

    private byte[] encodedBytes = new byte[256 * 1024];
    private byte[] avcc = new byte[256 * 1024];
    private byte[] sps;
    private byte[] pps;
    private AvcDecoderConfigurationRecord sequenceHeader;

    private long framesIn;
    private long accessUnitsOut;
    private long corruptFrames;
    private long rejectedFrames;
    private long encoderOpens;
    private long encoderFailures;
    private long keyframesOut;

    /** Opens the VP8 decoder; the encoder opens at the first decoded picture. {@link CodecException} on failure. */
    public Vp8ToH264(Config config, H264AccessUnitListener listener) {
        Ffmpeg.load();
        this.config = config;
        this.listener = listener;
        try {
            AVCodec codec = avcodec_find_decoder_by_name("vp8");
            if (codec == null) {
                throw new CodecException("FFmpeg has no vp8 decoder");
            }
            decoder = avcodec_alloc_context3(codec);
            if (decoder == null) {
                throw new CodecException("cannot allocate the vp8 decoder");
            }
            decoder.thread_count(1); // frame threading would add a frame of latency per thread
            int ret = avcodec_open2(decoder, codec, (PointerPointer<?>) null);
            if (ret < 0) {
                throw new CodecException("cannot open the vp8 decoder: " + Ffmpeg.errorString(ret));
            }
            decoded = av_frame_alloc();
            encoded = av_packet_alloc();
            if (decoded == null || encoded == null) {
                throw new CodecException("FFmpeg frame/packet allocation failed");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Transcodes one complete VP8 frame at {@code frame[off, off + len)} with its 90 kHz timestamp; only reads the
     * array. The access unit it becomes is delivered before this returns. Never throws for bad data (an encoder that
     * cannot open at a decoded picture size counts in {@link #encoderFailures()}); {@link IndexOutOfBoundsException}
     * if the range lies outside the array, {@link CodecException} only when the open encoder fails, {@link
     * IllegalStateException} after close.
     */
    public void feed(byte[] frame, int off, int len, long timestamp) {
        checkOpen();
        Objects.checkFromIndexSize(off, len, frame.length);
        framesIn++;
        if (len < 3 || len > MAX_FRAME_BYTES) {
            rejectedFrames++;
            return;
        }
        boolean keyframe = Vp8FrameHeader.isKeyframe(frame, off, len);
        if (keyframe) {
            if (!Vp8FrameHeader.isValidKeyframe(frame, off, len)) {
                rejectedFrames++;
                return;
            }
            int w = Vp8FrameHeader.width(frame, off);
            int h = Vp8FrameHeader.height(frame, off);
            if (w > config.maxWidth() || h > config.maxHeight() || w < MIN_SIZE || h < MIN_SIZE) {
                rejectedFrames++;
                return;
            }
        } else if (!decoderHasKeyframe) {
            rejectedFrames++;
            requestSourceKeyframe();
            return;
        }
        long pts = nextPts(timestamp);
        int ret = avcodec_send_packet(decoder, input.wrap(frame, off, len, pts));
        if (ret < 0) {
            decodeFailed();
            return;
        }
        if (keyframe) {
            decoderHasKeyframe = true;
            sourceKeyframeRequested = false;
        }
        remember(pts, timestamp);
        while (true) {
            ret = avcodec_receive_frame(decoder, decoded);
            if (ret == AudioPipeline.EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                decodeFailed();
                break;
            }
            try {
                encode(decoded);
            } finally {
                av_frame_unref(decoded);
            }
        }
    }

    private void decodeFailed() {
        corruptFrames++;
        decoderHasKeyframe = false;
        requestSourceKeyframe();
    }

    private void requestSourceKeyframe() {
        if (!sourceKeyframeRequested) {
            sourceKeyframeRequested = true;
            listener.onKeyframeNeeded();
        }
    }

    /** Encoder pts: the unwrapped input timestamp, forced to increase so libopenh264's rate control sees time pass. */
    private long nextPts(long timestamp) {
        long ts = timestamp & 0xFFFF_FFFFL;
        if (!timestampsStarted) {
            timestampsStarted = true;
            unwrapped = 0;
        } else {
            unwrapped += (int) (ts - lastTimestamp);
        }
        lastTimestamp = ts;
        long pts = lastPts == Long.MIN_VALUE ? unwrapped : Math.max(lastPts + 1, unwrapped);
        lastPts = pts;
        return pts;
    }

    private void remember(long pts, long timestamp) {
        ringPts[ringNext] = pts;
        ringTimestamp[ringNext] = timestamp;
        ringNext = (ringNext + 1) % TIMESTAMP_RING;
    }

    private long timestampOf(long pts) {
        for (int i = 0; i < TIMESTAMP_RING; i++) {
            if (ringPts[i] == pts) {
                return ringTimestamp[i];
            }
        }
        return lastTimestamp;
    }

    private void encode(AVFrame picture) {
        if (picture.format() != AV_PIX_FMT_YUV420P) {
            rejectedFrames++;
            return;
        }
        int w = picture.width() & ~1;
        int h = picture.height() & ~1;
        if (w < MIN_SIZE || h < MIN_SIZE || w > config.maxWidth() || h > config.maxHeight()) {
            rejectedFrames++;
            return;
        }
        if (encoder == null || w != width || h != height) {
            try {
                openEncoder(w, h);
            } catch (CodecException e) {
                encoderFailures++; // e.g. a size libopenh264 refuses; the next picture tries again
                return;
            }
        }
        long pts = picture.pts();
        boolean idr = keyframeRequested || lastKeyframeAt == Long.MIN_VALUE
                || pts - lastKeyframeAt >= config.keyframeIntervalMillis() * 90L;
        picture.width(w);
        picture.height(h);
        picture.pict_type(idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        int ret = avcodec_send_frame(encoder, picture);
        if (ret < 0) {
            throw new CodecException("libopenh264 refused a " + w + "x" + h + " picture: " + Ffmpeg.errorString(ret));
        }
        while (true) {
            ret = avcodec_receive_packet(encoder, encoded);
            if (ret == AudioPipeline.EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                throw new CodecException("libopenh264 failed: " + Ffmpeg.errorString(ret));
            }
            try {
                deliver(encoded);
            } finally {
                av_packet_unref(encoded);
            }
        }
    }

    private void deliver(AVPacket packet) {
        int size = packet.size();
        if (size <= 0) {
            return; // a skipped frame
        }
        if (size > encodedBytes.length) {
            encodedBytes = new byte[Math.max(size, encodedBytes.length * 2)];
        }
        packet.data().get(encodedBytes, 0, size);
        if (nals.scanAnnexB(encodedBytes, 0, size) <= 0) {
            throw new CodecException("libopenh264 produced no Annex-B NAL units");
        }
        int needed = nals.payloadBytes() + 4 * nals.count();
        if (needed > avcc.length) {
            avcc = new byte[Math.max(needed, avcc.length * 2)];
        }
        int length = nals.writeAvcc(avcc, 0);
        boolean idr = nals.hasIdr();
        int spsIndex = nals.indexOf(NalUnit.SPS);
        int ppsIndex = nals.indexOf(NalUnit.PPS);
        if (spsIndex >= 0 && ppsIndex >= 0) {
            byte[] newSps = Arrays.copyOfRange(encodedBytes, nals.offset(spsIndex),
                    nals.offset(spsIndex) + nals.length(spsIndex));
            byte[] newPps = Arrays.copyOfRange(encodedBytes, nals.offset(ppsIndex),
                    nals.offset(ppsIndex) + nals.length(ppsIndex));
            if (!Arrays.equals(newSps, sps) || !Arrays.equals(newPps, pps)) {
                sps = newSps;
                pps = newPps;
                sequenceHeader = AvcDecoderConfigurationRecord.of(sps, pps);
                listener.onSequenceHeaderChanged(sequenceHeader);
            }
        }
        if (idr) {
            keyframesOut++;
            lastKeyframeAt = packet.pts();
            keyframeRequested = false;
        }
        accessUnitsOut++;
        listener.onAccessUnit(avcc, 0, length, timestampOf(packet.pts()), idr);
    }

    private void openEncoder(int w, int h) {
        if (encoder != null) {
            avcodec_free_context(encoder);
            encoder = null;
        }
        AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
        if (codec == null) {
            throw new CodecException("FFmpeg has no libopenh264 encoder");
        }
        encoder = avcodec_alloc_context3(codec);
        if (encoder == null) {
            throw new CodecException("cannot allocate the libopenh264 encoder");
        }
        try {
            encoder.width(w);
            encoder.height(h);
            encoder.pix_fmt(AV_PIX_FMT_YUV420P);
            encoder.time_base(new AVRational().num(1).den(90_000));
            encoder.framerate(new AVRational().num(config.maxFrameRate()).den(1));
            encoder.bit_rate(config.bitrate());
            encoder.gop_size(Integer.MAX_VALUE); // IDRs are placed by input time, see encode()
            encoder.max_b_frames(0);
            encoder.thread_count(config.threads());
            encoder.profile(AV_PROFILE_H264_CONSTRAINED_BASELINE);
            int ret = av_opt_set(encoder.priv_data(), "rc_mode", "bitrate", 0);
            if (ret < 0) {
                throw new CodecException("libopenh264 rc_mode: " + Ffmpeg.errorString(ret));
            }
            ret = avcodec_open2(encoder, codec, (PointerPointer<?>) null);
            if (ret < 0) {
                throw new CodecException("cannot open libopenh264 at " + w + "x" + h + ": " + Ffmpeg.errorString(ret));
            }
        } catch (CodecException e) {
            avcodec_free_context(encoder);
            encoder = null;
            throw e;
        }
        width = w;
        height = h;
        encoderOpens++;
        keyframeRequested = true;
    }

    /** Makes the next output access unit an IDR (e.g. when a new FLV/HLS player joins without a GOP cache). */
    public void requestKeyframe() {
        keyframeRequested = true;
    }

    /** The configuration record of the current SPS/PPS, or null before the first access unit. */
    public AvcDecoderConfigurationRecord sequenceHeader() {
        return sequenceHeader;
    }

    /** Width of the H.264 output (0 before the first picture). */
    public int width() {
        return width;
    }

    /** Height of the H.264 output (0 before the first picture). */
    public int height() {
        return height;
    }

    /** The settings. */
    public Config config() {
        return config;
    }

    /** VP8 frames fed. */
    public long framesIn() {
        return framesIn;
    }

    /** H.264 access units produced. */
    public long accessUnitsOut() {
        return accessUnitsOut;
    }

    /** IDR access units produced. */
    public long keyframesOut() {
        return keyframesOut;
    }

    /** Frames the VP8 decoder rejected. */
    public long corruptFrames() {
        return corruptFrames;
    }

    /** Frames refused before decoding (size, header, no keyframe yet) or after (picture size, pixel format). */
    public long rejectedFrames() {
        return rejectedFrames;
    }

    /** Times the encoder was opened: 1 plus the resolution changes. */
    public long encoderOpens() {
        return encoderOpens;
    }

    /** Pictures dropped because libopenh264 would not open at their size. */
    public long encoderFailures() {
        return encoderFailures;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("transcoder is closed");
        }
    }

    /** Frees the decoder and encoder; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (decoder != null) {
            avcodec_free_context(decoder);
            decoder = null;
        }
        if (encoder != null) {
            avcodec_free_context(encoder);
            encoder = null;
        }
        if (decoded != null) {
            av_frame_free(decoded);
            decoded = null;
        }
        if (encoded != null) {
            av_packet_free(encoded);
            encoded = null;
        }
        input.close();
    }
}
