package io.lianmai.live.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TsMuxer} that records frames instead of muxing, and checks what {@link HlsStream} promises a muxer:
 * strictly increasing DTS per track, PTS not before DTS, Annex-B video, tracks it was opened with.
 */
final class RecordingTsMuxer implements TsMuxer {
    /** One muxed frame. */
    record Frame(Track track, long dts, long pts, boolean keyframe, byte[] bytes) {
    }

    /** Every muxer opened by {@link #factory}, in order. */
    static final class Opened implements TsMuxer.Factory {
        final List<RecordingTsMuxer> muxers = new ArrayList<>();

        @Override
        public TsMuxer open(AvcDecoderConfigurationRecord video, AudioSpecificConfig audio) {
            RecordingTsMuxer muxer = new RecordingTsMuxer(video, audio);
            muxers.add(muxer);
            return muxer;
        }

        long openCount() {
            return muxers.stream().filter(muxer -> !muxer.closed).count();
        }
    }

    final AvcDecoderConfigurationRecord video;
    final AudioSpecificConfig audio;
    /** Frames of each segment handed out so far. */
    final List<List<Frame>> segments = new ArrayList<>();
    private List<Frame> current = new ArrayList<>();
    private ByteBuffer buffer = ByteBuffer.allocate(0);
    private long lastVideo = Long.MIN_VALUE;
    private long lastAudio = Long.MIN_VALUE;
    boolean closed;

    RecordingTsMuxer(AvcDecoderConfigurationRecord video, AudioSpecificConfig audio) {
        this.video = video;
        this.audio = audio;
    }

    @Override
    public ByteBuffer frameBuffer(int capacity) {
        assertThat(closed).isFalse();
        buffer = ByteBuffer.allocate(capacity);
        return buffer;
    }

    @Override
    public void writeFrame(Track track, int length, long dts, long pts, boolean keyframe) {
        assertThat(closed).isFalse();
        assertThat(length).isPositive().isLessThanOrEqualTo(buffer.capacity());
        assertThat(buffer.position()).as("frame fully written").isEqualTo(length);
        assertThat(pts).isGreaterThanOrEqualTo(dts);
        if (track == Track.VIDEO) {
            assertThat(video).as("video track").isNotNull();
            assertThat(dts).isGreaterThan(lastVideo);
            lastVideo = dts;
            assertThat(buffer.getInt(0)).as("Annex-B start code").isEqualTo(1);
        } else {
            assertThat(audio).as("audio track").isNotNull();
            assertThat(dts).isGreaterThan(lastAudio);
            lastAudio = dts;
        }
        byte[] bytes = new byte[length];
        buffer.get(0, bytes);
        current.add(new Frame(track, dts, pts, keyframe, bytes));
    }

    @Override
    public byte[] cut() {
        assertThat(closed).isFalse();
        return take();
    }

    @Override
    public byte[] finish() {
        byte[] last = take();
        close();
        return last;
    }

    private byte[] take() {
        segments.add(current);
        int size = current.stream().mapToInt(frame -> frame.bytes().length).sum();
        current = new ArrayList<>();
        return new byte[size];
    }

    @Override
    public void close() {
        closed = true;
    }
}
