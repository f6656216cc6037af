package io.lianmai.media.srtp;

/**
 * {@code SRTP_AEAD_AES_128_GCM} (RFC 7714): AES-128-GCM with a 16-byte tag, built from the AES block function
 * ({@link AesEcb}, AES-NI) and {@link Ghash}, so that no per-packet {@code Cipher.init} allocates.
 *
 * <pre>
 * SRTP   (§8):   | RTP header = AAD | ciphertext | tag (16) |
 * SRTCP  (§9):   | header+SSRC (8) | ciphertext | tag (16) | E | SRTCP index (4) |
 *                 AAD = header+SSRC || E+index   (E = 0: AAD = whole RTCP packet || E+index, no ciphertext)
 * IV     (§8.1, §9.1), 12 bytes XOR the session salt:
 *   SRTP:  00 00 | SSRC (4) | ROC (4) | SEQ (2)        i.e. 00 00 | SSRC | 48-bit packet index
 *   SRTCP: 00 00 | SSRC (4) | 00 00 | 0 + SRTCP index (31 bits)
 * </pre>
 * GCM (NIST SP 800-38D): J0 = IV || 0^31 || 1; the payload uses counters from J0 + 1; tag = GHASH ⊕ E(K, J0).
 */
final class AesGcmTransform extends SrtpTransform {
    static final int TAG = 16;
    private static final int SALT = 12;
    private static final int KEY = 16;

    private final AesEcb rtpCipher;
    private final Ghash rtpHash;
    private final long rtpSaltHigh;
    private final int rtpSaltLow;
    private final AesEcb rtcpCipher;
    private final Ghash rtcpHash;
    private final long rtcpSaltHigh;
    private final int rtcpSaltLow;

    private final byte[] mask = new byte[16];
    private final byte[] tag = new byte[TAG];
    private final byte[] srtcpIndexWord = new byte[SrtpProfile.SRTCP_INDEX_LENGTH];

    AesGcmTransform(SrtpKeyDerivation kdf) {
        this(kdf.derive(SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, KEY),
                kdf.derive(SrtpKeyDerivation.LABEL_RTP_SALT, SALT),
                kdf.derive(SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, KEY),
                kdf.derive(SrtpKeyDerivation.LABEL_RTCP_SALT, SALT));
    }

    /** A transform with the given session keys and salts; the RFC 7714 §16–§17 vectors give those directly. */
    AesGcmTransform(byte[] rtpKey, byte[] rtpSalt, byte[] rtcpKey, byte[] rtcpSalt) {
        rtpCipher = new AesEcb(rtpKey);
        rtpHash = new Ghash(hashSubkey(rtpCipher), 0);
        rtpSaltHigh = (long) LONG_BE.get(rtpSalt, 0);
        rtpSaltLow = (int) INT_BE.get(rtpSalt, 8);
        rtcpCipher = new AesEcb(rtcpKey);
        rtcpHash = new Ghash(hashSubkey(rtcpCipher), 0);
        rtcpSaltHigh = (long) LONG_BE.get(rtcpSalt, 0);
        rtcpSaltLow = (int) INT_BE.get(rtcpSalt, 8);
    }

    /** H = AES(K, 0^128). */
    private static byte[] hashSubkey(AesEcb aes) {
        byte[] h = new byte[16];
        aes.encrypt(new byte[16], 0, 16, h, 0);
        return h;
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
        long ivHigh = ivHigh(rtpSaltHigh, ssrc, index);
        int ivLow = rtpSaltLow ^ (int) index;
        int payload = length - headerLength;
        computeMask(rtpCipher, ivHigh, ivLow);
        xorKeystream(rtpCipher, ivHigh, ivLow, 2, buf, off + headerLength, payload);
        Ghash hash = rtpHash;
        hash.reset();
        hash.update(buf, off, headerLength);
        hash.padBlock();
        hash.update(buf, off + headerLength, payload);
        hash.finish(headerLength, payload, mask, buf, off + length);
        return length + TAG;
    }

    @Override
    int unprotectRtp(byte[] buf, int off, int headerLength, int length, int ssrc, long index) {
        long ivHigh = ivHigh(rtpSaltHigh, ssrc, index);
        int ivLow = rtpSaltLow ^ (int) index;
        int payload = length - TAG - headerLength;
        computeMask(rtpCipher, ivHigh, ivLow);
        Ghash hash = rtpHash;
        hash.reset();
        hash.update(buf, off, headerLength);
        hash.padBlock();
        hash.update(buf, off + headerLength, payload);
        hash.finish(headerLength, payload, mask, tag, 0);
        if (!constantTimeEquals(tag, 0, buf, off + length - TAG, TAG)) {
            return -1;
        }
        xorKeystream(rtpCipher, ivHigh, ivLow, 2, buf, off + headerLength, payload);
        return length - TAG;
    }

    @Override
    int protectRtcp(byte[] buf, int off, int length, int ssrc, long index) {
        long ivHigh = ivHigh(rtcpSaltHigh, ssrc, index);
        int ivLow = rtcpSaltLow ^ (int) index;
        int payload = length - 8;
        INT_BE.set(srtcpIndexWord, 0, (int) (0x8000_0000L | index));
        computeMask(rtcpCipher, ivHigh, ivLow);
        xorKeystream(rtcpCipher, ivHigh, ivLow, 2, buf, off + 8, payload);
        Ghash hash = rtcpHash;
        hash.reset();
        hash.update(buf, off, 8);
        hash.update(srtcpIndexWord, 0, SrtpProfile.SRTCP_INDEX_LENGTH);
        hash.padBlock();
        hash.update(buf, off + 8, payload);
        hash.finish(8 + SrtpProfile.SRTCP_INDEX_LENGTH, payload, mask, buf, off + length);
        System.arraycopy(srtcpIndexWord, 0, buf, off + length + TAG, SrtpProfile.SRTCP_INDEX_LENGTH);
        return length + TAG + SrtpProfile.SRTCP_INDEX_LENGTH;
    }

    @Override
    int srtcpIndexPosition(int length) {
        return length - SrtpProfile.SRTCP_INDEX_LENGTH;
    }

    @Override
    int unprotectRtcp(byte[] buf, int off, int length, int ssrc, long index, boolean encrypted) {
        long ivHigh = ivHigh(rtcpSaltHigh, ssrc, index);
        int ivLow = rtcpSaltLow ^ (int) index;
        int indexAt = off + length - SrtpProfile.SRTCP_INDEX_LENGTH;
        int tagAt = indexAt - TAG;
        int rtcpLength = tagAt - off;
        computeMask(rtcpCipher, ivHigh, ivLow);
        Ghash hash = rtcpHash;
        hash.reset();
        if (encrypted) {
            int payload = rtcpLength - 8;
            hash.update(buf, off, 8);
            hash.update(buf, indexAt, SrtpProfile.SRTCP_INDEX_LENGTH);
            hash.padBlock();
            hash.update(buf, off + 8, payload);
            hash.finish(8 + SrtpProfile.SRTCP_INDEX_LENGTH, payload, mask, tag, 0);
        } else {
            // Authentication only (RFC 7714 §9.2): the whole packet and the index word are AAD.
            hash.update(buf, off, rtcpLength);
            hash.update(buf, indexAt, SrtpProfile.SRTCP_INDEX_LENGTH);
            hash.finish(rtcpLength + SrtpProfile.SRTCP_INDEX_LENGTH, 0, mask, tag, 0);
        }
        if (!constantTimeEquals(tag, 0, buf, tagAt, TAG)) {
            return -1;
        }
        if (encrypted) {
            xorKeystream(rtcpCipher, ivHigh, ivLow, 2, buf, off + 8, rtcpLength - 8);
        }
        return rtcpLength;
    }

    /** The first 8 IV bytes: 00 00 | SSRC | the top 16 bits of the 48-bit index, XOR the salt. */
    private static long ivHigh(long saltHigh, int ssrc, long index) {
        return saltHigh ^ ((ssrc & 0xFFFF_FFFFL) << 16) ^ (index >>> 32);
    }

    /** mask = E(K, J0), J0 = IV || 00000001. */
    private void computeMask(AesEcb aes, long ivHigh, int ivLow) {
        LONG_BE.set(mask, 0, 0L);
        LONG_BE.set(mask, 8, 0L);
        xorKeystream(aes, ivHigh, ivLow, 1, mask, 0, 16);
    }
}
