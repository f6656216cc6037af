package io.lianmai.auth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The 8-bit privilege map a PrivateMapKey carries: which of the {@link Privilege}s a user holds in one room. */
public final class Privileges {
    private static final int ALL_BITS = 0xFF;
    private static final Privileges ALL = new Privileges(ALL_BITS);
    private static final Privileges NONE = new Privileges(0);

    private final int bits;

    private Privileges(int bits) {
        this.bits = bits;
    }

    /** Every privilege (255), as TRTC's samples grant. */
    public static Privileges all() {
        return ALL;
    }

    /** No privilege at all. */
    public static Privileges none() {
        return NONE;
    }

    /** The map with exactly these bits; {@code bits} must be 0..255. */
    public static Privileges ofBits(long bits) {
        if (bits < 0 || bits > ALL_BITS) {
            throw new IllegalArgumentException("a privilege map is 8 bits: 0..255, got " + bits);
        }
        return new Privileges((int) bits);
    }

    /** The map holding exactly the given privileges. */
    public static Privileges of(Privilege... privileges) {
        int bits = 0;
        for (Privilege privilege : privileges) {
            bits |= privilege.bit();
        }
        return new Privileges(bits);
    }

    /**
     * Parses a map written as a decimal number ({@code 255}), hex ({@code 0xff}) or comma-separated privilege names
     * ({@code enter_room,recv_audio,recv_video}).
     *
     * @throws IllegalArgumentException naming what could not be understood
     */
    public static Privileges parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("privileges are empty: give a number 0..255 or names like "
                    + "enter_room,recv_audio");
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("0x")) {
                return ofBits(Long.parseLong(lower.substring(2), 16));
            }
            if (Character.isDigit(lower.charAt(0))) {
                return ofBits(Long.parseLong(lower));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a privilege number 0..255", e);
        }
        int bits = 0;
        for (String name : trimmed.split(",")) {
            Privilege privilege = Privilege.byName(name).orElseThrow(() -> new IllegalArgumentException(
                    "unknown privilege '" + name.trim() + "'; known: " + knownNames()));
            bits |= privilege.bit();
        }
        return new Privileges(bits);
    }

    private static String knownNames() {
        List<String> names = new ArrayList<>();
        for (Privilege privilege : Privilege.values()) {
            names.add(privilege.displayName());
        }
        return String.join(", ", names);
    }

    /** The map as the number TRTC's APIs take. */
    public int bits() {
        return bits;
    }

    /** Whether the map grants {@code privilege}. */
    public boolean allows(Privilege privilege) {
        return (bits & privilege.bit()) != 0;
    }

    /** The privileges granted, in bit order. */
    public Set<Privilege> granted() {
        Set<Privilege> granted = EnumSet.noneOf(Privilege.class);
        for (Privilege privilege : Privilege.values()) {
            if (allows(privilege)) {
                granted.add(privilege);
            }
        }
        return granted;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Privileges that && bits == that.bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    /** Names of the granted privileges, comma-separated ({@code none} for an empty map). */
    @Override
    public String toString() {
        if (bits == 0) {
            return "none";
        }
        List<String> names = new ArrayList<>();
        for (Privilege privilege : granted()) {
            names.add(privilege.displayName());
        }
        return String.join(",", names);
    }
}
