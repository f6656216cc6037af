package io.lianmai.media.srtp;

/**
 * The SRTP key derivation function with the AES-CM PRF and a key derivation rate of zero (RFC 3711 §4.3.1,
 * §4.3.3), which is what DTLS-SRTP uses; AES-GCM reuses it unchanged with a 96-bit master salt (RFC 7714 §12).
 *
 * <pre>
 *   x  = (label || r) XOR master_salt        r = 0; the label sits in byte 7 of the 14-byte value
 *   IV = x * 2^16                             the salt is left-aligned; a 12-byte salt is followed by zeros
 *   session key = first n bytes of AES-CM(master_key, IV)
 * </pre>
 */
final class SrtpKeyDerivation {
    /** Labels of RFC 3711 §4.3.1 (RTP) and §4.3.2 (RTCP). */
    static final int LABEL_RTP_ENCRYPTION = 0x00;
    static final int LABEL_RTP_AUTHENTICATION = 0x01;
    static final int LABEL_RTP_SALT = 0x02;
    static final int LABEL_RTCP_ENCRYPTION = 0x03;
    static final int LABEL_RTCP_AUTHENTICATION = 0x04;
    static final int LABEL_RTCP_SALT = 0x05;

    private static final int LABEL_POSITION = 7;
    private static final int MAX_SALT = 14;

    private final AesEcb prf;
    private final byte[] masterSalt;

    SrtpKeyDerivation(byte[] masterKey, byte[] masterSalt) {
        if (masterSalt.length > MAX_SALT) {
            throw new IllegalArgumentException("master salt longer than 112 bits: " + masterSalt.length);
        }
        this.prf = new AesEcb(masterKey);
        this.masterSalt = masterSalt.clone();
    }

    /** The first {@code length} bytes of the keystream for {@code label}. */
    byte[] derive(int label, int length) {
        int blocks = (length + AesEcb.BLOCK - 1) / AesEcb.BLOCK;
        byte[] counters = new byte[blocks * AesEcb.BLOCK];
        for (int block = 0; block < blocks; block++) {
            int base = block * AesEcb.BLOCK;
            System.arraycopy(masterSalt, 0, counters, base, masterSalt.length);
            counters[base + LABEL_POSITION] ^= (byte) label;
            counters[base + 14] = (byte) (block >>> 8);
            counters[base + 15] = (byte) block;
        }
        byte[] keystream = new byte[counters.length];
        prf.encrypt(counters, 0, counters.length, keystream, 0);
        byte[] out = new byte[length];
        System.arraycopy(keystream, 0, out, 0, length);
        return out;
    }
}
