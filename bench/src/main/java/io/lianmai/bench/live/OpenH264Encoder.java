package io.lianmai.bench.live;

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
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.wire.h264.NalUnit;
import io.lianmai.codec.h264.NalUnits;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The pusher's video encoder: FFmpeg's libopenh264 (Constrained Baseline, no B-frames, one thread), what a mini
 * program's live-pusher sends. One I420 picture in, one access unit out at once (libopenh264 has no look-ahead), as
 * AVCC with 4-byte lengths; IDRs carry SPS and PPS in-band and {@link #sequenceHeader()} holds their record.
 *
 * <p>Not thread-safe: one owner thread. {@link #close()} frees the native encoder.
 */
final class OpenH264Encoder implements AutoCloseable {
    /** AVERROR(EAGAIN) on Linux. */
    private static final int EAGAIN = -11;

    private final int width;
    private final int height;
    private final AVCodecContext encoder;
    private final AVFrame frame;
    private final AVPacket packet;
    private final NalUnits nals = new NalUnits();
    private byte[] annexB = new byte[256 * 1024];
    private byte[] avcc = new byte[256 * 1024];
    private int length;
    private boolean idr;
    private AvcDecoderConfigurationRecord sequenceHeader;

    /**
     * Opens libopenh264 for {@code width}×{@code height} pictures.
     *
     * @param fps the frame rate the rate control plans for
     * @param bitrate target bit rate in bit/s
     */
    OpenH264Encoder(int width, int height, int fps, int bitrate) {
        Ffmpeg.load();
        this.width = width;
        this.height = height;
        AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
        if (codec == null) {
            throw new CodecException("FFmpeg has no libopenh264 encoder");
        }
        encoder = avcodec_alloc_context3(codec);
        frame = av_frame_alloc();
        packet = av_packet_alloc();
        if (encoder == null || frame == null || packet == null) {
            close();
            throw new CodecException("cannot allocate the libopenh264 encoder");
        }
        try {
            encoder.width(width);
            encoder.height(height);
            encoder.pix_fmt(AV_PIX_FMT_YUV420P);
            encoder.time_base(new AVRational().num(1).den(1000));
            encoder.framerate(new AVRational().num(fps).den(1));
            encoder.bit_rate(bitrate);
            encoder.gop_size(Integer.MAX_VALUE); // IDRs are placed by the caller, see encode()
            encoder.max_b_frames(0);
            encoder.thread_count(1);
            encoder.profile(AV_PROFILE_H264_CONSTRAINED_BASELINE);
            check(av_opt_set(encoder.priv_data(), "rc_mode", "bitrate", 0), "rc_mode");
            check(avcodec_open2(encoder, codec, (PointerPointer<?>) null), "open libopenh264");
            frame.format(AV_PIX_FMT_YUV420P);
            frame.width(width);
            frame.height(height);
            check(av_frame_get_buffer(frame, 0), "allocate the picture");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Encodes one picture (planes packed, strides {@code width} and {@code width / 2}); returns the access unit's
     * length in {@link #accessUnit()}, or 0 when the encoder skipped the picture.
     *
     * @param ptsMillis presentation time in milliseconds, increasing
     * @param forceIdr  make this picture an IDR
     */
    int encode(byte[] y, byte[] u, byte[] v, long ptsMillis, boolean forceIdr) {
        check(av_frame_make_writable(frame), "make the picture writable");
        copyPlane(y, frame.data(0), frame.linesize(0), width, height);
        copyPlane(u, frame.data(1), frame.linesize(1), width / 2, height / 2);
        copyPlane(v, frame.data(2), frame.linesize(2), width / 2, height / 2);
        frame.pts(ptsMillis);
        frame.pict_type(forceIdr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        check(avcodec_send_frame(encoder, frame), "encode a picture");
        length = 0;
        while (true) {
            int ret = avcodec_receive_packet(encoder, packet);
            if (ret == EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            check(ret, "receive an access unit");
            try {
                toAvcc(packet);
            } finally {
                av_packet_unref(packet);
            }
        }
        return length;
    }

    private static void copyPlane(byte[] src, BytePointer dst, int stride, int w, int h) {
        for (int row = 0; row < h; row++) {
            dst.position((long) row * stride).put(src, row * w, w);
        }
    }

    private void toAvcc(AVPacket encoded) {
        int size = encoded.size();
        if (size <= 0) {
            return;
        }
        if (size > annexB.length) {
            annexB = new byte[size * 2];
        }
        encoded.data().get(annexB, 0, size);
        if (nals.scanAnnexB(annexB, 0, size) <= 0) {
            throw new CodecException("libopenh264 produced no Annex-B NAL units");
        }
        int needed = nals.payloadBytes() + 4 * nals.count();
        if (needed > avcc.length) {
            avcc = new byte[needed * 2];
        }
        length = nals.writeAvcc(avcc, 0);
        idr = nals.hasIdr();
        int sps = nals.indexOf(NalUnit.SPS);
        int pps = nals.indexOf(NalUnit.PPS);
        if (sequenceHeader == null && sps >= 0 && pps >= 0) {
            sequenceHeader = AvcDecoderConfigurationRecord.of(
                    Arrays.copyOfRange(annexB, nals.offset(sps), nals.offset(sps) + nals.length(sps)),
                    Arrays.copyOfRange(annexB, nals.offset(pps), nals.offset(pps) + nals.length(pps)));
        }
    }

    /** The last access unit (AVCC, 4-byte lengths), valid until the next {@link #encode}. */
    byte[] accessUnit() {
        return avcc;
    }

    /** Whether the last access unit is an IDR. */
    boolean isIdr() {
        return idr;
    }

    /** The SPS/PPS record of the first IDR, or null before it. */
    AvcDecoderConfigurationRecord sequenceHeader() {
        return sequenceHeader;
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            throw new CodecException("libopenh264: cannot " + what + ": " + Ffmpeg.errorString(ret));
        }
    }

    @Override
    public void close() {
        if (encoder != null) {
            avcodec_free_context(encoder);
        }
        if (frame != null) {
            av_frame_free(frame);
        }
        if (packet != null) {
            av_packet_free(packet);
        }
    }
}
