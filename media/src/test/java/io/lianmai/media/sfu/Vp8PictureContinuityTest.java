package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.vp8.Vp8PayloadDescriptor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A VP8 subscriber sees one picture numbering whatever layer it is forwarded: a simulcast publisher's layers are
 * separate encoders whose PictureIDs and TL0PICIDXs start anywhere (libwebrtc: at random), and a receiver finds each
 * frame's references by them. Each new frame the subscriber gets has the PictureID after the previous frame's, each
 * base-layer frame the TL0PICIDX after the previous one's, across switches both ways, a pause, and wraps of either
 * field; a repair carries what its original carried. Without the rewrite, a Chromium player switched from the big
 * layer to the small one stopped decoding for 3 s once the small layer's TL0PICIDX reached values the big one had
 * used (docs/media.md, "Picture numbering across switches").
 */
class Vp8PictureContinuityTest {
    private static final long SMALL_SSRC = 0x1111;
    private static final long BIG_SSRC = 0x2222;
    private static final int SMALL = TwoLayerPublisher.SMALL;
    private static final int BIG = TwoLayerPublisher.BIG;
    /** libwebrtc's three temporal layers: TL0, TL2, TL1, TL2, TL0, … */
    private static final int[] TEMPORAL_PATTERN = {0, 2, 1, 2};

    private final TwoLayerPublisher publisher = new TwoLayerPublisher(SMALL_SSRC, BIG_SSRC);
    private final RtpPacket packet = new RtpPacket();
    private final byte[] buf = new byte[1200];
    /** Per layer: next sequence number, frames sent, PictureID and TL0PICIDX of the next frame. */
    private final int[] seq = {100, 60_000};
    private final int[] frames = new int[2];
    private final int[] picture = {32_700, 1_000};
    private final int[] tl0 = {250, 10};
    private PublishedTrack track;
    private Publication publication;

    @Test
    void framesFollowOneAnotherAcrossSwitchesAPauseAndWrapsAndRepairsCarryWhatTheOriginalsDid() {
        track = new PublishedTrack("1", Codec.VP8, 96, 0, new String[] {"l", "h"}, new long[] {SMALL_SSRC, BIG_SSRC});
        publication = new Publication("app/r1/alice_main", List.of(track), new int[] {-1}, 0, 0, 0x9999, publisher);
        publisher.start(publication, this::frame);
        // [PictureID, TL0PICIDX, TID] of each frame's first packet.
        RecordingSubscriber viewer = new RecordingSubscriber((b, at, n) -> Vp8PayloadDescriptor.isStartOfFrame(b, at, n)
                ? new int[] {Vp8PayloadDescriptor.pictureId(b, at, n), Vp8PayloadDescriptor.tl0PicIdx(b, at, n),
                        Vp8PayloadDescriptor.temporalLayerId(b, at, n)}
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
        viewer.downTrack.allocate(DownTrack.PAUSED);
        publisher.run(1000);
        viewer.downTrack.allocate(SMALL);
        publisher.run(3000);
        assertThat(viewer.lastLength).as("resumed on the small layer").isEqualTo(300);
        assertThat(viewer.downTrack.layerSwitches()).isGreaterThanOrEqualTo(2);
        assertThat(viewer.downTrack.pauses()).isEqualTo(1);

        // Every frame start: the PictureID one more than the last; every base-layer frame: the TL0PICIDX one more.
        List<int[]> starts = viewer.frameStarts;
        assertThat(starts.size()).isGreaterThan(300);
        for (int i = 1; i < starts.size(); i++) {
            int[] previous = starts.get(i - 1);
            int[] current = starts.get(i);
            assertThat(current[0]).as("PictureID of frame %d (%s after %s)", i, Arrays.toString(current),
                    Arrays.toString(previous)).isEqualTo((previous[0] + 1) & 0x7FFF);
            int expectedTl0 = current[2] == 0 ? (previous[1] + 1) & 0xFF : previous[1];
            assertThat(current[1]).as("TL0PICIDX of frame %d (%s after %s)", i, Arrays.toString(current),
                    Arrays.toString(previous)).isEqualTo(expectedTl0);
        }
        assertThat(viewer.frameStarts.stream().anyMatch(s -> s[0] == 0)).as("the PictureID wrapped").isTrue();
        assertThat(viewer.frameStarts.stream().anyMatch(s -> s[1] == 0)).as("the TL0PICIDX wrapped").isTrue();

        // A NACK for a packet of the current run is answered with the numbers its original carried.
        viewer.assertRepairIsTheOriginal(publisher.clock.millis(), publisher.scratch);
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
        IncomingLayer incoming = track.layers()[layer];
        for (int p = 0; p < packets; p++) {
            int s = seq[layer]++ & 0xFFFF;
            Arrays.fill(buf, (byte) 0);
            RtpPacket.writeFixedHeader(buf, 0, p == packets - 1, 96, s, timestamp, incoming.ssrc());
            // X, S on a frame's first packet | I L T | M + 15-bit PictureID | TL0PICIDX | TID, Y
            buf[12] = (byte) (p == 0 ? 0x90 : 0x80);
            buf[13] = (byte) 0xE0;
            buf[14] = (byte) (0x80 | pictureId >> 8);
            buf[15] = (byte) pictureId;
            buf[16] = (byte) tl0[layer];
            buf[17] = (byte) (temporal << 6 | (temporal > 0 && frames[layer] % 4 < 3 ? 0x20 : 0));
            // The VP8 payload header: P = 0 and the start code on a keyframe.
            buf[18] = (byte) (keyframe && p == 0 ? 0x10 : 0x11);
            buf[19] = 0x02;
            buf[20] = 0x00;
            buf[21] = (byte) 0x9d;
            buf[22] = 0x01;
            buf[23] = 0x2a;
            packet.wrap(buf, 0, length);
            publication.onRtp(packet, now, publisher.scratch);
        }
    }
}
