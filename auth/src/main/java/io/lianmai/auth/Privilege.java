package io.lianmai.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * One bit of a PrivateMapKey's privilege map, numbered as in TRTC's {@code genPrivateMapKey} documentation
 * (bit 1 is the lowest).
 */
public enum Privilege {
    /** Bit 1: may create the room (be its first member). */
    CREATE_ROOM(0x01),
    /** Bit 2: may enter the room. */
    ENTER_ROOM(0x02),
    /** Bit 3: may publish audio. */
    SEND_AUDIO(0x04),
    /** Bit 4: may play others' audio. */
    RECV_AUDIO(0x08),
    /** Bit 5: may publish camera video. */
    SEND_VIDEO(0x10),
    /** Bit 6: may play others' camera video. */
    RECV_VIDEO(0x20),
    /** Bit 7: may publish the aux (screen share) video. */
    SEND_AUX_VIDEO(0x40),
    /** Bit 8: may play others' aux (screen share) video. */
    RECV_AUX_VIDEO(0x80);

    private final int bit;

    Privilege(int bit) {
        this.bit = bit;
    }

    /** The privilege's mask in the 8-bit map. */
    public int bit() {
        return bit;
    }

    /** The lower-case name used on the command line and in docs, e.g. {@code send_aux_video}. */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Looks a privilege up by name, ignoring case and accepting {@code -} for {@code _}. */
    public static Optional<Privilege> byName(String name) {
        String normalized = name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (Privilege privilege : values()) {
            if (privilege.name().equals(normalized)) {
                return Optional.of(privilege);
            }
        }
        return Optional.empty();
    }
}
