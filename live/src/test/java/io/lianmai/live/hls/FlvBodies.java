package io.lianmai.live.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** FLV audio/video tag bodies as an RTMP publisher sends them, with real x264 parameter sets. */
final class FlvBodies {
    /** Baseline SPS of a 64x48 x264 stream. */
    static final byte[] SPS = HexFormat.of().parseHex("6742c00adc47b011000003000100000300140f122780");
    static final byte[] PPS = HexFormat.of().parseHex("68ce0f2c80");
    /** AAC LC, 44.1 kHz, mono. */
    static final byte[] ASC = {0x12, 0x08};

    private FlvBodies() {
    }

    static byte[] avcConfigRecord(byte[] sps, byte[] pps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] profile = sps.length >= 4 ? new byte[] {sps[1], sps[2], sps[3]} : new byte[] {66, 0, 10};
        out.write(1);
        out.writeBytes(profile);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1});
        out.write(sps.length >> 8);
        out.write(sps.length);
        out.writeBytes(sps);
        out.write(1);
        out.write(pps.length >> 8);
        out.write(pps.length);
        out.writeBytes(pps);
        return out.toByteArray();
    }

    static ByteBuf avcConfig() {
        return avcConfig(avcConfigRecord(SPS, PPS));
    }

    static ByteBuf avcConfig(byte[] record) {
        return Unpooled.wrappedBuffer(new byte[] {0x17, 0, 0, 0, 0}, record);
    }

    /** A frame of one IDR (keyframe) or non-IDR slice NAL unit of {@code size} bytes, 4-byte lengths. */
    static ByteBuf avcFrame(boolean keyframe, int cts, int size) {
        byte[] nal = new byte[size];
        nal[0] = (byte) (keyframe ? 0x65 : 0x41);
        for (int i = 1; i < size; i++) {
            nal[i] = (byte) (i * 7 + 3);
        }
        ByteBuf body = Unpooled.buffer(9 + size);
        body.writeByte(keyframe ? 0x17 : 0x27).writeByte(1).writeMedium(cts);
        body.writeInt(size).writeBytes(nal);
        return body;
    }

    static ByteBuf aacConfig() {
        return aacConfig(ASC);
    }

    static ByteBuf aacConfig(byte[] asc) {
        return Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 0}, asc);
    }

    static ByteBuf aacFrame(int size) {
        ByteBuf body = Unpooled.buffer(2 + size);
        body.writeByte(0xAF).writeByte(1);
        for (int i = 0; i < size; i++) {
            body.writeByte(0x21 + (i & 0x0F));
        }
        return body;
    }
}
