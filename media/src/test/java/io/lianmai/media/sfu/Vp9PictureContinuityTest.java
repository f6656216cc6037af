package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.vp9.Vp9PayloadDescriptor;
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
    private static final int SMALL = TwoLayerPublisher.SMALL;
    private static final int BIG = TwoLayerPublisher.BIG;
    private static final int RID_EXTENSION = 10;
    /** libwebrtc's three temporal layers (L1T3): TL0, TL2, TL1, TL2, TL0, … */
    private static final int[] TEMPORAL_PATTERN = {0, 2, 1, 2};

    private final TwoLayerPublisher publisher = new TwoLayerPublisher(SMALL_SSRC, BIG_SSRC);
    private final RtpPacket packet = new RtpPacket();
    private final byte[] buf = new byte[1200];
    /** Per layer: next sequence number, frames sent, PICTURE ID and TL0PICIDX of the next frame. */
    private final int[] seq = new int[2];
    private final int[] frames = new int[2];
    private final int[] picture = new int[2];
    private final int[] tl0 = new int[2];
    private boolean flexible;
    private boolean shortSmallIds;
    private Random random;
    private PublishedTrack track;
    private Publication publication;

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
                publisher);
        publisher.start(publication, this::frame);
        // [PICTURE ID, TL0PICIDX, TID, 1 if 15-bit] of each frame's first packet.
        RecordingSubscriber viewer = new RecordingSubscriber((b, at, n) -> Vp9PayloadDescriptor.isStartOfFrame(b, at, n)
                ? new int[] {Vp9PayloadDescriptor.pictureId(b, at, n), Vp9PayloadDescriptor.tl0PicIdx(b, at, n),
                        Vp9PayloadDescriptor.temporalLayerId(b, at, n),
                        Vp9PayloadDescriptor.hasLongPictureId(b, at, n) ? 1 : 0}
                : null);
        viewer.downTrack = new DownTrack(track, 0x5555, 98, ExtensionIdMap.between(Map.of(), Map.of(), Set.of()),
                viewer);
        viewer.downTrack.attach(publisher.clock.millis());

        publisher.run(2000);
        assertThat(viewer.lastLength).as("the big layer first").isEqualTo(1000);
        viewer.downTrack.preferLowLayer(true);
        publisher.run(3000);
        assertThat(viewer.lastLength).as("then the small one").isEqualTo(300);
        viewer.downTrack.preferLowLayer(false);
        publisher.run(3000);
        assertThat(viewer.lastLength).as("the big one again").isEqualTo(1000);
        restartBigLayer();
        publisher.run(2000);
        assertThat(track.layers()[BIG].ssrc()).as("the restarted layer learnt").isEqualTo(RESTARTED_BIG_SSRC);
        assertThat(viewer.lastLength).as("the restarted big layer").isEqualTo(1000);
        viewer.downTrack.allocate(DownTrack.PAUSED);
        publisher.run(1000);
        viewer.downTrack.allocate(SMALL);
        publisher.run(3000);
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
        viewer.assertRepairIsTheOriginal(publisher.clock.millis(), publisher.scratch);
    }

    /** The big layer's encoder starts again: a new SSRC under the same rid, new counters, a keyframe first. */
    private void restartBigLayer() {
        publisher.ssrc[BIG] = RESTARTED_BIG_SSRC;
        seq[BIG] = random.nextInt(0x10000);
        picture[BIG] = random.nextInt(0x8000);
        tl0[BIG] = random.nextInt(0x100);
        publisher.askKeyframe(BIG);
    }

    private void frame(int layer, boolean keyframe, long timestamp, long now) {
        int packets = layer == SMALL ? 1 : 3;
        int length = layer == SMALL ? 300 : 1000;
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
            RtpPacket.writeFixedHeader(buf, 0, p == packets - 1, 96, s, timestamp, publisher.ssrc[layer]);
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
            publication.onRtp(packet, now, publisher.scratch);
        }
    }
}
