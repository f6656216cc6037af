package io.lianmai.media.srtp;

import java.util.Random;

/** Builds RTP and RTCP test packets in arrays with tailroom. */
final class SrtpPackets {
    static final byte[] MASTER_KEY = SrtpVectorsTest.hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    static final byte[] MASTER_SALT = SrtpVectorsTest.hex("0EC675AD498AFEEBB6960B3AABE6");

    private SrtpPackets() {
    }

    static SrtpMasterKey key(SrtpProfile profile) {
        return SrtpMasterKey.of(profile, MASTER_KEY, java.util.Arrays.copyOf(MASTER_SALT, profile.masterSaltLength()));
    }

    /** An RTP packet (V=2, PT 111) with {@code payload} pseudo-random bytes, in an array with 32 bytes spare. */
    static byte[] rtp(int seq, int ssrc, int payload, long seed) {
        byte[] buf = new byte[12 + payload + 32];
        buf[0] = (byte) 0x80;
        buf[1] = 111;
        buf[2] = (byte) (seq >>> 8);
        buf[3] = (byte) seq;
        buf[4] = 0x12;
        buf[8] = (byte) (ssrc >>> 24);
        buf[9] = (byte) (ssrc >>> 16);
        buf[10] = (byte) (ssrc >>> 8);
        buf[11] = (byte) ssrc;
        byte[] body = new byte[payload];
        new Random(seed).nextBytes(body);
        System.arraycopy(body, 0, buf, 12, payload);
        return buf;
    }

    /** An RTP packet with two CSRCs and a one-byte-header extension of two words before the payload. */
    static byte[] rtpWithCsrcsAndExtension(int seq, int ssrc, int payload) {
        byte[] buf = new byte[12 + 8 + 12 + payload + 32];
        buf[0] = (byte) 0x92;
        buf[1] = 96;
        buf[2] = (byte) (seq >>> 8);
        buf[3] = (byte) seq;
        buf[8] = (byte) (ssrc >>> 24);
        buf[9] = (byte) (ssrc >>> 16);
        buf[10] = (byte) (ssrc >>> 8);
        buf[11] = (byte) ssrc;
        buf[12] = 1;
        buf[16] = 2;
        buf[20] = (byte) 0xBE;
        buf[21] = (byte) 0xDE;
        buf[23] = 2;
        for (int i = 24; i < 32; i++) {
            buf[i] = (byte) i;
        }
        for (int i = 0; i < payload; i++) {
            buf[32 + i] = (byte) (i * 7);
        }
        return buf;
    }

    /** A sender report (PT 200) from {@code ssrc} with {@code extra} bytes after the SSRC, 32 bytes spare. */
    static byte[] rtcp(int ssrc, int extra) {
        byte[] buf = new byte[8 + extra + 32];
        buf[0] = (byte) 0x80;
        buf[1] = (byte) 200;
        buf[3] = (byte) ((8 + extra) / 4 - 1);
        buf[4] = (byte) (ssrc >>> 24);
        buf[5] = (byte) (ssrc >>> 16);
        buf[6] = (byte) (ssrc >>> 8);
        buf[7] = (byte) ssrc;
        for (int i = 0; i < extra; i++) {
            buf[8 + i] = (byte) (i + 1);
        }
        return buf;
    }
}
