package io.lianmai.media.sdp;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The H.264 {@code profile-level-id} fmtp parameter (RFC 6184 §8.1): three hex bytes, profile_idc, profile-iop and
 * level_idc, read as libwebrtc reads them so that negotiation with browsers agrees with theirs.
 *
 * @param profile the profile
 * @param level   the level times ten ({@code 31} for 3.1), or {@link #LEVEL_1B}
 * @param text    the value as written (six hex digits)
 */
public record H264ProfileLevelId(H264Profile profile, int level, String text) {
    /** Level 1b, which H.264 signals with level_idc 11 and constraint_set3. */
    public static final int LEVEL_1B = 0;
    /** When the parameter is absent, libwebrtc assumes constrained baseline 3.1 (not RFC 6184's baseline 1). */
    public static final H264ProfileLevelId DEFAULT = new H264ProfileLevelId(H264Profile.CONSTRAINED_BASELINE, 31,
            "42e01f");

    private static final int CONSTRAINT_SET3 = 0x10;
    private static final int[] LEVELS = {10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62};

    /** Parses six hex digits; empty when the text is not a profile-level-id libwebrtc would accept. */
    public static Optional<H264ProfileLevelId> parse(String text) {
        if (text == null || text.length() != 6) {
            return Optional.empty();
        }
        int value = 0;
        for (int i = 0; i < 6; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0 || text.charAt(i) > 0x7f) {
                return Optional.empty();
            }
            value = value << 4 | digit;
        }
        int profileIdc = value >> 16;
        int profileIop = value >> 8 & 0xFF;
        int levelIdc = value & 0xFF;
        int level;
        if (levelIdc == 11 && (profileIop & CONSTRAINT_SET3) != 0) {
            level = LEVEL_1B;
        } else if (isLevel(levelIdc)) {
            level = levelIdc;
        } else {
            return Optional.empty();
        }
        H264Profile profile = H264Profile.of(profileIdc, profileIop);
        return profile == null ? Optional.empty() : Optional.of(new H264ProfileLevelId(profile, level, text));
    }

    /** The profile-level-id of an H.264 codec's parameters, {@link #DEFAULT} when absent, empty when unreadable. */
    public static Optional<H264ProfileLevelId> of(Map<String, String> parameters) {
        String text = FormatParameters.get(parameters, "profile-level-id");
        return text == null ? Optional.of(DEFAULT) : parse(text);
    }

    private static boolean isLevel(int levelIdc) {
        for (int level : LEVELS) {
            if (level == levelIdc) {
                return true;
            }
        }
        return false;
    }

    /** Orders levels with 1b between 1 and 1.1. */
    private static int rank(int level) {
        return level == LEVEL_1B ? 21 : level * 2;
    }

    /** The lower of two levels. */
    public static int minLevel(int a, int b) {
        return rank(a) <= rank(b) ? a : b;
    }

    /** The same profile bytes with another level, as six lower-case hex digits. */
    public String withLevel(int newLevel) {
        if (newLevel == level) {
            return text;
        }
        int value = Integer.parseInt(text, 16);
        int profileIdc = value >> 16;
        int profileIop = value >> 8 & 0xFF;
        int levelIdc;
        if (newLevel == LEVEL_1B) {
            levelIdc = 11;
            profileIop |= CONSTRAINT_SET3;
        } else {
            levelIdc = newLevel;
            if (newLevel == 11) {
                profileIop &= ~CONSTRAINT_SET3;
            }
        }
        return String.format(Locale.ROOT, "%02x%02x%02x", profileIdc, profileIop, levelIdc);
    }
}
