package io.lianmai.media.srtp;

/**
 * The SRTP protection profiles Lianmai negotiates with DTLS-SRTP (RFC 5764 §4.1.2, RFC 7714 §14.2), with the
 * lengths each one fixes.
 *
 * <p>AES-CM puts the SRTCP index before the authentication tag (RFC 3711 §3.4); AES-GCM puts it after the tag
 * (RFC 7714 §9.2). Either way an SRTCP packet grows by {@link #rtcpOverhead()} and an SRTP packet by
 * {@link #rtpOverhead()}.
 */
public enum SrtpProfile {
    /** {@code SRTP_AES128_CM_HMAC_SHA1_80}: AES-128 counter mode, HMAC-SHA1 truncated to 80 bits (RFC 3711 §8.2). */
    AES128_CM_HMAC_SHA1_80(0x0001, "SRTP_AES128_CM_HMAC_SHA1_80", 16, 14, 10),
    /** {@code SRTP_AEAD_AES_128_GCM}: AES-128 in Galois/counter mode with a 128-bit tag (RFC 7714 §12). */
    AEAD_AES_128_GCM(0x0007, "SRTP_AEAD_AES_128_GCM", 16, 12, 16);

    /** The largest tailroom any profile needs: what a buffer pool should leave after every packet. */
    public static final int MAX_OVERHEAD = 20;

    /** Length of the SRTCP trailer word holding the E flag and the 31-bit SRTCP index (RFC 3711 §3.4). */
    static final int SRTCP_INDEX_LENGTH = 4;

    private final int id;
    private final String rfcName;
    private final int masterKeyLength;
    private final int masterSaltLength;
    private final int tagLength;

    SrtpProfile(int id, String rfcName, int masterKeyLength, int masterSaltLength, int tagLength) {
        this.id = id;
        this.rfcName = rfcName;
        this.masterKeyLength = masterKeyLength;
        this.masterSaltLength = masterSaltLength;
        this.tagLength = tagLength;
    }

    /** The two-byte DTLS-SRTP protection profile id (RFC 5764 §4.1.2, RFC 7714 §14.2). */
    public int id() {
        return id;
    }

    /** The name the RFCs and IANA registry use, e.g. {@code SRTP_AEAD_AES_128_GCM}. */
    public String rfcName() {
        return rfcName;
    }

    /** Master key length in bytes. */
    public int masterKeyLength() {
        return masterKeyLength;
    }

    /** Master salt length in bytes (112 bits for AES-CM, 96 bits for AES-GCM). */
    public int masterSaltLength() {
        return masterSaltLength;
    }

    /** Authentication tag length in bytes. */
    public int tagLength() {
        return tagLength;
    }

    /** Bytes an SRTP packet grows by: the tag (no MKI: DTLS-SRTP negotiates an empty one). */
    public int rtpOverhead() {
        return tagLength;
    }

    /** Bytes an SRTCP packet grows by: the tag and the E flag + SRTCP index word. */
    public int rtcpOverhead() {
        return tagLength + SRTCP_INDEX_LENGTH;
    }

    /** Tailroom a caller must leave after a packet it protects with this profile, RTP or RTCP. */
    public int maxOverhead() {
        return rtcpOverhead();
    }

    /** Bytes of keying material DTLS exports for this profile: 2 × (key + salt) (RFC 5764 §4.2). */
    public int keyingMaterialLength() {
        return 2 * (masterKeyLength + masterSaltLength);
    }

    /**
     * The profile with DTLS-SRTP id {@code id}.
     *
     * @throws IllegalArgumentException for a profile Lianmai does not implement
     */
    public static SrtpProfile forId(int id) {
        for (SrtpProfile profile : values()) {
            if (profile.id == id) {
                return profile;
            }
        }
        throw new IllegalArgumentException(String.format("unsupported SRTP protection profile 0x%04x", id));
    }

    /** Whether {@link #forId} knows {@code id}. */
    public static boolean isSupported(int id) {
        for (SrtpProfile profile : values()) {
            if (profile.id == id) {
                return true;
            }
        }
        return false;
    }
}
