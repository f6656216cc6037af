package io.lianmai.media.srtp;

import java.util.Arrays;

/**
 * A master key and master salt for one direction of a session (RFC 3711 §3.2.1), as DTLS-SRTP exports them
 * (RFC 5764 §4.2). Immutable; the arrays are copied in and out, and {@link #toString()} never shows them.
 */
public final class SrtpMasterKey {
    private final SrtpProfile profile;
    private final byte[] key;
    private final byte[] salt;

    private SrtpMasterKey(SrtpProfile profile, byte[] key, byte[] salt) {
        this.profile = profile;
        this.key = key;
        this.salt = salt;
    }

    /**
     * A master key of {@code profile} from {@code key} and {@code salt}, both copied.
     *
     * @throws IllegalArgumentException when a length is not the profile's
     */
    public static SrtpMasterKey of(SrtpProfile profile, byte[] key, byte[] salt) {
        if (key.length != profile.masterKeyLength()) {
            throw new IllegalArgumentException(profile.rfcName() + " needs a " + profile.masterKeyLength()
                    + "-byte master key, got " + key.length + " bytes");
        }
        if (salt.length != profile.masterSaltLength()) {
            throw new IllegalArgumentException(profile.rfcName() + " needs a " + profile.masterSaltLength()
                    + "-byte master salt, got " + salt.length + " bytes");
        }
        return new SrtpMasterKey(profile, key.clone(), salt.clone());
    }

    /**
     * A master key read from {@code material} at {@code keyOffset} (key) and {@code saltOffset} (salt), the way
     * DTLS-SRTP keying material interleaves them (RFC 5764 §4.2).
     */
    public static SrtpMasterKey of(SrtpProfile profile, byte[] material, int keyOffset, int saltOffset) {
        return of(profile, Arrays.copyOfRange(material, keyOffset, keyOffset + profile.masterKeyLength()),
                Arrays.copyOfRange(material, saltOffset, saltOffset + profile.masterSaltLength()));
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** A copy of the master key. */
    public byte[] key() {
        return key.clone();
    }

    /** A copy of the master salt. */
    public byte[] salt() {
        return salt.clone();
    }

    byte[] keyInternal() {
        return key;
    }

    byte[] saltInternal() {
        return salt;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SrtpMasterKey that && profile == that.profile
                && java.security.MessageDigest.isEqual(key, that.key)
                && java.security.MessageDigest.isEqual(salt, that.salt);
    }

    @Override
    public int hashCode() {
        return profile.hashCode();
    }

    @Override
    public String toString() {
        return "SrtpMasterKey[" + profile.rfcName() + ", key and salt redacted]";
    }
}
