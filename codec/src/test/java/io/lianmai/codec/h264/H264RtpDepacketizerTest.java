package io.lianmai.codec.h264;

import static io.lianmai.codec.h264.H264RtpPacketizerTest.avcc;
import static io.lianmai.codec.h264.H264RtpPacketizerTest.nal;
import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Packet;
import io.lianmai.codec.TestMedia.Picture;
import io.lianmai.wire.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class H264RtpDepacketizerTest {
    private static final byte[] SPS = AvcDecoderConfigurationRecordTest.BASELINE_SPS;
    private static final byte[] PPS = AvcDecoderConfigurationRecordTest.BASELINE_PPS;

    private final RecordingListener out = new RecordingListener();
    private final H264RtpDepacketizer depacketizer = new H264RtpDepacketizer(out);
    private final H264RtpPacketizer packetizer = new H264RtpPacketizer(7, 96, 65530, 1200);
    private final List<byte[]> packets = new ArrayList<>();

    private void send(long timestamp, byte[]... nals) {
        byte[] au = avcc(nals);
        packetizer.packetizeAvcc(au, 0, au.length, 4, timestamp,
                (buf, off, len) -> packets.add(Arrays.copyOfRange(buf, off, off + len)));
    }

    private void pushAll() {
        for (byte[] p : packets) {
            depacketizer.push(p, 0, p.length);
        }
        packets.clear();
    }

    @Test
    void openh264AccessUnitsSurviveTheRoundTripAndDecode() {
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pictures.add(TestMedia.movingPicture(320, 240, i));
        }
        List<Packet> encoded = TestMedia.encodeVideo("libopenh264", pictures, 320, 240, 30, 600_000, 15,
                Map.of());
        assertThat(encoded).hasSize(40);
        for (int i = 0; i < encoded.size(); i++) {
            byte[] annexB = encoded.get(i).data();
            packetizer.packetizeAnnexB(annexB, 0, annexB.length, i * 3000L,
                    (buf, off, len) -> packets.add(Arrays.copyOfRange(buf, off, off + len)));
        }
        assertThat(packets.size()).isGreaterThan(40);
        pushAll();
        assertThat(out.accessUnits).hasSize(40);
        assertThat(out.keyframeRequests).isZero();
        for (int i = 0; i < 40; i++) {
            byte[] expected = AnnexB.toAvcc(encoded.get(i).data(), 0, encoded.get(i).data().length);
            assertThat(out.accessUnits.get(i)).as("access unit %d", i).isEqualTo(expected);
            assertThat(out.timestamps.get(i)).isEqualTo(i * 3000L);
            assertThat(out.keyframes.get(i)).isEqualTo(encoded.get(i).key());
        }
        assertThat(out.headers).hasSize(1);
        assertThat(out.headers.get(0).profileIndication()).isEqualTo(66);
        assertThat(depacketizer.sequenceHeader()).isEqualTo(out.headers.get(0));

        List<byte[]> annexB = new ArrayList<>();
        for (byte[] au : out.accessUnits) {
            annexB.add(AnnexB.fromAvcc(au, 0, au.length, 4));
        }
        List<Picture> decoded = TestMedia.decodeVideo("h264", annexB);
        assertThat(decoded).hasSize(40);
        assertThat(decoded.get(39).width()).isEqualTo(320);
        assertThat(TestMedia.psnr(decoded.get(20).yuv(), pictures.get(20), 320, 240)).isGreaterThan(28);
    }

    @Test
    void aLostFragmentDropsTheFrameAndEverythingUntilTheNextIdr() {
        send(0, SPS, PPS, nal(0x65, 3000));
        send(3000, nal(0x41, 2500));
        send(6000, nal(0x41, 100));
        pushAll();
        assertThat(out.accessUnits).hasSize(3);

        send(9000, nal(0x41, 2500)); // three fragments; the middle one is lost
        packets.remove(1);
        send(12000, nal(0x41, 100));
        pushAll();
        assertThat(out.accessUnits).hasSize(3);
        assertThat(out.keyframeRequests).isEqualTo(1);
        assertThat(depacketizer.isWaitingForKeyframe()).isTrue();
        assertThat(depacketizer.lostPackets()).isEqualTo(1);
        assertThat(depacketizer.droppedAccessUnits()).isEqualTo(2);

        send(15000, nal(0x65, 500)); // an IDR without in-band parameter sets: the known ones do
        send(18000, nal(0x41, 100));
        pushAll();
        assertThat(out.accessUnits).hasSize(5);
        assertThat(out.keyframes.get(3)).isTrue();
        assertThat(out.accessUnits.get(3)).startsWith(avcc(SPS, PPS)); // the packetizer re-sent them
        assertThat(depacketizer.isWaitingForKeyframe()).isFalse();
        assertThat(out.headers).hasSize(1);
    }

    @Test
    void aStreamJoinedMidGopWaitsForItsFirstIdr() {
        send(0, nal(0x41, 100));
        send(3000, nal(0x41, 100));
        pushAll();
        assertThat(out.accessUnits).isEmpty();
        assertThat(out.keyframeRequests).isEqualTo(1);
        send(6000, SPS, PPS, nal(0x65, 100));
        pushAll();
        assertThat(out.accessUnits).hasSize(1);
        assertThat(out.headers).hasSize(1);
    }

    @Test
    void lateAndDuplicatePacketsAreIgnoredAndChangedParameterSetsAnnounced() {
        send(0, SPS, PPS, nal(0x65, 100));
        send(3000, nal(0x41, 100));
        byte[] dup = packets.get(1);
        packets.add(dup);
        packets.add(packets.get(0));
        byte[] sps2 = SPS.clone();
        sps2[3] = 0x1f;
        send(6000, sps2, PPS, nal(0x65, 100));
        pushAll();
        assertThat(out.accessUnits).hasSize(3);
        assertThat(depacketizer.latePackets()).isEqualTo(2);
        assertThat(out.keyframeRequests).isZero();
        assertThat(out.headers).hasSize(2);
        assertThat(out.headers.get(1).levelIndication()).isEqualTo(0x1f);
    }

    @Test
    void wholePacketsWithCsrcExtensionAndPaddingAreUnwrapped() {
        // V=2 P=1 X=1 CC=1, M=1 PT=96, seq 1, ts 3000; CSRC; extension of one word; payload; 3 bytes of padding
        byte[] payload = new byte[1 + 2 + SPS.length + 2 + PPS.length + 2 + 5];
        payload[0] = 0x78;
        int pos = 1;
        for (byte[] nal : new byte[][] {SPS, PPS, nal(0x65, 5)}) {
            payload[pos] = (byte) (nal.length >> 8);
            payload[pos + 1] = (byte) nal.length;
            System.arraycopy(nal, 0, payload, pos + 2, nal.length);
            pos += 2 + nal.length;
        }
        byte[] header = Hex.bytes("b1 e0 0001 00000bb8 00000007 | 0000000a | bede0001 | 10ff0000");
        byte[] packet = new byte[header.length + payload.length + 3];
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(payload, 0, packet, header.length, payload.length);
        packet[packet.length - 1] = 3;
        assertThat(rtp(packet).payloadOffset()).isEqualTo(header.length);
        depacketizer.push(packet, 0, packet.length);
        assertThat(out.accessUnits).hasSize(1);
        assertThat(out.timestamps.get(0)).isEqualTo(3000);
        assertThat(out.accessUnits.get(0)).isEqualTo(avcc(SPS, PPS, nal(0x65, 5)));

        depacketizer.push(new byte[] {(byte) 0x80, 0, 0}, 0, 3);
        byte[] badPadding = packet.clone();
        badPadding[badPadding.length - 1] = (byte) 200;
        depacketizer.push(badPadding, 0, badPadding.length);
        assertThat(depacketizer.malformedPackets()).isEqualTo(2);
    }

    /** The packet as an RTP view; fails the test if it is not valid RTP. */
    private static RtpPacket rtp(byte[] packet) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(packet, 0, packet.length)).isTrue();
        return view;
    }
}
