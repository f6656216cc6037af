package io.lianmai.common;

import java.util.Objects;
import java.util.Optional;

/**
 * A stream's live (CDN) name as TRTC forms it: {@code {sdkAppID}_{roomID}_{userID}_{main|aux}}, the name in
 * {@code rtmp://host/live/{name}} and {@code /live/{name}.flv}. The userID is everything between the room and the
 * last underscore.
 *
 * <p>Only numeric rooms can be read back: a strRoomID may itself hold {@code _}, so a name built for one (the REST
 * API's {@code RoomIdType 1}) is written by {@link #toString()} but does not {@link #parse}.
 *
 * @param app the app
 * @param room the room
 * @param stream the stream within the room
 */
public record LiveStreamName(SdkAppId app, RoomRef room, StreamId stream) {
    private static final String FORM = "stream name must be {sdkAppID}_{roomID}_{userID}_main (or _aux)";

    public LiveStreamName {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(stream, "stream");
    }

    /**
     * Parses a live stream name with a numeric room.
     *
     * @throws IllegalArgumentException starting with the expected form, then what is wrong: the SDKAppID, the
     *     roomID or the stream id
     */
    public static LiveStreamName parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(FORM + ", got nothing");
        }
        int appEnd = text.indexOf('_');
        int roomEnd = appEnd < 0 ? -1 : text.indexOf('_', appEnd + 1);
        if (roomEnd < 0 || roomEnd >= text.lastIndexOf('_')) {
            throw new IllegalArgumentException(FORM);
        }
        String roomId = text.substring(appEnd + 1, roomEnd);
        if (roomId.isEmpty()) {
            throw new IllegalArgumentException(FORM + ": the roomID is missing");
        }
        try {
            return new LiveStreamName(SdkAppId.parse(text.substring(0, appEnd)), RoomRef.parse(roomId, null),
                    StreamId.parse(text.substring(roomEnd + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FORM + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #parse}, for callers that answer every bad name the same way (a 404). */
    public static Optional<LiveStreamName> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The stream's key on the media plane. */
    public StreamKey streamKey() {
        return new StreamKey(app, room, stream);
    }

    /** The live name, {@code 1400000000_1234_alice_main}. */
    @Override
    public String toString() {
        return app + "_" + room.strRoomId().orElseGet(() -> Long.toString(room.roomId())) + "_" + stream;
    }
}
