package io.lianmai.media.sdp;

import java.util.Optional;

/** A media direction attribute (RFC 8866 §6.7, RFC 3264 §6.1), always from the point of view of its writer. */
public enum Direction {
    SENDRECV("sendrecv", true, true),
    SENDONLY("sendonly", true, false),
    RECVONLY("recvonly", false, true),
    INACTIVE("inactive", false, false);

    private final String sdpName;
    private final boolean sends;
    private final boolean receives;

    Direction(String sdpName, boolean sends, boolean receives) {
        this.sdpName = sdpName;
        this.sends = sends;
        this.receives = receives;
    }

    /** The attribute name, e.g. {@code sendonly}. */
    public String sdpName() {
        return sdpName;
    }

    public boolean sends() {
        return sends;
    }

    public boolean receives() {
        return receives;
    }

    /** The same flow seen from the other side: {@code sendonly} becomes {@code recvonly}. */
    public Direction reverse() {
        return of(receives, sends);
    }

    /** The direction that sends and/or receives as told. */
    public static Direction of(boolean sends, boolean receives) {
        if (sends) {
            return receives ? SENDRECV : SENDONLY;
        }
        return receives ? RECVONLY : INACTIVE;
    }

    /** Maps an attribute name such as {@code recvonly}. */
    public static Optional<Direction> fromSdpName(String name) {
        for (Direction direction : values()) {
            if (direction.sdpName.equals(name)) {
                return Optional.of(direction);
            }
        }
        return Optional.empty();
    }
}
