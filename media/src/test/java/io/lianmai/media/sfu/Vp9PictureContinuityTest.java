package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.FakeClock;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.vp9.Vp9PayloadDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A VP9 subscriber sees one picture numbering whatever layer it is forwarded, as {@link Vp8PictureContinuityTest}
 * shows for VP8: a simulcast publisher's layers are separate encoders whose PICTURE IDs and TL0PICIDXs (RFC 9628
 * §4.2) start anywhere, and libwebrtc's VP9 reference finder keeps its state per TL0PICIDX and finds references by
 * PICTURE ID. Each new frame the subscriber gets has the PICTURE ID after the previous frame's and, in non-flexible
 * mode, each base-layer frame the TL0PICIDX after the previous one's: across switches both ways, a pause, a publisher
 * whose big layer restarts (new SSRC, learnt by its rid; new counters), in flexible and non-flexible mode, with a
 * small layer sending 7-bit PICTURE IDs (continuous in the low 7 bits each can carry); a repair carries what its
 * original carried. It fails without the rewrite.
 */
class Vp9PictureContinuityTest {
    private static final long SMALL_SSRC = 0x1111;
    private static final long BIG_SSRC = 0x2222;
    private static final long RESTARTED_BIG_SSRC = 0x3333;
    private static final int SMALL = 0;
    private static final int BIG = 1;
    private static final int RID_EXTENSION = 10;
    /** libwebrtc's three temporal layers (L1T3): TL0, TL2, TL1, TL2, TL0, … */
    private static final int[] TEMPORAL_PATTERN = {0, 2, 1, 2};

    private final FakeClock clock = new FakeClock();
    private final byte[] scratch = Buffers.packetArray();
    private final RtpPacket packet = new RtpPacket();
    private final byte[] buf = new byte[1200];
    /** Per layer: SSRC, next sequence number, frames sent, PICTURE ID and TL0PICIDX of the next frame. */
    private final long[] ssrc = {SMALL_SSRC, BIG_SSRC};
    private final int[] seq = new int[2];
    private final int[] frames = new int[2];
    private final int[] picture = new int[2];
    private final int[] tl0 = new int[2];
    private final boolean[] keyframeAsked = {true, true};
    private boolean flexible;
    private boolean shortSmallIds;
    private Random random;
    private PublishedTrack track;
    private Publication publication;
    private long timestamp;

    @ParameterizedTest(name = "seed {0}, flexible {1}, 7-bit ids on the small layer {2}")
    @CsvSource({"0, false, false", "1, false, false", "2, true, false", "3, false, true", "4, true, true"})
    void framesFollowOneAnotherAcrossSwitchesAPauseAndARestartAndRepairsCarryWhatTheOriginalsDid(long seed,
            boolean flexibleMode, boolean shortIds) {
        flexible = flexibleMode;
        shortSmallIds = shortIds;
        random = new Random(seed);
        for (int layer = SMALL; layer <= BIG; layer++) {
            seq[layer] = random.nextInt(0x10000);
            picture[layer] = random.nextInt(0x8000);
            tl0[layer] = random.nextInt(0x100);
        }
        if (seed == 0) {
            // Both fields wrap during the test, whichever layer is forwarded first; the layers' counters differ.
            picture[SMALL] = 32_700;
            picture[BIG] = 32_600;
            tl0[SMALL] = 250;
            tl0[BIG] = 240;
        }
        track = new PublishedTrack("1", Codec.VP9, 96, 0, new String[] {"l", "h"}, new long[] {SMALL_SSRC, BIG_SSRC});
        publication = new Publication("app/r1/alice_main", List.of(track), new int[] {-1}, RID_EXTENSION, 0, 0x9999,
                new KeyframeRequests());
        Viewer viewer = new Viewer();
        viewer.downTrack = new DownTrack(track, 0x5555, 98, ExtensionIdMap.between(Map.of(), Map.of(), Set.of()),
                viewer);
        viewer.downTrack.attach(clock.millis());

        run(2000);
        assertThat(viewer.lastLength).as("the big layer first").isEqualTo(1000);
        viewer.downTrack.preferLowLayer(true);
        run(3000);
        assertThat(viewer.lastLength).as("then the small one").isEqualTo(300);
        viewer.downTrack.preferLowLayer(false);
        run(3000);
        assertThat(viewer.lastLength).as("the big one again").isEqualTo(1000);
        restartBigLayer();
        run(2000);
        assertThat(track.layers()[BIG].ssrc()).as("the restarted layer learnt").isEqualTo(RESTARTED_BIG_SSRC);
        assertThat(viewer.lastLength).as("the restarted big layer").isEqualTo(1000);
        viewer.downTrack.allocate(DownTrack.PAUSED);
        run(1000);
        viewer.downTrack.allocate(SMALL);
        run(3000);
        assertThat(viewer.lastLength).as("resumed on the small layer").isEqualTo(300);
        assertThat(viewer.downTrack.layerSwitches()).isGreaterThanOrEqualTo(2);
        assertThat(viewer.downTrack.pauses()).isEqualTo(1);

        // Every frame start: the PICTURE ID one more than the last (in the width both fields hold); in non-flexible
        // mode every base-layer frame: the TL0PICIDX one more, and other frames the same.
        List<int[]> starts = viewer.frameStarts;
        assertThat(starts.size()).isGreaterThan(300);
        for (int i = 1; i < starts.size(); i++) {
            int[] previous = starts.get(i - 1);
            int[] current = starts.get(i);
            int width = previous[3] == 1 && current[3] == 1 ? 0x7FFF : 0x7F;
            assertThat(current[0] & width).as("PICTURE ID of frame %d (%s after %s)", i, Arrays.toString(current),
                    Arrays.toString(previous)).isEqualTo((previous[0] + 1) & width);
            if (flexible) {
                assertThat(current[1]).as("no TL0PICIDX in flexible mode").isEqualTo(-1);
            } else {
                int expectedTl0 = current[2] == 0 ? (previous[1] + 1) & 0xFF : previous[1];
                assertThat(current[1]).as("TL0PICIDX of frame %d (%s after %s)", i, Arrays.toString(current),
                        Arrays.toString(previous)).isEqualTo(expectedTl0);
            }
        }
        if (seed == 0) {
            assertThat(starts.stream().anyMatch(s -> s[0] == 0)).as("the PICTURE ID wrapped").isTrue();
            assertThat(starts.stream().anyMatch(s -> s[1] == 0)).as("the TL0PICIDX wrapped").isTrue();
        }
        assertThat(starts.stream().anyMatch(s -> s[3] == 0)).as("7-bit ids seen").isEqualTo(shortSmallIds);

        // A NACK for a packet of the current run is answered with the numbers its original carried.
        byte[] original = viewer.packets.get(viewer.packets.size() - 5);
        RtpPacket sent = new RtpPacket();
        assertThat(sent.wrap(original, 0, original.length)).isTrue();
        int count = viewer.packets.size();
        assertThat(viewer.downTrack.retransmit(sent.sequenceNumber(), clock.millis(), scratch)).isTrue();
        assertThat(viewer.packets.get(count)).isEqualTo(original);
    }

    /** The big layer's encoder starts again: a new SSRC under the same rid, new counters, a keyframe first. */
    private void restartBigLayer() {
        ssrc[BIG] = RESTARTED_BIG_SSRC;
        seq[BIG] = random.nextInt(0x10000);
        picture[BIG] = random.nextInt(0x8000);
        tl0[BIG] = random.nextInt(0x100);
        keyframeAsked[BIG] = true;
    }

    /** {@code millis} of 30 fps frames on both layers and 20 ms media-loop ticks. */
    private void run(long millis) {
        long end = clock.millis() + millis;
        long nextFrame = clock.millis();
        while (clock.millis() < end) {
            clock.advance(Duration.ofMillis(1));
            long now = clock.millis();
            if (now >= nextFrame) {
                nextFrame += 33;
                timestamp += 3000;
                frame(SMALL, 1, 300, now);
                frame(BIG, 3, 1000, now);
            }
            if (now % 20 == 0) {
                publication.tick(now, scratch);
            }
        }
    }

    private void frame(int layer, int packets, int length, long now) {
        boolean keyframe = keyframeAsked[layer];
        keyframeAsked[layer] = false;
        int temporal = keyframe ? 0 : TEMPORAL_PATTERN[frames[layer] % TEMPORAL_PATTERN.length];
        if (keyframe) {
            frames[layer] = 0;
        }
        frames[layer]++;
        if (temporal == 0) {
            tl0[layer] = (tl0[layer] + 1) & 0xFF;
        }
        int pictureId = picture[layer];
        picture[layer] = (picture[layer] + 1) & 0x7FFF;
        boolean longId = !(shortSmallIds && layer == SMALL);
        for (int p = 0; p < packets; p++) {
            int s = seq[layer]++ & 0xFFFF;
            Arrays.fill(buf, (byte) 0);
            RtpPacket.writeFixedHeader(buf, 0, p == packets - 1, 96, s, timestamp, ssrc[layer]);
            // The rid (RFC 8852) in a one-byte header extension (RFC 8285), by which a new SSRC is learnt.
            buf[0] |= 0x10;
            buf[12] = (byte) 0xBE;
            buf[13] = (byte) 0xDE;
            buf[15] = 1;
            buf[16] = (byte) (RID_EXTENSION << 4);
            buf[17] = (byte) (layer == SMALL ? 'l' : 'h');
            int at = 20;
            boolean scalability = keyframe && p == 0;
            // I P L F B E V | M + 15-bit or 7-bit PICTURE ID | TID U SID D | TL0PICIDX or P_DIFF | SS
            buf[at++] = (byte) (0x80 | (keyframe ? 0 : 0x40) | 0x20 | (flexible ? 0x10 : 0) | (p == 0 ? 0x08 : 0)
                    | (p == packets - 1 ? 0x04 : 0) | (scalability ? 0x02 : 0));
            if (longId) {
                buf[at++] = (byte) (0x80 | pictureId >> 8);
                buf[at++] = (byte) pictureId;
            } else {
                buf[at++] = (byte) (pictureId & 0x7F);
            }
            buf[at++] = (byte) (temporal << 5 | (temporal > 0 ? 0x10 : 0));
            if (!flexible) {
                buf[at++] = (byte) tl0[layer];
            } else if (!keyframe) {
                buf[at++] = (byte) (1 << 1); // P_DIFF = 1, N = 0
            }
            if (scalability) {
                // N_S=0 Y G | 640 x 360 | N_G=1 | TID=0 U=0 R=1 | P_DIFF=1
                byte[] ss = {0x18, 0x02, (byte) 0x80, 0x01, 0x68, 0x01, 0x04, 0x01};
                System.arraycopy(ss, 0, buf, at, ss.length);
            }
            packet.wrap(buf, 0, length);
            publication.onRtp(packet, now, scratch);
        }
    }

    /** The subscriber: every packet it gets, and [PICTURE ID, TL0PICIDX, TID, 1 if 15-bit] of each frame start. */
    private static final class Viewer implements RtpSink {
        final List<byte[]> packets = new ArrayList<>();
        final List<int[]> frameStarts = new ArrayList<>();
        final RtpPacket parsed = new RtpPacket();
        DownTrack downTrack;
        int lastLength;

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            packets.add(Arrays.copyOfRange(buf, off, off + len));
            lastLength = len;
            parsed.wrap(buf, off, len);
            int at = parsed.payloadOffset();
            int n = parsed.payloadLength();
            if (Vp9PayloadDescriptor.isStartOfFrame(buf, at, n)) {
                frameStarts.add(new int[] {Vp9PayloadDescriptor.pictureId(buf, at, n),
                        Vp9PayloadDescriptor.tl0PicIdx(buf, at, n), Vp9PayloadDescriptor.temporalLayerId(buf, at, n),
                        Vp9PayloadDescriptor.hasLongPictureId(buf, at, n) ? 1 : 0});
            }
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    }

    /** The server's PLIs (RFC 4585 §6.3.1) to the publisher: the asked layer's next frame is a keyframe. */
    private final class KeyframeRequests implements RtpSink {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            if (len >= 12 && (buf[off + 1] & 0xFF) == 206 && (buf[off] & 0x1F) == 1) {
                long media = ((buf[off + 8] & 0xFFL) << 24) | ((buf[off + 9] & 0xFF) << 16)
                        | ((buf[off + 10] & 0xFF) << 8) | (buf[off + 11] & 0xFF);
                keyframeAsked[media == ssrc[SMALL] ? SMALL : BIG] = true;
            }
        }
    }
}
