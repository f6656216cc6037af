package io.lianmai.codec.vp8;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Packet;
import io.lianmai.codec.TestMedia.Picture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class Vp8RtpDepacketizerTest {
    private final List<byte[]> frames = new ArrayList<>();
    private final List<Long> timestamps = new ArrayList<>();
    private final List<Boolean> keyframes = new ArrayList<>();
    private final List<int[]> sizes = new ArrayList<>();
    private int keyframeRequests;

    private final Vp8FrameListener collect = new Vp8FrameListener() {
        @Override
        public void onVp8Frame(byte[] buf, int off, int len, long timestamp, boolean keyframe, int width, int height) {
            frames.add(Arrays.copyOfRange(buf, off, off + len));
            timestamps.add(timestamp);
            keyframes.add(keyframe);
            sizes.add(new int[] {width, height});
        }

        @Override
        public void onKeyframeNeeded() {
            keyframeRequests++;
        }
    };

    @Test
    void libvpxFramesSurviveTheRoundTripAndDecode() {
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pictures.add(TestMedia.movingPicture(320, 240, i));
        }
        List<Packet> vp8 = TestMedia.encodeVideo("libvpx", pictures, 320, 240, 30, 1_000_000, 10,
                Map.of("deadline", "realtime", "cpu-used", "8"));
        Vp8TestPacketizer packetizer = new Vp8TestPacketizer(65000);
        for (int i = 0; i < vp8.size(); i++) {
            packetizer.packetize(vp8.get(i).data(), 0xFFFF_0000L + i * 3000L & 0xFFFF_FFFFL, i, 1000, null);
        }
        Vp8RtpDepacketizer depacketizer = new Vp8RtpDepacketizer(collect);
        for (byte[] p : packetizer.packets) {
            depacketizer.push(p, 0, p.length);
        }
        assertThat(frames).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(frames.get(i)).isEqualTo(vp8.get(i).data());
            assertThat(keyframes.get(i)).isEqualTo(vp8.get(i).key());
            assertThat(sizes.get(i)).containsExactly(320, 240);
        }
        assertThat(keyframes.get(0)).isTrue();
        assertThat(keyframes.get(10)).isTrue();
        List<Picture> decoded = TestMedia.decodeVideo("vp8", frames);
        assertThat(decoded).hasSize(30);
        assertThat(keyframeRequests).isZero();
    }

    @Test
    void aFrameWithoutItsStartIsDroppedUntilTheNextKeyframe() {
        Vp8TestPacketizer packetizer = new Vp8TestPacketizer(1);
        packetizer.packetize(keyframe(640, 360, 3000), 0, 0, 1200, null);
        packetizer.packetize(interframe(2000), 3000, 1, 1200, null);
        packetizer.packetize(interframe(500), 6000, 2, 1200, null);
        packetizer.packetize(keyframe(320, 180, 100), 9000, 3, 1200, null);
        List<byte[]> packets = new ArrayList<>(packetizer.packets);
        packets.remove(3); // the first packet of frame 1
        Vp8RtpDepacketizer depacketizer = new Vp8RtpDepacketizer(collect);
        for (byte[] p : packets) {
            depacketizer.push(p, 0, p.length);
        }
        assertThat(timestamps).containsExactly(0L, 9000L);
        assertThat(sizes.get(1)).containsExactly(320, 180);
        assertThat(keyframeRequests).isEqualTo(1);
        assertThat(depacketizer.droppedFrames()).isEqualTo(2);
        assertThat(depacketizer.lostPackets()).isEqualTo(1);
    }

    @Test
    void frameHeaderOfKeyframes() {
        assertThat(Vp8FrameHeader.isValidKeyframe(keyframe(1280, 720, 10), 0, 10)).isTrue();
        assertThat(Vp8FrameHeader.width(keyframe(1280, 720, 10), 0)).isEqualTo(1280);
        assertThat(Vp8FrameHeader.isValidKeyframe(interframe(20), 0, 20)).isFalse();
    }

    @Property(tries = 300)
    void aLostPacketCostsItsFrameUntilTheNextKeyframe(@ForAll long seed,
            @ForAll @IntRange(min = 0, max = 10_000) int at, @ForAll boolean lose) {
        frames.clear();
        keyframeRequests = 0;
        Random random = new Random(seed);
        Vp8TestPacketizer packetizer = new Vp8TestPacketizer(random.nextInt(65536));
        List<byte[]> sent = new ArrayList<>();
        List<Boolean> key = new ArrayList<>();
        int count = 5 + random.nextInt(20);
        for (int i = 0; i < count; i++) {
            boolean k = i == 0 || random.nextInt(5) == 0;
            byte[] frame = k ? keyframe(16 + random.nextInt(2000), 16 + random.nextInt(2000), 10 + random.nextInt(5000))
                    : interframe(3 + random.nextInt(5000));
            sent.add(frame);
            key.add(k);
            packetizer.packetize(frame, 3000L * i, i, 1200, random);
        }
        int lost = lose ? at % packetizer.packets.size() : -1;
        Vp8RtpDepacketizer depacketizer = new Vp8RtpDepacketizer(collect);
        for (int i = 0; i < packetizer.packets.size(); i++) {
            if (i != lost) {
                depacketizer.push(packetizer.packets.get(i), 0, packetizer.packets.get(i).length);
            }
        }
        List<byte[]> expected = new ArrayList<>();
        int damaged = lost < 0 ? count : packetizer.packetFrame.get(lost);
        for (int i = 0; i < damaged; i++) {
            expected.add(sent.get(i));
        }
        int resume = damaged + 1;
        while (resume < count && !key.get(resume)) {
            resume++;
        }
        for (int i = resume; i < count; i++) {
            expected.add(sent.get(i));
        }
        assertThat(frames).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(frames.get(i)).isEqualTo(expected.get(i));
        }
        // Lost as the stream's very first packet while it was all of the first frame, with a keyframe next: the
        // receiver sees no gap and no broken frame and starts at that keyframe, so it has nothing to ask for.
        boolean unnoticeable = lost == 0 && packetizer.packetFrame.get(1) == 1 && key.get(1);
        if (lost >= 0 && lost < packetizer.packets.size() - 1 && !unnoticeable) {
            assertThat(keyframeRequests).isEqualTo(1);
        } else {
            assertThat(keyframeRequests).isZero();
        }
    }

    static byte[] keyframe(int width, int height, int length) {
        byte[] frame = new byte[length];
        new Random(length).nextBytes(frame);
        frame[0] = (byte) (frame[0] & ~1);
        frame[3] = (byte) 0x9d;
        frame[4] = 0x01;
        frame[5] = 0x2a;
        frame[6] = (byte) width;
        frame[7] = (byte) (width >> 8);
        frame[8] = (byte) height;
        frame[9] = (byte) (height >> 8);
        return frame;
    }

    static byte[] interframe(int length) {
        byte[] frame = new byte[length];
        new Random(length + 1).nextBytes(frame);
        frame[0] |= 1;
        return frame;
    }
}
