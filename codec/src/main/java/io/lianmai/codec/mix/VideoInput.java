package io.lianmai.codec.mix;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_move_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.h264.NalUnits;
import io.lianmai.codec.transcode.PacketInput;
import io.lianmai.codec.vp8.Vp8FrameHeader;
import java.util.Objects;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A member's video: decoded on feed, each picture queued with its capture time on the mixer clock; at compose time
 * the newest picture not after the output time is shown, and held until a newer one is due (so late, lost or slow
 * input shows the last picture, and early input waits for its time).
 */
final class VideoInput implements MixInput {
    /** Largest access unit / frame accepted. */
    static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;
    /** Largest decoded picture side used. */
    static final int MAX_SIDE = 4096;
    /** Largest decoded picture (pixels) a decoder may allocate: 2560 × 1600, beyond any WebRTC or RTMP camera. */
    static final long MAX_PIXELS = 2560L * 1600;

    private final String userId;
    private final int streamType;
    private final boolean h264;
    private final InputClock clock;
    private final PacketInput input = new PacketInput();
    private final NalUnits nals = new NalUnits();
    private byte[] annexB = new byte[64 * 1024];
    private AVCodecContext decoder;
    private AVFrame decoded;
    private AVFrame current;
    private boolean hasCurrent;
    private double currentMillis;
    private boolean shown;
    private final int queueLength;
    private final AVFrame[] queue;
    private final double[] queueMillis;
    private int head;
    private int size;

    private long framesIn;
    private long corrupt;
    private long rejected;
    private long late;

    /** {@code queueLength}: pictures held ahead of the playout point (the latency at 60 fps, plus some). */
    VideoInput(String userId, int streamType, boolean h264, int queueLength) {
        Ffmpeg.load();
        this.queueLength = queueLength;
        this.queue = new AVFrame[queueLength];
        this.queueMillis = new double[queueLength];
        this.userId = Objects.requireNonNull(userId, "userId");
        this.streamType = streamType;
        this.h264 = h264;
        this.clock = new InputClock(90_000);
        try {
            String name = h264 ? "h264" : "vp8";
            AVCodec codec = avcodec_find_decoder_by_name(name);
            if (codec == null) {
                throw new CodecException("FFmpeg has no " + name + " decoder");
            }
            decoder = avcodec_alloc_context3(codec);
            if (decoder == null) {
                throw new CodecException("cannot allocate the " + name + " decoder");
            }
            decoder.thread_count(1); // frame threads would add latency; a mix spreads over inputs, not threads
            decoder.max_pixels(MAX_PIXELS); // an SPS or keyframe claiming 16k × 16k must not allocate gigabytes
            int ret = avcodec_open2(decoder, codec, (PointerPointer<?>) null);
            if (ret < 0) {
                throw new CodecException("cannot open the " + name + " decoder: " + Ffmpeg.errorString(ret));
            }
            decoded = av_frame_alloc();
            current = av_frame_alloc();
            for (int i = 0; i < queueLength; i++) {
                queue[i] = av_frame_alloc();
            }
            if (decoded == null || current == null) {
                throw new CodecException("av_frame_alloc failed");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public int streamType() {
        return streamType;
    }

    @Override
    public void setClockMapping(long timestamp, double millis) {
        clock.setMapping(timestamp, millis);
    }

    @Override
    public void feed(byte[] buf, int off, int len, long timestamp, long arrivalMillis) {
        checkOpen();
        Objects.checkFromIndexSize(off, len, buf.length);
        framesIn++;
        if (len < 1 || len > MAX_FRAME_BYTES) {
            rejected++;
            return;
        }
        double millis = clock.toMillis(timestamp, arrivalMillis);
        // the capture time rides through the decoder as pts (µs), so pictures a decoder reorders or delays (H.264
        // with B-frames from RTMP) keep their own times
        long pts = (long) Math.floor(millis * 1000); // down: a picture is never due later than its capture time
        int ret;
        if (h264) {
            if (nals.scanAvcc(buf, off, len, 4) <= 0) {
                rejected++;
                return;
            }
            int n = nals.payloadBytes() + 4 * nals.count();
            if (n > annexB.length) {
                annexB = new byte[Math.max(n, annexB.length * 2)];
            }
            int written = nals.writeAnnexB(annexB, 0);
            ret = avcodec_send_packet(decoder, input.wrap(annexB, 0, written, pts));
        } else {
            if (Vp8FrameHeader.isKeyframe(buf, off, len) && (!Vp8FrameHeader.isValidKeyframe(buf, off, len)
                    || (long) Vp8FrameHeader.width(buf, off) * Vp8FrameHeader.height(buf, off) > MAX_PIXELS)) {
                rejected++;
                return;
            }
            ret = avcodec_send_packet(decoder, input.wrap(buf, off, len, pts));
        }
        if (ret < 0) {
            corrupt++;
            return;
        }
        while (true) {
            ret = avcodec_receive_frame(decoder, decoded);
            if (ret == PacketInput.EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                corrupt++;
                break;
            }
            if (decoded.width() < 2 || decoded.height() < 2 || decoded.width() > MAX_SIDE
                    || decoded.height() > MAX_SIDE) {
                rejected++;
                av_frame_unref(decoded);
                continue;
            }
            long decodedPts = decoded.best_effort_timestamp();
            enqueue(decodedPts == AV_NOPTS_VALUE ? millis : decodedPts / 1000.0);
        }
    }

    private void enqueue(double millis) {
        if (size == queueLength) {
            // a full queue ahead of the playout point: the sender's clock runs fast or jumped; drop the oldest
            av_frame_unref(queue[head]);
            head = (head + 1) % queueLength;
            size--;
            late++;
        }
        int slot = (head + size) % queueLength;
        av_frame_move_ref(queue[slot], decoded);
        queueMillis[slot] = millis;
        size++;
    }

    /**
     * The picture to show at mixer time {@code millis}: the newest queued picture captured at or before it (older
     * ones are released), else the one shown before; null if none has been due yet.
     */
    AVFrame pictureAt(double millis) {
        boolean advanced = false;
        while (size > 0 && queueMillis[head] <= millis) {
            currentMillis = queueMillis[head];
            av_frame_unref(current);
            av_frame_move_ref(current, queue[head]);
            head = (head + 1) % queueLength;
            size--;
            advanced = true;
        }
        if (advanced) {
            hasCurrent = true;
        }
        return hasCurrent ? current : null;
    }

    /** Whether the current layout has a region for this input. */
    boolean shown() {
        return shown;
    }

    void shown(boolean inLayout) {
        shown = inLayout;
    }

    /** Capture time of the picture {@link #pictureAt} last returned. */
    double currentMillis() {
        return currentMillis;
    }

    @Override
    public long framesIn() {
        return framesIn;
    }

    @Override
    public long corruptFrames() {
        return corrupt;
    }

    @Override
    public long rejectedFrames() {
        return rejected;
    }

    @Override
    public long lateFrames() {
        return late;
    }

    private void checkOpen() {
        if (decoder == null) {
            throw new IllegalStateException("mixer input is closed");
        }
    }

    void close() {
        if (decoder != null) {
            avcodec_free_context(decoder);
            decoder = null;
        }
        if (decoded != null) {
            av_frame_free(decoded);
            decoded = null;
        }
        if (current != null) {
            av_frame_free(current);
            current = null;
        }
        for (int i = 0; i < queueLength; i++) {
            if (queue[i] != null) {
                av_frame_free(queue[i]);
                queue[i] = null;
            }
        }
        input.close();
    }
}
