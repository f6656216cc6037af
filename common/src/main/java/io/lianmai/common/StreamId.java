package io.lianmai.common;

import java.util.Objects;

/**
 * A stream within a room, as clients name it: {@code {userID}_main} (camera and microphone) or {@code {userID}_aux}
 * (screen share), TRTC's in-room stream id. The one parser of this form: signalling, WHIP/WHEP and the room all use
 * it. The userID follows {@link UserId}'s rule, so a stream id never holds a {@code /} and can be part of a
 * {@link StreamKey}.
 *
 * @param userId the publishing user
 * @param type which of the user's two streams
 */
public record StreamId(UserId userId, StreamType type) {
    private static final String FORM = "streamID must be {userID}_main or {userID}_aux";

    public StreamId {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
    }

    /** {@code userId}'s stream of {@code type}. */
    public static StreamId of(UserId userId, StreamType type) {
        return new StreamId(userId, type);
    }

    /**
     * Parses {@code {userID}_main} or {@code {userID}_aux}; the userID is everything before the last {@code _}.
     *
     * @throws IllegalArgumentException saying what is wrong: the form, or the userID's rule
     */
    public static StreamId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(FORM + ", got nothing");
        }
        int underscore = text.lastIndexOf('_');
        StreamType type = underscore > 0 ? StreamType.fromWire(text.substring(underscore + 1)).orElse(null) : null;
        if (type == null) {
            throw new IllegalArgumentException(FORM);
        }
        try {
            return new StreamId(UserId.parse(text.substring(0, underscore)), type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FORM + " with a valid userID: " + e.getMessage(), e);
        }
    }

    /** The wire form, {@code alice_main}. */
    @Override
    public String toString() {
        return type.streamId(userId.value());
    }
}
