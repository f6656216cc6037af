package io.lianmai.server.signal;

import java.util.Optional;

/** The actions a client may request (docs/protocol.md, Actions). */
enum SignalAction {
    ENTER("enter"),
    LEAVE("leave"),
    HEARTBEAT("heartbeat"),
    SWITCH_ROLE("switchRole"),
    PUBLISH("publish"),
    MUTE("mute"),
    UNPUBLISH("unpublish"),
    SUBSCRIBE("subscribe"),
    UNSUBSCRIBE("unsubscribe"),
    SET_STREAM_TYPE("setStreamType"),
    MESSAGE("message"),
    NET_QUALITY("netQuality"),
    CONNECT_OTHER_ROOM("connectOtherRoom"),
    DISCONNECT_OTHER_ROOM("disconnectOtherRoom"),
    RESUME("resume");

    private final String wireName;

    SignalAction(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    static Optional<SignalAction> fromWire(String name) {
        for (SignalAction action : values()) {
            if (action.wireName.equals(name)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
