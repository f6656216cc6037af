package io.lianmai.codec.mix;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PROFILE_H264_CONSTRAINED_BASELINE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264AccessUnitListener;
import io.lianmai.codec.h264.NalUnits;
import io.lianmai.codec.transcode.PacketInput;
import io.lianmai.wire.h264.NalUnit;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The mixer's video encoder: libopenh264 (the H.264 encoder in the bytedeco FFmpeg build, which has no libx264),
 * Constrained Baseline, no B-frames, an IDR every {@code gopFrames} pictures and on request; access units as AVCC with
 * 4-byte lengths, SPS/PPS in-band on IDRs and announced as a configuration record when they change.
 */
final class H264Output implements AutoCloseable {
    /** Pixels from which the encoder uses two threads: 1280×720. */
    static final int LARGE_PICTURE = 1280 * 720;
    private final H264AccessUnitListener listener;
    private final int fps;
    private final int gopFrames;
    private final NalUnits nals = new NalUnits();
    private AVCodecContext encoder;
    private AVPacket packet;
    private byte[] encoded = new byte[256 * 1024];
    private byte[] avcc = new byte[256 * 1024];
    private byte[] sps;
    private byte[] pps;
    private AvcDecoderConfigurationRecord sequenceHeader;
    private long framesSinceIdr = Long.MAX_VALUE;
    private boolean keyframeRequested;
    private long accessUnits;
    private long keyframes;

    H264Output(int width, int height, int fps, int bitrate, int gopFrames, H264AccessUnitListener listener) {
        Ffmpeg.load();
        this.listener = listener;
        this.fps = fps;
        this.gopFrames = gopFrames;
        try {
            AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
            if (codec == null) {
                throw new CodecException("FFmpeg has no libopenh264 encoder");
            }
            encoder = avcodec_alloc_context3(codec);
            packet = av_packet_alloc();
            if (encoder == null || packet == null) {
                throw new CodecException("cannot allocate the libopenh264 encoder");
            }
            encoder.width(width);
            encoder.height(height);
            encoder.pix_fmt(AV_PIX_FMT_YUV420P);
            encoder.time_base(new AVRational().num(1).den(fps));
            encoder.framerate(new AVRational().num(fps).den(1));
            encoder.bit_rate(bitrate);
            encoder.gop_size(Integer.MAX_VALUE); // IDRs placed by frame count, see encode()
            encoder.max_b_frames(0);
            // Outputs of 720p and more: two slices encoded on two threads (libopenh264's iMultipleThreadIdc), so a
            // picture takes about half the wall time (MixerBenchmark: docs/benchmarks.md "MCU mix").
            int threads = width * height >= LARGE_PICTURE ? 2 : 1;
            encoder.thread_count(threads);
            encoder.slices(threads);
            encoder.profile(AV_PROFILE_H264_CONSTRAINED_BASELINE);
            int ret = av_opt_set(encoder.priv_data(), "rc_mode", "bitrate", 0);
            if (ret < 0) {
                throw new CodecException("libopenh264 rc_mode: " + Ffmpeg.errorString(ret));
            }
            ret = avcodec_open2(encoder, codec, (PointerPointer<?>) null);
            if (ret < 0) {
                throw new CodecException("cannot open libopenh264 at " + width + "x" + height + ": "
                        + Ffmpeg.errorString(ret));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Encodes output picture {@code index} (pts in frames); its access unit is delivered before this returns. */
    void encode(AVFrame picture, long index) {
        boolean idr = keyframeRequested || framesSinceIdr >= gopFrames;
        picture.pict_type(idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        picture.pts(index);
        int ret = avcodec_send_frame(encoder, picture);
        if (ret < 0) {
            throw new CodecException("libopenh264 refused a picture: " + Ffmpeg.errorString(ret));
        }
        framesSinceIdr = idr ? 1 : framesSinceIdr + 1;
        keyframeRequested = false;
        while (true) {
            ret = avcodec_receive_packet(encoder, packet);
            if (ret == PacketInput.EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                throw new CodecException("libopenh264 failed: " + Ffmpeg.errorString(ret));
            }
            try {
                deliver(packet);
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private void deliver(AVPacket p) {
        int size = p.size();
        if (size <= 0) {
            return; // rate control skipped the picture
        }
        if (size > encoded.length) {
            encoded = new byte[Math.max(size, encoded.length * 2)];
        }
        p.data().get(encoded, 0, size);
        if (nals.scanAnnexB(encoded, 0, size) <= 0) {
            throw new CodecException("libopenh264 produced no Annex-B NAL units");
        }
        int needed = nals.payloadBytes() + 4 * nals.count();
        if (needed > avcc.length) {
            avcc = new byte[Math.max(needed, avcc.length * 2)];
        }
        int length = nals.writeAvcc(avcc, 0);
        int spsIndex = nals.indexOf(NalUnit.SPS);
        int ppsIndex = nals.indexOf(NalUnit.PPS);
        if (spsIndex >= 0 && ppsIndex >= 0) {
            byte[] newSps = Arrays.copyOfRange(encoded, nals.offset(spsIndex),
                    nals.offset(spsIndex) + nals.length(spsIndex));
            byte[] newPps = Arrays.copyOfRange(encoded, nals.offset(ppsIndex),
                    nals.offset(ppsIndex) + nals.length(ppsIndex));
            if (!Arrays.equals(newSps, sps) || !Arrays.equals(newPps, pps)) {
                sps = newSps;
                pps = newPps;
                sequenceHeader = AvcDecoderConfigurationRecord.of(sps, pps);
                listener.onSequenceHeaderChanged(sequenceHeader);
            }
        }
        boolean idr = nals.hasIdr();
        if (idr) {
            keyframes++;
        }
        accessUnits++;
        listener.onAccessUnit(avcc, 0, length, p.pts() * 90_000 / fps, idr);
    }

    void requestKeyframe() {
        keyframeRequested = true;
    }

    AvcDecoderConfigurationRecord sequenceHeader() {
        return sequenceHeader;
    }

    long accessUnits() {
        return accessUnits;
    }

    long keyframes() {
        return keyframes;
    }

    @Override
    public void close() {
        if (encoder != null) {
            avcodec_free_context(encoder);
            encoder = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
    }
}
