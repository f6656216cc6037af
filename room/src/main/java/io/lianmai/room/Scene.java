package io.lianmai.room;

import java.util.Locale;
import java.util.Optional;

/** TRTC's application scene: a call where everyone may publish, or a live room where only anchors publish. */
public enum Scene {
    /** Video or voice call: every member may publish. */
    RTC,
    /** Interactive live streaming: anchors publish, audience members watch until they switch role. */
    LIVE;

    /** The protocol spelling, {@code rtc} or {@code live}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the protocol spelling. */
    public static Optional<Scene> fromWire(String name) {
        for (Scene scene : values()) {
            if (scene.wireName().equals(name)) {
                return Optional.of(scene);
            }
        }
        return Optional.empty();
    }
}
