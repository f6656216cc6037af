package io.lianmai.room;

import java.util.Locale;
import java.util.Optional;

/** A member's role. In {@link Scene#RTC} every member is an anchor. */
public enum Role {
    /** May publish. */
    ANCHOR,
    /** Only subscribes (live rooms). */
    AUDIENCE;

    /** The protocol spelling, {@code anchor} or {@code audience}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the protocol spelling. */
    public static Optional<Role> fromWire(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
