package io.lianmai.room;

/** A refused room operation; the message says which limit or rule, for the developer. */
public final class RoomException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RoomError error;

    public RoomException(RoomError error, String message) {
        super(message);
        this.error = error;
    }

    public RoomError error() {
        return error;
    }

    /** The TRTC error code for clients. */
    public int code() {
        return error.code();
    }
}
