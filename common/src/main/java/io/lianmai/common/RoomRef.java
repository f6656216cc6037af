package io.lianmai.common;

import java.util.Optional;

/**
 * A room as TRTC names it: a numeric {@code roomID} (1..4294967295) or a string {@code strRoomID} (up to 64
 * characters of letters, digits, space and {@value #STR_ROOM_ID_SYMBOLS}, TRTC's documented set). The two are separate namespaces: room 123 and strRoomID "123" are different rooms.
 *
 * @param roomId the numeric id, or 0 for a string room
 * @param strRoomId the string id, when this is a string room
 */
public record RoomRef(long roomId, Optional<String> strRoomId) {
    /** Largest numeric room id. */
    public static final long MAX_ROOM_ID = 0xFFFF_FFFFL;
    /** Longest string room id. */
    public static final int MAX_STR_ROOM_ID_LENGTH = 64;
    /**
     * The symbols TRTC allows in a strRoomID besides letters, digits and space. Neither {@code /} nor {@code \}
     * nor quotes: a room's key is part of the media plane's stream keys ({@code {sdkAppID}/{room}/{stream}}), which
     * must never be able to name another room.
     */
    public static final String STR_ROOM_ID_SYMBOLS = "!#$%&()+-:;<=.>?@[]^_{}|~,";

    /**
     * Reads the room from request parameters; {@code strRoomID} wins when both are given, as in {@code trtc-wx}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static RoomRef parse(String roomId, String strRoomId) {
        if (strRoomId != null && !strRoomId.isEmpty()) {
            if (strRoomId.length() > MAX_STR_ROOM_ID_LENGTH) {
                throw new IllegalArgumentException("strRoomID is longer than " + MAX_STR_ROOM_ID_LENGTH
                        + " characters");
            }
            for (int i = 0; i < strRoomId.length(); i++) {
                if (!isStrRoomIdChar(strRoomId.charAt(i))) {
                    throw new IllegalArgumentException("strRoomID may hold letters, digits, space and "
                            + STR_ROOM_ID_SYMBOLS + " only (TRTC's rule; no '/', quotes or backslash)");
                }
            }
            return new RoomRef(0, Optional.of(strRoomId));
        }
        if (roomId == null || roomId.isEmpty()) {
            throw new IllegalArgumentException("give roomID (1..4294967295) or strRoomID");
        }
        long parsed;
        try {
            parsed = Long.parseLong(roomId);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("roomID must be a number 1..4294967295, got '" + shorten(roomId)
                    + "'; use strRoomID for string room names");
        }
        if (parsed < 1 || parsed > MAX_ROOM_ID) {
            throw new IllegalArgumentException("roomID must be 1..4294967295, got " + parsed);
        }
        return new RoomRef(parsed, Optional.empty());
    }

    /** Whether {@code c} may appear in a strRoomID: TRTC's documented set, ASCII only. */
    public static boolean isStrRoomIdChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' '
                || STR_ROOM_ID_SYMBOLS.indexOf(c) >= 0;
    }

    /**
     * Reads a room back from its {@link #key()}.
     *
     * @throws IllegalArgumentException when {@code key} is not {@code r{roomID}} or {@code s:{strRoomID}}
     */
    public static RoomRef parseKey(String key) {
        if (key != null && key.startsWith("s:")) {
            String name = key.substring(2);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("room key 's:' names no strRoomID");
            }
            return parse(null, name);
        }
        if (key != null && key.startsWith("r")) {
            String digits = key.substring(1);
            if (digits.isEmpty() || digits.charAt(0) == '0' || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("room key must be r{roomID} or s:{strRoomID}, got '"
                        + shorten(key) + "'");
            }
            return parse(digits, null);
        }
        throw new IllegalArgumentException("room key must be r{roomID} or s:{strRoomID}, got '"
                + (key == null ? "" : shorten(key)) + "'");
    }

    /** A stable key fragment: {@code r1234} or {@code s:name}, distinct between the two namespaces. */
    public String key() {
        return strRoomId.map(name -> "s:" + name).orElse("r" + roomId);
    }

    private static String shorten(String text) {
        return text.length() > 32 ? text.substring(0, 32) + "…" : text;
    }
}
