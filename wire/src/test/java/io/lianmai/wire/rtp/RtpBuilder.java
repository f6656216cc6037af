package io.lianmai.wire.rtp;

import java.io.ByteArrayOutputStream;

/** Builds RTP packets byte by byte for tests, independently of the code under test. */
final class RtpBuilder {
    private int version = 2;
    private boolean marker;
    private int payloadType = 96;
    private int sequenceNumber = 1;
    private long timestamp = 1000;
    private long ssrc = 0x11223344L;
    private long[] csrcs = {};
    private int profile = -1;
    private byte[] extension = {};
    private byte[] payload = {1, 2, 3, 4};
    private int padding;
    private int headroom;
    private int tailroom;

    RtpBuilder version(int v) {
        version = v;
        return this;
    }

    RtpBuilder marker(boolean m) {
        marker = m;
        return this;
    }

    RtpBuilder payloadType(int pt) {
        payloadType = pt;
        return this;
    }

    RtpBuilder sequenceNumber(int seq) {
        sequenceNumber = seq;
        return this;
    }

    RtpBuilder timestamp(long ts) {
        timestamp = ts;
        return this;
    }

    RtpBuilder ssrc(long s) {
        ssrc = s;
        return this;
    }

    RtpBuilder csrcs(long... c) {
        csrcs = c;
        return this;
    }

    /** An extension block with this profile; {@code data} is zero-padded to 32 bits. */
    RtpBuilder extension(int p, byte[] data) {
        profile = p;
        int padded = (data.length + 3) & ~3;
        extension = java.util.Arrays.copyOf(data, padded);
        return this;
    }

    RtpBuilder oneByteExtensions(byte[] data) {
        return extension(RtpPacket.ONE_BYTE_PROFILE, data);
    }

    RtpBuilder twoByteExtensions(byte[] data) {
        return extension(RtpPacket.TWO_BYTE_PROFILE, data);
    }

    RtpBuilder payload(byte[] p) {
        payload = p;
        return this;
    }

    RtpBuilder payloadSize(int n) {
        payload = new byte[n];
        for (int i = 0; i < n; i++) {
            payload[i] = (byte) (i * 7 + 3);
        }
        return this;
    }

    /** Padding bytes including the count byte. */
    RtpBuilder padding(int n) {
        padding = n;
        return this;
    }

    RtpBuilder headroom(int n) {
        headroom = n;
        return this;
    }

    RtpBuilder tailroom(int n) {
        tailroom = n;
        return this;
    }

    int headroom() {
        return headroom;
    }

    /** Length of the packet itself, without head- and tailroom. */
    int length() {
        return build().length - headroom - tailroom;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[headroom], 0, headroom);
        out.write(version << 6 | (padding > 0 ? 0x20 : 0) | (profile >= 0 ? 0x10 : 0) | csrcs.length);
        out.write((marker ? 0x80 : 0) | payloadType);
        out.write(sequenceNumber >>> 8);
        out.write(sequenceNumber);
        write32(out, timestamp);
        write32(out, ssrc);
        for (long c : csrcs) {
            write32(out, c);
        }
        if (profile >= 0) {
            out.write(profile >>> 8);
            out.write(profile);
            out.write(extension.length / 4 >>> 8);
            out.write(extension.length / 4);
            out.write(extension, 0, extension.length);
        }
        out.write(payload, 0, payload.length);
        for (int i = 1; i < padding; i++) {
            out.write(0);
        }
        if (padding > 0) {
            out.write(padding);
        }
        out.write(new byte[tailroom], 0, tailroom);
        return out.toByteArray();
    }

    private static void write32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }
}
