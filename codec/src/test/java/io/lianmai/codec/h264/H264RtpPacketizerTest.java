package io.lianmai.codec.h264;

import io.lianmai.wire.h264.NalUnit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.common.BigEndian;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264RtpPacketizerTest {
    private static final byte[] SPS = AvcDecoderConfigurationRecordTest.BASELINE_SPS;
    private static final byte[] PPS = AvcDecoderConfigurationRecordTest.BASELINE_PPS;

    private final List<byte[]> packets = new ArrayList<>();

    private void collect(byte[] buf, int off, int len) {
        packets.add(Arrays.copyOfRange(buf, off, off + len));
    }

    static byte[] avcc(byte[]... nals) {
        int size = 0;
        for (byte[] nal : nals) {
            size += 4 + nal.length;
        }
        byte[] out = new byte[size];
        int pos = 0;
        for (byte[] nal : nals) {
            BigEndian.put32(out, pos, nal.length);
            System.arraycopy(nal, 0, out, pos + 4, nal.length);
            pos += 4 + nal.length;
        }
        return out;
    }

    static byte[] nal(int header, int length) {
        byte[] nal = new byte[length];
        nal[0] = (byte) header;
        for (int i = 1; i < length; i++) {
            nal[i] = (byte) (i * 7 + length);
        }
        if (length > 1) {
            nal[1] |= (byte) 0x80; // first_mb_in_slice = 0
        }
        return nal;
    }

    private static byte[] payload(byte[] packet) {
        return Arrays.copyOfRange(packet, RtpPacket.FIXED_HEADER_LENGTH, packet.length);
    }

    @Test
    void aSmallNalUnitGoesAloneWithTheMarkerAndHeaderFields() {
        H264RtpPacketizer packetizer = new H264RtpPacketizer(0x11223344L, 102, 65535);
        byte[] slice = nal(0x41, 50);
        byte[] au = avcc(slice);
        assertThat(packetizer.packetizeAvcc(au, 0, au.length, 4, 0x1_0000_0005L, this::collect)).isEqualTo(1);
        byte[] p = packets.get(0);
        assertThat(p).hasSize(12 + 50);
        assertThat(rtp(p).payloadOffset()).isEqualTo(12);
        assertThat(rtp(p).marker()).isTrue();
        assertThat(rtp(p).payloadType()).isEqualTo(102);
        assertThat(rtp(p).sequenceNumber()).isEqualTo(65535);
        assertThat(rtp(p).timestamp()).isEqualTo(5);
        assertThat(rtp(p).ssrc()).isEqualTo(0x11223344L);
        assertThat(payload(p)).isEqualTo(slice);
        assertThat(packetizer.nextSequenceNumber()).isZero();
    }

    @Test
    void smallNalUnitsShareAStapAAndLargeOnesAreFragmentedEvenly() {
        H264RtpPacketizer packetizer = new H264RtpPacketizer(1, 96, 100, 1200);
        byte[] sei = nal(0x06, 20);
        byte[] idr = nal(0x65, 3000);
        byte[] aud = Hex.bytes("09 f0");
        byte[] au = avcc(aud, SPS, PPS, sei, idr);
        assertThat(packetizer.packetizeAvcc(au, 0, au.length, 4, 9000, this::collect)).isEqualTo(4);
        byte[] stap = payload(packets.get(0));
        assertThat(stap[0]).isEqualTo((byte) (0x60 | NalUnit.STAP_A)); // highest NRI of SPS/PPS/SEI
        assertThat(stap).hasSize(1 + 2 + SPS.length + 2 + PPS.length + 2 + sei.length);
        assertThat(BigEndian.u16(stap, 1)).isEqualTo(SPS.length);
        assertThat(rtp(packets.get(0)).marker()).isFalse();
        // 2999 bytes after the NAL header in fragments of at most 1198: 1000, 1000, 999
        int[] sizes = {1000, 1000, 999};
        for (int i = 0; i < 3; i++) {
            byte[] fu = payload(packets.get(1 + i));
            assertThat(fu).hasSize(2 + sizes[i]);
            assertThat(fu[0]).isEqualTo((byte) (0x60 | NalUnit.FU_A));
            assertThat(fu[1] & 0x1F).isEqualTo(NalUnit.IDR);
            assertThat((fu[1] & 0x80) != 0).isEqualTo(i == 0);
            assertThat((fu[1] & 0x40) != 0).isEqualTo(i == 2);
            assertThat(rtp(packets.get(1 + i)).marker()).isEqualTo(i == 2);
            assertThat(rtp(packets.get(1 + i)).sequenceNumber()).isEqualTo(101 + i);
        }
        assertThat(packetizer.accessUnits()).isEqualTo(1);
        assertThat(packetizer.packets()).isEqualTo(4);
    }

    @Test
    void parameterSetsAreSentBeforeAnIdrThatLacksThem() {
        H264RtpPacketizer packetizer = new H264RtpPacketizer(1, 96, 0);
        byte[] idr = nal(0x65, 2000);
        byte[] au = avcc(idr);
        packetizer.packetizeAvcc(au, 0, au.length, 4, 0, this::collect);
        assertThat(packets).hasSize(2); // nothing known to insert yet
        packets.clear();
        packetizer.setParameterSets(AvcDecoderConfigurationRecord.of(SPS, PPS));
        packetizer.packetizeAvcc(au, 0, au.length, 4, 3000, this::collect);
        assertThat(packets).hasSize(3);
        byte[] stap = payload(packets.get(0));
        assertThat(stap[0] & 0x1F).isEqualTo(NalUnit.STAP_A);
        assertThat(Arrays.copyOfRange(stap, 3, 3 + SPS.length)).isEqualTo(SPS);
        assertThat(packetizer.parameterSetsInserted()).isEqualTo(1);

        // parameter sets seen in-band replace the configured ones
        packets.clear();
        byte[] newSps = SPS.clone();
        newSps[3] = 0x1f;
        byte[] withSets = avcc(newSps, PPS, nal(0x65, 100));
        packetizer.packetizeAvcc(withSets, 0, withSets.length, 4, 6000, this::collect);
        packets.clear();
        packetizer.packetizeAvcc(au, 0, au.length, 4, 9000, this::collect);
        byte[] again = payload(packets.get(0));
        assertThat(Arrays.copyOfRange(again, 3, 3 + newSps.length)).isEqualTo(newSps);
    }

    @Test
    void annexBInputAndMalformedInput() {
        H264RtpPacketizer packetizer = new H264RtpPacketizer(1, 96, 0);
        byte[] annexB = Hex.bytes("00 00 00 01 41 9a 01 02 | 00 00 01 41 1a 03");
        assertThat(packetizer.packetizeAnnexB(annexB, 0, annexB.length, 0, this::collect)).isEqualTo(1);
        assertThat(payload(packets.get(0))).isEqualTo(Hex.bytes("58 0004 419a0102 0003 411a03"));
        assertThat(packetizer.packetizeAnnexB(Hex.bytes("41 9a"), 0, 2, 0, this::collect)).isZero();
        assertThat(packetizer.packetizeAvcc(Hex.bytes("00 00 00 09 41"), 0, 5, 4, 0, this::collect)).isZero();
        assertThat(packetizer.packetizeAvcc(Hex.bytes("00 00 00 02 09 f0"), 0, 6, 4, 0, this::collect)).isZero();
        assertThat(packetizer.malformedAccessUnits()).isEqualTo(3);
        assertThat(packets).hasSize(1);
    }

    /** The packet as an RTP view; fails the test if it is not valid RTP. */
    private static RtpPacket rtp(byte[] packet) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(packet, 0, packet.length)).isTrue();
        return view;
    }
}
