package io.lianmai.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile bytes into the unprotect paths never throw, never touch bytes outside the given range, and never
 * authenticate.
 */
class SrtpGarbageTest {

    @Provide
    Arbitrary<SrtpProfile> profiles() {
        return Arbitraries.of(SrtpProfile.class);
    }

    @Property(tries = 3000)
    void randomBytesNeverAuthenticate(@ForAll("profiles") SrtpProfile profile, @ForAll @Size(max = 1600) byte[] bytes,
            @ForAll boolean looksLikeRtp) {
        if (looksLikeRtp && bytes.length > 0) {
            bytes[0] = (byte) (0x80 | (bytes[0] & 0x3F));
        }
        SrtpContext context = SrtpContext.create(SrtpPackets.key(profile));

        assertThat(context.unprotectRtp(bytes.clone(), 0, bytes.length)).isNegative();
        assertThat(context.unprotectRtcp(bytes.clone(), 0, bytes.length)).isNegative();
    }

    @Property(tries = 2000)
    void onlyTheGivenRangeIsReadOrWritten(@ForAll("profiles") SrtpProfile profile,
            @ForAll @Size(max = 300) byte[] bytes, @ForAll @IntRange(max = 40) int before,
            @ForAll @IntRange(max = 40) int after, @ForAll boolean rtcp) {
        byte[] left = surround(bytes, before, after, (byte) 0x00);
        byte[] right = surround(bytes, before, after, (byte) 0xFF);
        SrtpContext first = SrtpContext.create(SrtpPackets.key(profile));
        SrtpContext second = SrtpContext.create(SrtpPackets.key(profile));

        int a = rtcp ? first.unprotectRtcp(left, before, bytes.length) : first.unprotectRtp(left, before, bytes.length);
        int b = rtcp ? second.unprotectRtcp(right, before, bytes.length)
                : second.unprotectRtp(right, before, bytes.length);

        assertThat(a).isEqualTo(b).isNegative();
        assertThat(Arrays.copyOf(left, before)).isEqualTo(new byte[before]);
        byte[] ones = new byte[after];
        Arrays.fill(ones, (byte) 0xFF);
        assertThat(Arrays.copyOfRange(right, before + bytes.length, right.length)).isEqualTo(ones);
    }

    @Property(tries = 1000)
    void truncatedOrOversizedOrFlippedPacketsNeverAuthenticate(@ForAll("profiles") SrtpProfile profile,
            @ForAll @IntRange(max = 1300) int payload, @ForAll @IntRange(min = 1, max = 64) int change,
            @ForAll @IntRange(max = 2) int kind, @ForAll int position, @ForAll boolean rtcp) {
        SrtpContext sender = SrtpContext.create(SrtpPackets.key(profile));
        byte[] buf = rtcp ? SrtpPackets.rtcp(7, payload & ~3) : SrtpPackets.rtp(5, 7, payload, payload);
        int plain = rtcp ? 8 + (payload & ~3) : 12 + payload;
        byte[] room = Arrays.copyOf(buf, buf.length + 64);
        int length = rtcp ? sender.protectRtcp(room, 0, plain) : sender.protectRtp(room, 0, plain);
        assertThat(length).isPositive();

        int damagedLength = length;
        switch (kind) {
            case 0 -> damagedLength = Math.max(0, length - change);
            case 1 -> damagedLength = length + change;
            default -> room[Math.floorMod(position, length)] ^= (byte) change;
        }
        SrtpContext receiver = SrtpContext.create(SrtpPackets.key(profile));
        int result = rtcp ? receiver.unprotectRtcp(room, 0, damagedLength)
                : receiver.unprotectRtp(room, 0, damagedLength);

        assertThat(result).isNegative();
        assertThat(receiver.streamCount()).isZero();
    }

    @Property(tries = 1000)
    void outOfRangeArgumentsAreRefusedNotThrown(@ForAll("profiles") SrtpProfile profile,
            @ForAll @Size(max = 64) byte[] bytes, @ForAll int off, @ForAll int len) {
        SrtpContext context = SrtpContext.create(SrtpPackets.key(profile));
        byte[] room = Arrays.copyOf(bytes, bytes.length + 32);
        for (int i = 0; i < 4; i++) {
            int result = switch (i) {
                case 0 -> context.unprotectRtp(room, off, len);
                case 1 -> context.unprotectRtcp(room, off, len);
                case 2 -> context.protectRtp(room, off, len);
                default -> context.protectRtcp(room, off, len);
            };
            if (off < 0 || len < 0 || off > room.length - len) {
                assertThat(result).isEqualTo(SrtpError.BAD_BUFFER.code());
            }
        }
        assertThat(context.unprotectRtp(null, 0, 0)).isEqualTo(SrtpError.BAD_BUFFER.code());
    }

    private static byte[] surround(byte[] bytes, int before, int after, byte fill) {
        byte[] out = new byte[before + bytes.length + after];
        Arrays.fill(out, fill);
        System.arraycopy(bytes, 0, out, before, bytes.length);
        return out;
    }
}
