package io.lianmai.codec.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Packet;
import io.lianmai.codec.TestMedia.Picture;
import io.lianmai.codec.h264.AnnexB;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264AccessUnitListener;
import io.lianmai.codec.h264.SequenceParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Vp8ToH264Test {
    private static final int FPS = 30;

    private final List<byte[]> accessUnits = new ArrayList<>();
    private final List<Long> timestamps = new ArrayList<>();
    private final List<Boolean> keyframes = new ArrayList<>();
    private final List<AvcDecoderConfigurationRecord> headers = new ArrayList<>();
    private int keyframeRequests;

    private final H264AccessUnitListener collect = new H264AccessUnitListener() {
        @Override
        public void onAccessUnit(byte[] buf, int off, int len, long timestamp, boolean keyframe) {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            accessUnits.add(copy);
            timestamps.add(timestamp);
            keyframes.add(keyframe);
        }

        @Override
        public void onSequenceHeaderChanged(AvcDecoderConfigurationRecord record) {
            headers.add(record);
        }

        @Override
        public void onKeyframeNeeded() {
            keyframeRequests++;
        }
    };

    static List<byte[]> pictures(int width, int height, int count) {
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pictures.add(TestMedia.movingPicture(width, height, i));
        }
        return pictures;
    }

    static List<Packet> vp8(List<byte[]> pictures, int width, int height) {
        return TestMedia.encodeVideo("libvpx", pictures, width, height, FPS, 1_000_000, 1_000,
                Map.of("deadline", "realtime", "cpu-used", "8"));
    }

    private List<Picture> decodeOutput() {
        List<byte[]> annexB = new ArrayList<>();
        for (byte[] au : accessUnits) {
            annexB.add(AnnexB.fromAvcc(au, 0, au.length, 4));
        }
        return TestMedia.decodeVideo("h264", annexB);
    }

    @Test
    void vp8BecomesDecodableH264CloseToTheSource() {
        List<byte[]> source = pictures(320, 240, 90);
        List<Packet> vp8 = vp8(source, 320, 240);
        assertThat(vp8).hasSize(90);
        long base = 0xFFFF_0000L; // wraps within the test
        try (Vp8ToH264 transcoder = new Vp8ToH264(Vp8ToH264.Config.DEFAULTS.withBitrate(800_000), collect)) {
            for (int i = 0; i < vp8.size(); i++) {
                byte[] frame = vp8.get(i).data();
                transcoder.feed(frame, 0, frame.length, (base + i * 3000L) & 0xFFFF_FFFFL);
            }
            assertThat(transcoder.corruptFrames()).isZero();
            assertThat(transcoder.rejectedFrames()).isZero();
            assertThat(transcoder.encoderOpens()).isEqualTo(1);
            assertThat(transcoder.width()).isEqualTo(320);
            assertThat(transcoder.sequenceHeader()).isEqualTo(headers.get(0));
        }
        assertThat(accessUnits).hasSize(90);
        for (int i = 0; i < 90; i++) {
            assertThat(timestamps.get(i)).isEqualTo((base + i * 3000L) & 0xFFFF_FFFFL);
            assertThat(keyframes.get(i)).as("keyframe at %d", i).isEqualTo(i == 0 || i == 60);
        }
        assertThat(headers).hasSize(1);
        AvcDecoderConfigurationRecord record = headers.get(0);
        assertThat(record.profileIndication()).isEqualTo(66);
        assertThat(record.profileCompatibility() & 0x40).isNotZero(); // constraint_set1: Constrained Baseline
        byte[] sps = record.sps();
        SequenceParameterSet parsed = SequenceParameterSet.parse(sps, 0, sps.length);
        assertThat(parsed.width()).isEqualTo(320);
        assertThat(parsed.height()).isEqualTo(240);

        List<Picture> decoded = decodeOutput();
        assertThat(decoded).hasSize(90);
        double sum = 0;
        double min = Double.MAX_VALUE;
        for (int i = 0; i < decoded.size(); i++) {
            Picture p = decoded.get(i);
            assertThat(p.width()).isEqualTo(320);
            assertThat(p.height()).isEqualTo(240);
            double psnr = TestMedia.psnr(p.yuv(), source.get(i), 320, 240);
            sum += psnr;
            min = Math.min(min, psnr);
        }
        assertThat(sum / decoded.size()).isGreaterThan(30);
        assertThat(min).isGreaterThan(25);
    }

    @Test
    void aResolutionChangeReopensTheEncoderWithANewSequenceHeader() {
        List<Packet> large = vp8(pictures(320, 240, 10), 320, 240);
        List<Packet> small = vp8(pictures(176, 144, 10), 176, 144);
        try (Vp8ToH264 transcoder = new Vp8ToH264(Vp8ToH264.Config.DEFAULTS, collect)) {
            long ts = 0;
            for (Packet p : large) {
                transcoder.feed(p.data(), 0, p.data().length, ts += 3000);
            }
            for (Packet p : small) {
                transcoder.feed(p.data(), 0, p.data().length, ts += 3000);
            }
            assertThat(transcoder.encoderOpens()).isEqualTo(2);
            assertThat(transcoder.width()).isEqualTo(176);
        }
        assertThat(headers).hasSize(2);
        assertThat(keyframes.get(0)).isTrue();
        assertThat(keyframes.get(10)).isTrue();
        List<Picture> decoded = decodeOutput();
        assertThat(decoded).hasSize(20);
        assertThat(decoded.get(9).width()).isEqualTo(320);
        assertThat(decoded.get(10).width()).isEqualTo(176);
        assertThat(decoded.get(19).height()).isEqualTo(144);
    }

    @Test
    void keyframesOnRequestAndNoOutputBeforeTheFirstVp8Keyframe() {
        List<Packet> vp8 = vp8(pictures(320, 240, 20), 320, 240);
        try (Vp8ToH264 transcoder = new Vp8ToH264(Vp8ToH264.Config.DEFAULTS, collect)) {
            byte[] inter = vp8.get(5).data();
            transcoder.feed(inter, 0, inter.length, 0);
            transcoder.feed(inter, 0, inter.length, 0);
            assertThat(keyframeRequests).isEqualTo(1);
            assertThat(transcoder.rejectedFrames()).isEqualTo(2);
            for (int i = 0; i < vp8.size(); i++) {
                if (i == 12) {
                    transcoder.requestKeyframe();
                }
                byte[] frame = vp8.get(i).data();
                transcoder.feed(frame, 0, frame.length, i * 3000L);
            }
        }
        assertThat(accessUnits).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(keyframes.get(i)).as("keyframe at %d", i).isEqualTo(i == 0 || i == 12);
        }
        assertThat(decodeOutput()).hasSize(20);
    }
}
