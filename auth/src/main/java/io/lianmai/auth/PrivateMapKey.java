package io.lianmai.auth;

import io.lianmai.common.SdkAppId;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The privilege buffer of a PrivateMapKey: which room a user may use and what they may do there, carried base64'd
 * in the UserSig's {@code TLS.userbuf} and so covered by its signature.
 *
 * <p>Layout, all integers big-endian, as Tencent's {@code genUserBuf} writes it:
 * <pre>
 *  0      1        3            3+n       7+n      11+n          15+n        19+n          23+n     25+n
 *  +------+--------+------------+---------+--------+-------------+-----------+-------------+--------+---------+
 *  | ver  | n (16) | userID (n) | sdkappid| roomID | expire-at   | privilege | accountType | m (16) | strRoom |
 *  | 0/1  |        |            |  (32)   |  (32)  | (32, Unix s)|  (32)     |   (32)      |  ver 1 only (m) |
 *  +------+--------+------------+---------+--------+-------------+-----------+-------------+--------+---------+
 * </pre>
 * Version 0 names a numeric room ({@code roomID}); version 1 a string room ({@code roomID} is 0).
 *
 * @param identifier the userID the buffer was made for
 * @param sdkAppId the app it was made for
 * @param roomId the numeric room, or 0 when {@link #strRoomId} is present
 * @param strRoomId the string room, for {@code genPrivateMapKeyWithStringRoomID} keys
 * @param expireAtEpochSeconds when the privileges end, in Unix seconds
 * @param privileges what the user may do in the room
 * @param accountType a legacy field, always 0 in keys the official libraries make; kept so a buffer round-trips
 */
public record PrivateMapKey(String identifier, SdkAppId sdkAppId, long roomId, Optional<String> strRoomId,
        long expireAtEpochSeconds, Privileges privileges, long accountType) {

    /** Longest string room ID TRTC accepts. */
    public static final int MAX_STR_ROOM_ID_LENGTH = 64;
    /** Largest numeric room ID: an unsigned 32-bit number. */
    public static final long MAX_ROOM_ID = 0xFFFF_FFFFL;

    private static final int VERSION_NUMERIC_ROOM = 0;
    private static final int VERSION_STRING_ROOM = 1;
    private static final int FIXED_FIELDS_LENGTH = 20;

    /**
     * Parses a decoded {@code TLS.userbuf}, validating every length before reading.
     *
     * @throws UserSigException {@link UserSigError#BAD_USERBUF} naming what is wrong
     */
    public static PrivateMapKey decode(byte[] buffer) throws UserSigException {
        ByteBuffer in = ByteBuffer.wrap(buffer);
        if (in.remaining() < 3) {
            throw bad("it is " + buffer.length + " bytes, shorter than its header");
        }
        int version = in.get() & 0xFF;
        if (version != VERSION_NUMERIC_ROOM && version != VERSION_STRING_ROOM) {
            throw bad("unknown buffer version " + version);
        }
        String identifier = ascii(in, "userID");
        if (in.remaining() < FIXED_FIELDS_LENGTH) {
            throw bad("it ends inside its fixed fields");
        }
        long sdkAppId = Integer.toUnsignedLong(in.getInt());
        if (sdkAppId == 0) {
            throw bad("it names SDKAppID 0, which no app has");
        }
        long roomId = Integer.toUnsignedLong(in.getInt());
        long expireAt = Integer.toUnsignedLong(in.getInt());
        long privilegeWord = Integer.toUnsignedLong(in.getInt());
        long accountType = Integer.toUnsignedLong(in.getInt());
        Optional<String> strRoomId = Optional.empty();
        if (version == VERSION_STRING_ROOM) {
            if (in.remaining() < 2) {
                throw bad("it ends before its string room ID");
            }
            String room = ascii(in, "strRoomID");
            if (room.isEmpty() || room.length() > MAX_STR_ROOM_ID_LENGTH) {
                throw bad("strRoomID must be 1.." + MAX_STR_ROOM_ID_LENGTH + " characters, got " + room.length());
            }
            strRoomId = Optional.of(room);
        } else if (roomId == 0) {
            throw bad("it names room 0, which is not a room");
        }
        if (in.hasRemaining()) {
            throw bad(in.remaining() + " unexpected bytes at its end");
        }
        // Only the low 8 bits are privileges; the rest of the word is reserved and ignored, as TRTC does.
        Privileges privileges = Privileges.ofBits(privilegeWord & 0xFF);
        return new PrivateMapKey(identifier, new SdkAppId(sdkAppId), roomId, strRoomId, expireAt, privileges, accountType);
    }

    /** Writes the buffer in the official layout. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(strRoomId.isPresent() ? VERSION_STRING_ROOM : VERSION_NUMERIC_ROOM);
        writeAscii(out, identifier);
        writeInt(out, sdkAppId.value());
        writeInt(out, roomId);
        writeInt(out, expireAtEpochSeconds);
        writeInt(out, privileges.bits());
        writeInt(out, accountType);
        strRoomId.ifPresent(room -> writeAscii(out, room));
        return out.toByteArray();
    }

    /** Whether this key is for the numeric room {@code id}. */
    public boolean isFor(long id) {
        return strRoomId.isEmpty() && roomId == id;
    }

    /** Whether this key is for the string room {@code id}. */
    public boolean isFor(String id) {
        return strRoomId.isPresent() && strRoomId.get().equals(id);
    }

    /** The room as people write it: {@code roomID 1234} or {@code strRoomID "abc"}. */
    public String roomDescription() {
        return strRoomId.map(room -> "strRoomID \"" + room + "\"").orElse("roomID " + roomId);
    }

    private static String ascii(ByteBuffer in, String what) throws UserSigException {
        int length = in.getShort() & 0xFFFF;
        if (in.remaining() < length) {
            throw bad(what + " claims " + length + " bytes but only " + in.remaining() + " remain");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                throw bad(what + " holds a byte outside printable ASCII");
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static void writeAscii(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void writeInt(ByteArrayOutputStream out, long value) {
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
    }

    private static UserSigException bad(String detail) {
        return new UserSigException(UserSigError.BAD_USERBUF, detail);
    }
}
