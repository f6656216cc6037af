package io.lianmai.codec;

import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.flv.FlvAudioTagHeader;
import io.lianmai.codec.flv.FlvVideoTagHeader;
import io.lianmai.codec.h264.AnnexB;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.H264AccessUnitListener;
import io.lianmai.codec.h264.H264RtpDepacketizer;
import io.lianmai.codec.h264.H264RtpPacketizer;
import io.lianmai.codec.h264.NalUnits;
import io.lianmai.codec.h264.SequenceParameterSet;
import io.lianmai.codec.vp8.Vp8RtpDepacketizer;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Garbage into every parser, scanner and (de)packetizer: parsers throw nothing but {@link CodecException}, the packet
 * path throws nothing at all.
 */
class GarbageInputTest {
    private static final H264AccessUnitListener IGNORE_H264 = (buf, off, len, ts, key) -> {
    };

    private static void parseOrCodecException(Runnable parse) {
        try {
            parse.run();
        } catch (CodecException expected) {
            // the documented outcome for malformed input
        }
    }

    @Property(tries = 2000)
    void parsersThrowOnlyCodecException(@ForAll @Size(max = 64) byte[] bytes) {
        int len = bytes.length;
        parseOrCodecException(() -> AvcDecoderConfigurationRecord.parse(bytes, 0, len).toBytes());
        parseOrCodecException(() -> AudioSpecificConfig.parse(bytes, 0, len));
        parseOrCodecException(() -> FlvVideoTagHeader.parse(bytes, 0, len));
        parseOrCodecException(() -> FlvAudioTagHeader.parse(bytes, 0, len));
        parseOrCodecException(() -> AnnexB.toAvcc(bytes, 0, len));
        parseOrCodecException(() -> AnnexB.fromAvcc(bytes, 0, len, 4));
        parseOrCodecException(() -> AnnexB.fromAvcc(bytes, 0, len, 2));
        if (len > 0) {
            byte[] sps = bytes.clone();
            sps[0] = 0x67;
            parseOrCodecException(() -> SequenceParameterSet.parse(sps, 0, len));
            parseOrCodecException(() -> AvcDecoderConfigurationRecord.of(sps, new byte[] {0x68, 1}).toBytes());
        }
        NalUnits nals = new NalUnits();
        nals.scanAnnexB(bytes, 0, len);
        nals.scanAvcc(bytes, 0, len, 1);
    }

    @Property(tries = 1000)
    void recordsWithAPlausiblePrefixThrowOnlyCodecException(@ForAll @Size(max = 64) byte[] tail) {
        byte[] record = new byte[6 + tail.length];
        record[0] = 1;
        record[1] = 0x64;
        record[4] = (byte) 0xff;
        record[5] = (byte) 0xe1;
        System.arraycopy(tail, 0, record, 6, tail.length);
        parseOrCodecException(() -> AvcDecoderConfigurationRecord.parse(record).toBytes());
    }

    @Property(tries = 500)
    void thePacketPathNeverThrows(@ForAll @Size(max = 40) List<@Size(max = 1600) byte[]> packets) {
        H264RtpDepacketizer h264 = new H264RtpDepacketizer(IGNORE_H264);
        Vp8RtpDepacketizer vp8 = new Vp8RtpDepacketizer((buf, off, len, ts, key, w, h) -> {
        });
        H264RtpPacketizer packetizer = new H264RtpPacketizer(1, 96, 0, 100);
        int seq = 0;
        for (byte[] p : packets) {
            h264.push(p, 0, p.length);
            vp8.push(p, 0, p.length);
            h264.push(seq, 0, false, p, 0, p.length);
            vp8.push(seq, 0, seq % 3 == 0, p, 0, p.length);
            seq++;
            packetizer.packetizeAnnexB(p, 0, p.length, 0, (buf, off, len) -> {
            });
            packetizer.packetizeAvcc(p, 0, p.length, 4, 0, (buf, off, len) -> {
            });
        }
    }

    @Property(tries = 300)
    void mutatedValidPacketsNeverThrow(@ForAll long seed) {
        Random random = new Random(seed);
        H264RtpPacketizer packetizer = new H264RtpPacketizer(1, 96, 0, 200);
        H264RtpDepacketizer depacketizer = new H264RtpDepacketizer(IGNORE_H264);
        for (int au = 0; au < 10; au++) {
            byte[] nal = new byte[1 + random.nextInt(1000)];
            random.nextBytes(nal);
            nal[0] = (byte) (au % 3 == 0 ? 0x65 : 0x41);
            byte[] avcc = new byte[4 + nal.length];
            avcc[2] = (byte) (nal.length >> 8);
            avcc[3] = (byte) nal.length;
            System.arraycopy(nal, 0, avcc, 4, nal.length);
            packetizer.packetizeAvcc(avcc, 0, avcc.length, 4, au * 3000L, (buf, off, len) -> {
                byte[] p = java.util.Arrays.copyOfRange(buf, off, off + len);
                for (int flips = random.nextInt(4); flips > 0; flips--) {
                    p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
                }
                int cut = random.nextInt(8) == 0 ? random.nextInt(p.length + 1) : p.length;
                depacketizer.push(p, 0, cut);
            });
        }
    }
}
