package io.lianmai.media.sdp;

import java.util.List;

/**
 * H.264 profiles as WebRTC negotiates them: RFC 6184 §8.1 {@code profile_idc} plus the {@code profile-iop}
 * constraint flags, so that e.g. {@code 42e01f}, {@code 42c01f} and {@code 4de01f} are all constrained baseline.
 */
public enum H264Profile {
    CONSTRAINED_BASELINE,
    BASELINE,
    MAIN,
    CONSTRAINED_HIGH,
    HIGH,
    PREDICTIVE_HIGH_444;

    /** One row of RFC 6184 §8.1 table 5: profile_idc and a profile-iop bit pattern ({@code x}: either bit). */
    private record Pattern(int profileIdc, String iopBits, H264Profile profile) {
        boolean matches(int idc, int iop) {
            if (idc != profileIdc) {
                return false;
            }
            for (int i = 0; i < 8; i++) {
                char bit = iopBits.charAt(i);
                if (bit != 'x' && ((iop >> (7 - i)) & 1) != bit - '0') {
                    return false;
                }
            }
            return true;
        }
    }

    /** Checked in order, first match wins, as libwebrtc does. */
    private static final List<Pattern> PATTERNS = List.of(
            new Pattern(0x42, "x1xx0000", CONSTRAINED_BASELINE),
            new Pattern(0x4D, "1xxx0000", CONSTRAINED_BASELINE),
            new Pattern(0x58, "11xx0000", CONSTRAINED_BASELINE),
            new Pattern(0x42, "x0xx0000", BASELINE),
            new Pattern(0x58, "10xx0000", BASELINE),
            new Pattern(0x4D, "0x0x0000", MAIN),
            new Pattern(0x64, "00000000", HIGH),
            new Pattern(0x64, "00001100", CONSTRAINED_HIGH),
            new Pattern(0xF4, "00000000", PREDICTIVE_HIGH_444));

    /** The profile of a profile_idc and profile-iop byte, or {@code null} when no pattern matches. */
    static H264Profile of(int profileIdc, int profileIop) {
        for (Pattern pattern : PATTERNS) {
            if (pattern.matches(profileIdc, profileIop)) {
                return pattern.profile();
            }
        }
        return null;
    }
}
