package io.lianmai.media.srtp;

/**
 * {@code SRTP_AES128_CM_HMAC_SHA1_80}: AES-128 counter mode (RFC 3711 §4.1.1) and HMAC-SHA1 truncated to 80 bits
 * (RFC 3711 §4.2).
 *
 * <pre>
 * SRTP:   | RTP header | encrypted payload | tag (10) |          tag over header..payload || ROC
 * SRTCP:  | header+SSRC (8) | encrypted | E | SRTCP index (4) | tag (10) |   tag over all before it
 * IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16)         index: SRTP packet index or SRTCP index
 * </pre>
 */
final class AesCmHmacSha1Transform extends SrtpTransform {
    static final int TAG = 10;
    private static final int SALT = 14;
    private static final int AUTH_KEY = 20;

    private final AesEcb rtpCipher;
    private final HmacSha1 rtpAuth;
    private final long rtpSaltHigh;
    private final long rtpSaltLow;
    private final AesEcb rtcpCipher;
    private final HmacSha1 rtcpAuth;
    private final long rtcpSaltHigh;
    private final long rtcpSaltLow;
    private final byte[] mac = new byte[HmacSha1.LENGTH];

    AesCmHmacSha1Transform(SrtpKeyDerivation kdf) {
        rtpCipher = new AesEcb(kdf.derive(SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 16));
        rtpAuth = new HmacSha1(kdf.derive(SrtpKeyDerivation.LABEL_RTP_AUTHENTICATION, AUTH_KEY));
        byte[] rtpSalt = saltBlock(kdf.derive(SrtpKeyDerivation.LABEL_RTP_SALT, SALT));
        rtpSaltHigh = (long) LONG_BE.get(rtpSalt, 0);
        rtpSaltLow = (long) LONG_BE.get(rtpSalt, 8);
        rtcpCipher = new AesEcb(kdf.derive(SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, 16));
        rtcpAuth = new HmacSha1(kdf.derive(SrtpKeyDerivation.LABEL_RTCP_AUTHENTICATION, AUTH_KEY));
        byte[] rtcpSalt = saltBlock(kdf.derive(SrtpKeyDerivation.LABEL_RTCP_SALT, SALT));
        rtcpSaltHigh = (long) LONG_BE.get(rtcpSalt, 0);
        rtcpSaltLow = (long) LONG_BE.get(rtcpSalt, 8);
    }

    /** Test hook: a transform with given session keys, for RFC 3711 Appendix B.2. */
    AesCmHmacSha1Transform(byte[] sessionKey, byte[] sessionSalt) {
        rtpCipher = new AesEcb(sessionKey);
        rtpAuth = new HmacSha1(new byte[AUTH_KEY]);
        byte[] salt = saltBlock(sessionSalt);
        rtpSaltHigh = (long) LONG_BE.get(salt, 0);
        rtpSaltLow = (long) LONG_BE.get(salt, 8);
        rtcpCipher = rtpCipher;
        rtcpAuth = rtpAuth;
        rtcpSaltHigh = rtpSaltHigh;
        rtcpSaltLow = rtpSaltLow;
    }

    private static byte[] saltBlock(byte[] salt) {
        byte[] block = new byte[16];
        System.arraycopy(salt, 0, block, 0, SALT);
        return block;
    }

    @Override
    int rtpOverhead() {
        return TAG;
    }

    @Override
    int rtcpOverhead() {
        return TAG + SrtpProfile.SRTCP_INDEX_LENGTH;
    }

    @Override
    int protectRtp(byte[] buf, int off, int headerLength, int length, int ssrc, long index) {
        cipherRtp(buf, off + headerLength, length - headerLength, ssrc, index);
        rtpAuth.update(buf, off, length);
        rtpAuth.updateInt((int) (index >>> 16));
        rtpAuth.doFinal(mac, 0);
        System.arraycopy(mac, 0, buf, off + length, TAG);
        return length + TAG;
    }

    @Override
    int unprotectRtp(byte[] buf, int off, int headerLength, int length, int ssrc, long index) {
        int authenticated = length - TAG;
        rtpAuth.update(buf, off, authenticated);
        rtpAuth.updateInt((int) (index >>> 16));
        rtpAuth.doFinal(mac, 0);
        if (!constantTimeEquals(mac, 0, buf, off + authenticated, TAG)) {
            return -1;
        }
        cipherRtp(buf, off + headerLength, authenticated - headerLength, ssrc, index);
        return authenticated;
    }

    @Override
    int peekRtp(byte[] buf, int off, int headerLength, int length, int ssrc, long index, int head, int tail) {
        int rtpLength = length - TAG;
        int payload = rtpLength - headerLength;
        long high = rtpSaltHigh ^ (ssrc & 0xFFFF_FFFFL);
        long low = rtpSaltLow ^ (index << 16);
        int headEnd = (Math.min(head, payload) + 15) & ~15;
        int tailStart = Math.max(0, payload - tail) & ~15;
        if (tailStart <= headEnd) {
            // Head and tail meet: the whole payload.
            xorKeystream(rtpCipher, high, (int) (low >>> 32), (int) low, buf, off + headerLength, payload);
            return rtpLength;
        }
        xorKeystream(rtpCipher, high, (int) (low >>> 32), (int) low, buf, off + headerLength, headEnd);
        // Block j of the keystream is AES(IV + j): the tail from the block it starts in.
        xorKeystream(rtpCipher, high, (int) (low >>> 32), (int) low + (tailStart >>> 4), buf,
                off + headerLength + tailStart, payload - tailStart);
        return rtpLength;
    }

    /** Encrypts or decrypts (the same XOR) an RTP payload. Package-private for the RFC 3711 B.2 test. */
    void cipherRtp(byte[] buf, int off, int len, int ssrc, long index) {
        // IV bytes 4..7 carry the SSRC, bytes 8..13 the 48-bit index; the last two are the block counter.
        long high = rtpSaltHigh ^ (ssrc & 0xFFFF_FFFFL);
        long low = rtpSaltLow ^ (index << 16);
        xorKeystream(rtpCipher, high, (int) (low >>> 32), (int) low, buf, off, len);
    }

    @Override
    int protectRtcp(byte[] buf, int off, int length, int ssrc, long index) {
        cipherRtcp(buf, off + 8, length - 8, ssrc, index);
        INT_BE.set(buf, off + length, (int) (0x8000_0000L | index));
        int authenticated = length + SrtpProfile.SRTCP_INDEX_LENGTH;
        rtcpAuth.update(buf, off, authenticated);
        rtcpAuth.doFinal(mac, 0);
        System.arraycopy(mac, 0, buf, off + authenticated, TAG);
        return authenticated + TAG;
    }

    @Override
    int srtcpIndexPosition(int length) {
        return length - TAG - SrtpProfile.SRTCP_INDEX_LENGTH;
    }

    @Override
    int unprotectRtcp(byte[] buf, int off, int length, int ssrc, long index, boolean encrypted) {
        int authenticated = length - TAG;
        rtcpAuth.update(buf, off, authenticated);
        rtcpAuth.doFinal(mac, 0);
        if (!constantTimeEquals(mac, 0, buf, off + authenticated, TAG)) {
            return -1;
        }
        int rtcpLength = authenticated - SrtpProfile.SRTCP_INDEX_LENGTH;
        if (encrypted) {
            cipherRtcp(buf, off + 8, rtcpLength - 8, ssrc, index);
        }
        return rtcpLength;
    }

    private void cipherRtcp(byte[] buf, int off, int len, int ssrc, long index) {
        long high = rtcpSaltHigh ^ (ssrc & 0xFFFF_FFFFL);
        long low = rtcpSaltLow ^ (index << 16);
        xorKeystream(rtcpCipher, high, (int) (low >>> 32), (int) low, buf, off, len);
    }
}
