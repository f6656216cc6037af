package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.FakeClock;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.vp8.Vp8PayloadDescriptor;
import java.time.Duration;
import java.util.ArrayList;
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
    private static final int SMALL = 0;
    private static final int BIG = 1;
    /** libwebrtc's three temporal layers: TL0, TL2, TL1, TL2, TL0, … */
    private static final int[] TEMPORAL_PATTERN = {0, 2, 1, 2};

    private final FakeClock clock = new FakeClock();
    private final byte[] scratch = Buffers.packetArray();
    private final RtpPacket packet = new RtpPacket();
    private final byte[] buf = new byte[1200];
    /** Per layer: next sequence number, frames sent, PictureID and TL0PICIDX of the next frame. */
    private final int[] seq = {100, 60_000};
    private final int[] frames = new int[2];
    private final int[] picture = {32_700, 1_000};
    private final int[] tl0 = {250, 10};
    private final boolean[] keyframeAsked = {true, true};
    private PublishedTrack track;
    private Publication publication;
    private long timestamp;

    @Test
    void framesFollowOneAnotherAcrossSwitchesAPauseAndWrapsAndRepairsCarryWhatTheOriginalsDid() {
        track = new PublishedTrack("1", Codec.VP8, 96, 0, new String[] {"l", "h"}, new long[] {SMALL_SSRC, BIG_SSRC});
        publication = new Publication("app/r1/alice_main", List.of(track), new int[] {-1}, 0, 0, 0x9999,
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
        viewer.downTrack.allocate(DownTrack.PAUSED);
        run(1000);
        viewer.downTrack.allocate(SMALL);
        run(3000);
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
        byte[] original = viewer.packets.get(viewer.packets.size() - 5);
        RtpPacket sent = new RtpPacket();
        assertThat(sent.wrap(original, 0, original.length)).isTrue();
        int count = viewer.packets.size();
        assertThat(viewer.downTrack.retransmit(sent.sequenceNumber(), clock.millis(), scratch)).isTrue();
        byte[] repair = viewer.packets.get(count);
        assertThat(repair).isEqualTo(original);
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
            publication.onRtp(packet, now, scratch);
        }
    }

    /** The subscriber: every packet it gets, and [PictureID, TL0PICIDX, TID] of each frame's first packet. */
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
            if (Vp8PayloadDescriptor.isStartOfFrame(buf, at, n)) {
                frameStarts.add(new int[] {Vp8PayloadDescriptor.pictureId(buf, at, n),
                        Vp8PayloadDescriptor.tl0PicIdx(buf, at, n), Vp8PayloadDescriptor.temporalLayerId(buf, at, n)});
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
                keyframeAsked[media == SMALL_SSRC ? SMALL : BIG] = true;
            }
        }
    }
}
