package io.lianmai.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** libsrtp-style behaviour of one sending and one receiving context, for both profiles. */
class SrtpContextTest {
    private static final int SSRC = 0xCAFEBABE;

    private static SrtpContext context(SrtpProfile profile) {
        return SrtpContext.create(SrtpPackets.key(profile));
    }

    /** Protects a fresh packet with {@code seq} and returns the SRTP bytes. */
    private static byte[] protect(SrtpContext sender, int seq, int payload) {
        byte[] buf = SrtpPackets.rtp(seq, SSRC, payload, seq);
        int length = sender.protectRtp(buf, 0, 12 + payload);
        assertThat(length).isEqualTo(12 + payload + sender.profile().rtpOverhead());
        return Arrays.copyOf(buf, length);
    }

    private static int unprotect(SrtpContext receiver, byte[] srtp) {
        return receiver.unprotectRtp(srtp.clone(), 0, srtp.length);
    }

    @org.junit.jupiter.api.Test
    void aPeekDecryptsExactlyTheHeadAndTheTailOfTheAesCmPayload() {
        SrtpContext sender = context(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        SrtpContext receiver = context(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        for (int payload : new int[] {0, 1, 8, 15, 16, 17, 23, 24, 31, 33, 100, 1200, 1300}) {
            int seq = 0xFFF0 + payload; // crosses the rollover: the index is tracked as by unprotect
            byte[] original = SrtpPackets.rtp(seq & 0xFFFF, SSRC, payload, seq & 0xFFFF);
            byte[] srtp = protect(sender, seq & 0xFFFF, payload);
            byte[] peeked = srtp.clone();
            assertThat(receiver.peekRtp(peeked, 0, peeked.length, 16, 8)).isEqualTo(12 + payload);
            assertThat(Arrays.copyOfRange(peeked, 0, 12)).isEqualTo(Arrays.copyOfRange(original, 0, 12));
            int head = Math.min(16, payload);
            assertThat(Arrays.copyOfRange(peeked, 12, 12 + head)).as("head of %d", payload)
                    .isEqualTo(Arrays.copyOfRange(original, 12, 12 + head));
            int tail = Math.max(0, payload - 8);
            assertThat(Arrays.copyOfRange(peeked, 12 + tail, 12 + payload)).as("tail of %d", payload)
                    .isEqualTo(Arrays.copyOfRange(original, 12 + tail, 12 + payload));
            if (payload >= 64) {
                assertThat(Arrays.copyOfRange(peeked, 40, 44)).as("the middle stays encrypted")
                        .isNotEqualTo(Arrays.copyOfRange(original, 40, 44));
            }
        }
        assertThat(receiver.peekRtp(new byte[10], 0, 10, 16, 8)).isEqualTo(SrtpError.TOO_SHORT.code());
        SrtpContext gcm = context(SrtpProfile.AEAD_AES_128_GCM);
        byte[] gcmPacket = protect(context(SrtpProfile.AEAD_AES_128_GCM), 1, 100);
        assertThat(gcm.peekRtp(gcmPacket, 0, gcmPacket.length, 16, 8)).as("GCM: unprotect instead")
                .isEqualTo(SrtpError.BAD_BUFFER.code());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTripRestoresTheOriginalPacket(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        for (int payload : new int[] {0, 1, 15, 16, 17, 160, 1200, 1500, 3000}) {
            int seq = 100 + payload;
            byte[] original = SrtpPackets.rtp(seq, SSRC, payload, seq);
            byte[] buf = original.clone();
            int length = sender.protectRtp(buf, 0, 12 + payload);
            if (payload > 0) {
                assertThat(Arrays.copyOfRange(buf, 12, 12 + payload))
                        .isNotEqualTo(Arrays.copyOfRange(original, 12, 12 + payload));
            }

            assertThat(receiver.unprotectRtp(buf, 0, length)).isEqualTo(12 + payload);
            assertThat(Arrays.copyOf(buf, 12 + payload)).isEqualTo(Arrays.copyOf(original, 12 + payload));
        }
        assertThat(receiver.rtpUnprotectedCount()).isEqualTo(9);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTripAtAnOffsetWithCsrcsAndHeaderExtension(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] packet = SrtpPackets.rtpWithCsrcsAndExtension(7, SSRC, 50);
        int packetLength = 32 + 50;
        byte[] buf = new byte[5 + packet.length];
        System.arraycopy(packet, 0, buf, 5, packet.length);

        int length = sender.protectRtp(buf, 5, packetLength);
        assertThat(Arrays.copyOfRange(buf, 5, 5 + 32)).as("header and extension stay clear")
                .isEqualTo(Arrays.copyOf(packet, 32));

        assertThat(receiver.unprotectRtp(buf, 5, length)).isEqualTo(packetLength);
        assertThat(Arrays.copyOfRange(buf, 5, 5 + packetLength)).isEqualTo(Arrays.copyOf(packet, packetLength));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aTamperedTagHeaderOrPayloadFailsAuthenticationAndLeavesNoState(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] srtp = protect(sender, 1, 100);
        for (int position : new int[] {1, 5, 11, 12, 60, srtp.length - 1}) {
            byte[] tampered = srtp.clone();
            tampered[position] ^= 0x01;
            assertThat(unprotect(receiver, tampered)).as("flipped byte %d", position)
                    .isEqualTo(SrtpError.AUTH_FAILED.code());
        }
        assertThat(receiver.errorCount(SrtpError.AUTH_FAILED)).isEqualTo(6);
        assertThat(receiver.streamCount()).isZero();
        assertThat(unprotect(receiver, srtp)).isEqualTo(112);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aReplayedPacketIsRejected(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] srtp = protect(sender, 1000, 20);

        assertThat(unprotect(receiver, srtp)).isEqualTo(32);
        assertThat(unprotect(receiver, srtp)).isEqualTo(SrtpError.REPLAYED.code());
        assertThat(receiver.errorCount(SrtpError.REPLAYED)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void outOfOrderWithinTheWindowIsAcceptedOnceAndFarOldIsRejected(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = SrtpContext.create(SrtpPackets.key(profile), new SrtpConfig(64, 16));
        byte[][] packets = new byte[200][];
        for (int seq = 0; seq < packets.length; seq++) {
            packets[seq] = protect(sender, seq, 10);
        }
        assertThat(unprotect(receiver, packets[100])).isEqualTo(22);
        assertThat(unprotect(receiver, packets[199])).isEqualTo(22);
        assertThat(unprotect(receiver, packets[150])).as("49 behind").isEqualTo(22);
        assertThat(unprotect(receiver, packets[136])).as("63 behind, the oldest in a 64 window").isEqualTo(22);
        assertThat(unprotect(receiver, packets[136])).isEqualTo(SrtpError.REPLAYED.code());
        assertThat(unprotect(receiver, packets[135])).as("64 behind").isEqualTo(SrtpError.TOO_OLD.code());
        assertThat(unprotect(receiver, packets[100])).isEqualTo(SrtpError.TOO_OLD.code());
        assertThat(unprotect(receiver, packets[198])).isEqualTo(22);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void theRolloverCounterAdvancesAcrossSequence65535To0(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] last = protect(sender, 65534, 10);
        byte[] wrapEnd = protect(sender, 65535, 10);
        byte[] afterWrap = protect(sender, 0, 10);
        byte[] afterWrap2 = protect(sender, 1, 10);

        assertThat(unprotect(receiver, last)).isEqualTo(22);
        assertThat(unprotect(receiver, afterWrap)).as("ROC guessed as 1").isEqualTo(22);
        assertThat(receiver.receivedRolloverCounter(SSRC)).isEqualTo(1);
        assertThat(unprotect(receiver, wrapEnd)).as("late packet of ROC 0").isEqualTo(22);
        assertThat(receiver.receivedRolloverCounter(SSRC)).isEqualTo(1);
        assertThat(unprotect(receiver, afterWrap2)).isEqualTo(22);

        // A packet of ROC 1 shown to a receiver that can only guess ROC 0 does not authenticate: the ROC is
        // part of what is authenticated (RFC 3711 §4.2) or of the GCM IV (RFC 7714 §8.1).
        byte[] rocOnePacket = protect(sender, 20000, 10);
        SrtpContext fresh = context(profile);
        assertThat(unprotect(fresh, protect(context(profile), 1000, 10))).isEqualTo(22);
        assertThat(unprotect(fresh, rocOnePacket)).isEqualTo(SrtpError.AUTH_FAILED.code());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void manyWrapsInARow(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] buf = new byte[12 + 4 + 32];
        // 3 full cycles, every 97th packet received, the rest "lost": gaps well under 2^15 keep the guess right.
        for (int i = 0; i < 3 * 65536; i++) {
            byte[] packet = SrtpPackets.rtp(i & 0xFFFF, SSRC, 4, 0);
            int length = sender.protectRtp(packet, 0, 16);
            if (i % 97 == 0) {
                System.arraycopy(packet, 0, buf, 0, length);
                assertThat(receiver.unprotectRtp(buf, 0, length)).as("packet %d", i).isEqualTo(16);
            }
        }
        assertThat(receiver.receivedRolloverCounter(SSRC)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void srtcpCarriesTheEFlagAndAnIncreasingIndexAndRejectsReplays(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[][] sent = new byte[3][];
        for (int i = 0; i < 3; i++) {
            byte[] buf = SrtpPackets.rtcp(SSRC, 20);
            int length = sender.protectRtcp(buf, 0, 28);
            assertThat(length).isEqualTo(28 + profile.rtcpOverhead());
            int indexAt = profile == SrtpProfile.AEAD_AES_128_GCM ? length - 4 : length - 14;
            assertThat(Arrays.copyOfRange(buf, indexAt, indexAt + 4)).containsExactly(0x80, 0, 0, i);
            assertThat(Arrays.copyOf(buf, 8)).as("header and SSRC stay clear")
                    .isEqualTo(Arrays.copyOf(SrtpPackets.rtcp(SSRC, 20), 8));
            sent[i] = Arrays.copyOf(buf, length);
        }
        byte[] plain = Arrays.copyOf(SrtpPackets.rtcp(SSRC, 20), 28);

        byte[] buf = sent[2].clone();
        assertThat(receiver.unprotectRtcp(buf, 0, buf.length)).isEqualTo(28);
        assertThat(Arrays.copyOf(buf, 28)).isEqualTo(plain);
        buf = sent[0].clone();
        assertThat(receiver.unprotectRtcp(buf, 0, buf.length)).isEqualTo(28);
        buf = sent[0].clone();
        assertThat(receiver.unprotectRtcp(buf, 0, buf.length)).isEqualTo(SrtpError.REPLAYED.code());

        byte[] tampered = sent[1].clone();
        int indexAt = profile == SrtpProfile.AEAD_AES_128_GCM ? tampered.length - 1 : tampered.length - 11;
        tampered[indexAt] ^= 0x04;
        assertThat(receiver.unprotectRtcp(tampered, 0, tampered.length)).as("index changed")
                .isEqualTo(SrtpError.AUTH_FAILED.code());
        assertThat(receiver.rtcpUnprotectedCount()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aesCmAuthenticationOnlySrtcpIsAcceptedWithTheEFlagClear(SrtpProfile profile) {
        // Build an E=0 packet by protecting, then re-deriving: easiest through the transform of a context pair.
        SrtpTransform transform = SrtpTransform.create(SrtpPackets.key(profile));
        byte[] plain = Arrays.copyOf(SrtpPackets.rtcp(SSRC, 12), 20);
        byte[] buf = Arrays.copyOf(plain, 20 + profile.rtcpOverhead());
        if (profile == SrtpProfile.AES128_CM_HMAC_SHA1_80) {
            // | packet | 0 + index 7 | HMAC over both, 10 bytes |
            buf[23] = 7;
            HmacSha1 mac = new HmacSha1(new SrtpKeyDerivation(SrtpPackets.MASTER_KEY, SrtpPackets.MASTER_SALT)
                    .derive(SrtpKeyDerivation.LABEL_RTCP_AUTHENTICATION, 20));
            byte[] full = new byte[20];
            mac.update(buf, 0, 24);
            mac.doFinal(full, 0);
            System.arraycopy(full, 0, buf, 24, 10);
        } else {
            // The GCM auth-only form is covered by the RFC 7714 §17 vector.
            return;
        }
        SrtpContext receiver = SrtpContext.withTransform(profile, transform);
        assertThat(receiver.unprotectRtcp(buf, 0, buf.length)).isEqualTo(20);
        assertThat(Arrays.copyOf(buf, 20)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void streamsAreKeptPerSsrcUpToTheLimit(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = SrtpContext.create(SrtpPackets.key(profile), new SrtpConfig(64, 3));
        for (int ssrc = 1; ssrc <= 4; ssrc++) {
            byte[] buf = SrtpPackets.rtp(1, ssrc, 10, ssrc);
            int length = sender.protectRtp(buf, 0, 22);
            int result = receiver.unprotectRtp(buf, 0, length);
            assertThat(result).isEqualTo(ssrc <= 3 ? 22 : SrtpError.TOO_MANY_STREAMS.code());
        }
        assertThat(receiver.streamCount()).isEqualTo(3);
        assertThat(receiver.removeStream(2)).isTrue();
        byte[] buf = SrtpPackets.rtp(2, 4, 10, 4);
        int length = sender.protectRtp(buf, 0, 22);
        assertThat(receiver.unprotectRtp(buf, 0, length)).isEqualTo(22);
        assertThat(sender.streamCount()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectRefusesWithoutTailroomAndBadHeaders(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        byte[] exact = Arrays.copyOf(SrtpPackets.rtp(1, SSRC, 10, 1), 22);
        assertThat(sender.protectRtp(exact, 0, 22)).isEqualTo(SrtpError.BAD_BUFFER.code());
        byte[] version1 = SrtpPackets.rtp(1, SSRC, 10, 1);
        version1[0] = 0x40;
        assertThat(sender.protectRtp(version1, 0, 22)).isEqualTo(SrtpError.MALFORMED.code());
        byte[] csrcsPastEnd = SrtpPackets.rtp(1, SSRC, 10, 1);
        csrcsPastEnd[0] = (byte) 0x8F;
        assertThat(sender.protectRtp(csrcsPastEnd, 0, 22)).isEqualTo(SrtpError.MALFORMED.code());
        assertThat(sender.protectRtp(new byte[40], 0, 8)).isEqualTo(SrtpError.TOO_SHORT.code());
        assertThat(sender.protectRtp(new byte[40], 30, 20)).isEqualTo(SrtpError.BAD_BUFFER.code());
        assertThat(sender.protectRtcp(new byte[10], 0, 8)).isEqualTo(SrtpError.BAD_BUFFER.code());
        assertThat(sender.errorCount(SrtpError.MALFORMED)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void directionsWithDifferentKeysDoNotAuthenticate(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        byte[] otherKey = SrtpPackets.MASTER_KEY.clone();
        otherKey[0] ^= 1;
        SrtpContext wrong = SrtpContext.create(SrtpMasterKey.of(profile, otherKey,
                Arrays.copyOf(SrtpPackets.MASTER_SALT, profile.masterSaltLength())));
        assertThat(unprotect(wrong, protect(sender, 9, 30))).isEqualTo(SrtpError.AUTH_FAILED.code());
    }
}
