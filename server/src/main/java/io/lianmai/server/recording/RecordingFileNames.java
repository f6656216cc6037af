package io.lianmai.server.recording;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names of recording files, built only from parts the server checked or escaped, so that no userID or strRoomID
 * (which may hold {@code /}, {@code ..}, {@code %}, spaces or anything else TRTC allows) can steer a path:
 *
 * <pre>
 * {sdkAppId}/{taskId}/{sdkAppId}_{room}_{user}_{main|aux}_{audio|video|audio_video}_{yyyyMMddTHHmmssSSSZ}.{mp4|m3u8}
 * {sdkAppId}/{taskId}/{sdkAppId}_{room}_mix_{audio|video|audio_video}_{yyyyMMddTHHmmssSSSZ}.{mp4|m3u8}   (mixed mode)
 * </pre>
 *
 * {@code room} is the numeric roomID, or {@code s-} and the escaped strRoomID; {@code user} the escaped userID.
 * Escaping keeps {@code [A-Za-z0-9-]} and writes every other UTF-8 byte as {@code ~XX} (hex), so a name reads back
 * ({@link #parse}); a part longer than {@value #MAX_PART} characters escaped is cut and ends in {@code ~h} and a hash.
 */
public final class RecordingFileNames {
    /** Longest escaped room or user part; file names stay well under 255 bytes. */
    static final int MAX_PART = 72;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]{1,200}");
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private RecordingFileNames() {
    }

    /** The part that names a mixed recording's file where a single-stream file names its user and stream. */
    public static final String MIX = "mix";

    /** What a file holds: TRTC's TrackType. */
    public enum Track {
        AUDIO("audio"), VIDEO("video"), AUDIO_VIDEO("audio_video");

        private final String wire;

        Track(String wire) {
            this.wire = wire;
        }

        /** TRTC's name: {@code audio}, {@code video}, {@code audio_video}. */
        public String wire() {
            return wire;
        }

        static Track of(boolean audio, boolean video) {
            return audio && video ? AUDIO_VIDEO : audio ? AUDIO : VIDEO;
        }
    }

    /** What a file name says; a mixed recording's file has an empty userId and stream {@value #MIX}. */
    public record Parsed(String userId, String stream, String track, Instant begin) {
    }

    /** Whether {@code taskId} is the shape the server gives task ids (and so safe as a directory name). */
    public static boolean isTaskId(String taskId) {
        return taskId != null && TASK_ID.matcher(taskId).matches();
    }

    /** The directory of a task's files, ending in {@code /}. */
    public static String taskDirectory(SdkAppId sdkAppId, String taskId) {
        if (!isTaskId(taskId)) {
            throw new IllegalArgumentException("not a task id: " + taskId);
        }
        return sdkAppId.value() + "/" + taskId + "/";
    }

    /** A file's name within its task's directory. */
    public static String fileName(SdkAppId sdkAppId, RoomRef room, String userId, String stream, boolean audio,
            boolean video, Instant start, String extension) {
        String roomPart = room.strRoomId().map(id -> "s-" + escape(id)).orElseGet(() -> Long.toString(room.roomId()));
        return sdkAppId.value() + "_" + roomPart + "_" + escape(userId) + "_" + stream + "_"
                + Track.of(audio, video).wire() + "_" + TIME.format(start) + "." + extension;
    }

    /** A mixed recording's file name within its task's directory. */
    public static String mixedFileName(SdkAppId sdkAppId, RoomRef room, boolean audio, boolean video, Instant start,
            String extension) {
        String roomPart = room.strRoomId().map(id -> "s-" + escape(id)).orElseGet(() -> Long.toString(room.roomId()));
        return sdkAppId.value() + "_" + roomPart + "_" + MIX + "_" + Track.of(audio, video).wire() + "_"
                + TIME.format(start) + "." + extension;
    }

    /** Whether {@code name} is relative, with only safe segments (no {@code .}, {@code ..}, no empty segment). */
    public static boolean isSafeRelative(String name) {
        if (name == null || name.isEmpty() || name.startsWith("/")) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Escapes {@code text}: {@code [A-Za-z0-9-]} kept, other UTF-8 bytes as {@code ~XX}; long results cut and hashed. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
                out.append((char) c);
            } else {
                out.append('~').append(HEX.toHexDigits((byte) c));
            }
        }
        if (out.length() <= MAX_PART) {
            return out.toString();
        }
        int cut = MAX_PART - 12;
        // Never cut inside a ~XX escape.
        while (cut > 0 && (out.charAt(cut - 1) == '~' || (cut >= 2 && out.charAt(cut - 2) == '~'))) {
            cut--;
        }
        return out.substring(0, cut) + "~h" + hash(text);
    }

    /** The text {@link #escape} was given, or empty when it was cut (the hash cannot be undone) or is malformed. */
    static Optional<String> unescape(String escaped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '~') {
                bytes.write(c);
                continue;
            }
            if (i + 2 >= escaped.length()) {
                return Optional.empty();
            }
            try {
                bytes.write(HEX.parseHex(escaped, i + 1, i + 3)[0]);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                return Optional.empty();
            }
            i += 2;
        }
        return Optional.of(bytes.toString(StandardCharsets.UTF_8));
    }

    /** Reads a file name made by {@link #fileName} (without its directory); empty for anything else. */
    public static Optional<Parsed> parse(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String[] parts = fileName.substring(0, dot).split("_");
        if (parts.length < 5) {
            return Optional.empty();
        }
        Instant begin;
        try {
            begin = Instant.from(TIME.parse(parts[parts.length - 1]));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        // A user called "mix" has main or aux after it; a mixed file has its track there.
        if (parts[2].equals(MIX) && (parts[3].equals("audio") || parts[3].equals("video"))) {
            if (parts.length > 6) {
                return Optional.empty();
            }
            return Optional.of(new Parsed("", MIX, parts.length == 6 ? parts[3] + "_" + parts[4] : parts[3], begin));
        }
        if (parts.length < 6) {
            return Optional.empty();
        }
        String track = parts.length == 7 ? parts[4] + "_" + parts[5] : parts[4];
        String user = parts[2];
        return Optional.of(new Parsed(unescape(user).orElse(user), parts[3], track, begin));
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
