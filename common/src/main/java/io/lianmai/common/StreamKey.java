package io.lianmai.common;

import java.util.Objects;

/**
 * The media plane's name for one stream on this node: {@code {sdkAppID}/{roomKey}/{streamID}}, where the room key is
 * {@link RoomRef#key()} ({@code r1234} or {@code s:name}). Unambiguous because no part can hold a {@code /}: a
 * strRoomID, a userID and so a stream id never do. The media plane takes the {@link #toString() string form}; the
 * server builds it only through this type.
 *
 * @param app the app
 * @param room the room within the app
 * @param stream the stream within the room
 */
public record StreamKey(SdkAppId app, RoomRef room, StreamId stream) {
    public StreamKey {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(stream, "stream");
    }

    /**
     * Parses the string form.
     *
     * @throws IllegalArgumentException saying which part is wrong
     */
    public static StreamKey parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("stream key is missing");
        }
        int first = text.indexOf('/');
        int last = text.lastIndexOf('/');
        if (first < 0 || first == last) {
            throw new IllegalArgumentException("stream key must be {sdkAppID}/{roomKey}/{streamID}");
        }
        return new StreamKey(SdkAppId.parse(text.substring(0, first)),
                RoomRef.parseKey(text.substring(first + 1, last)), StreamId.parse(text.substring(last + 1)));
    }

    /** The media plane's key, {@code 1400000000/r1234/alice_main}. */
    @Override
    public String toString() {
        return app + "/" + room.key() + "/" + stream;
    }
}
