package io.lianmai.common;

import java.util.Locale;
import java.util.Optional;

/** Which of a member's two streams: the camera and microphone, or the screen share. */
public enum StreamType {
    /** Camera video and microphone audio. */
    MAIN,
    /** Screen share: video only. */
    AUX;

    /** The protocol spelling, {@code main} or {@code aux}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The in-room stream id of {@code userId}'s stream of this type: {@code alice_main}. */
    public String streamId(String userId) {
        return userId + "_" + wireName();
    }

    /** Parses the protocol spelling. */
    public static Optional<StreamType> fromWire(String name) {
        for (StreamType type : values()) {
            if (type.wireName().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
