package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.FakeClock;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A simulcast publication asks its publisher to pause the layers nobody watches and to resume them on demand, and
 * its subscribers never go without video meanwhile: a publisher that obeys (as the web SDK does) stops sending the
 * big layer when every subscriber wants the small one, sends it again as soon as one wants it back, and that
 * subscriber keeps the small layer until the big one's keyframe.
 */
class PausedLayerForwardingTest {
    private static final long SMALL_SSRC = 0x1111;
    private static final long BIG_SSRC = 0x2222;
    private static final int SMALL = 0;
    private static final int BIG = 1;

    private final FakeClock clock = new FakeClock();
    private final byte[] scratch = Buffers.packetArray();
    private final List<List<String>> told = new ArrayList<>();
    private Publisher publisher;
    /** What the publisher sends: what it was last told, all at first. */
    private List<String> sending = List.of("l", "h");

    @Test
    void theBigLayerIsPausedWhileEveryoneWatchesTheSmallOneAndResumedWhenOneWantsItBack() {
        Publisher publisher = new Publisher(new String[] {"l", "h"});
        Viewer viewer = publisher.subscribe();
        publisher.run(2000);
        assertThat(viewer.lastSsrc).as("big by default").isEqualTo(BIG_SSRC);

        viewer.downTrack.preferLowLayer(true);
        publisher.run(2000);
        assertThat(viewer.lastSsrc).as("switched to small").isEqualTo(SMALL_SSRC);
        assertThat(told).as("within the hold: nothing paused yet").isEmpty();
        publisher.run(1500);
        assertThat(told).containsExactly(List.of("l"));

        long before = viewer.packets;
        publisher.run(3000);
        assertThat(viewer.packets).as("still decoding the small layer").isGreaterThan(before + 60);
        assertThat(viewer.downTrack.wantedLayer()).isEqualTo(SMALL);

        viewer.downTrack.preferLowLayer(false);
        assertThat(viewer.downTrack.wantedLayer()).as("paused, still the big one").isEqualTo(BIG);
        publisher.run(250);
        assertThat(told).as("resumed at the next decision").containsExactly(List.of("l"), List.of("l", "h"));
        long whileResuming = viewer.packets;
        publisher.run(200);
        assertThat(viewer.packets).as("the small layer until the big one's keyframe").isGreaterThan(whileResuming);
        publisher.run(2500);
        assertThat(viewer.lastSsrc).as("back on the big layer").isEqualTo(BIG_SSRC);
        assertThat(told).hasSize(2);

        publisher.run(3500);
        assertThat(told).as("nobody wants the small layer for 3 s").containsExactly(List.of("l"), List.of("l", "h"),
                List.of("h"));
    }

    @Test
    void withoutSubscribersOnlyTheLowestRankedLayerIsKeptAndANewSubscriberGetsItAtOnce() {
        // The big layer listed first this time: the ranking goes by what each layer sends, not by position.
        Publisher publisher = new Publisher(new String[] {"h", "l"});
        publisher.run(3500);
        assertThat(told).containsExactly(List.of("l"));

        Viewer viewer = publisher.subscribe();
        publisher.run(100);
        assertThat(viewer.lastSsrc).as("a first frame from the layer still sent").isEqualTo(SMALL_SSRC);
        publisher.run(250);
        assertThat(told).containsExactly(List.of("l"), List.of("h", "l"));
        publisher.run(2500);
        assertThat(viewer.lastSsrc).isEqualTo(BIG_SSRC);
    }

    @Test
    void aLayerThePublisherHasNotSentYetIsNotPausedAndIsWantedOnceItRanksBiggest() {
        // libwebrtc turns the big layer on only once its bandwidth estimate allows, seconds after the small one.
        Publisher publisher = new Publisher(new String[] {"l", "h"});
        publisher.withheld = "h";
        Viewer viewer = publisher.subscribe();
        publisher.run(5000);
        assertThat(viewer.lastSsrc).isEqualTo(SMALL_SSRC);
        assertThat(viewer.downTrack.wantedLayer()).as("the only layer ranked").isEqualTo(SMALL);
        assertThat(told).as("the big layer, never measured, is not paused").isEmpty();

        publisher.withheld = null;
        publisher.run(1000);
        assertThat(viewer.downTrack.wantedLayer()).isEqualTo(BIG);
        publisher.run(4000);
        assertThat(viewer.lastSsrc).isEqualTo(BIG_SSRC);
        assertThat(told).as("now the small one nobody wants is").containsExactly(List.of("h"));
    }

    @Test
    void aTrackWithoutSimulcastIsNeverPaused() {
        Publisher publisher = new Publisher(new String[] {null});
        publisher.run(10_000);
        assertThat(told).isEmpty();
        assertThat(publisher.track.isLayerWanted(0)).isTrue();
    }

    /**
     * A VP8 publisher at 30 fps sending each layer it is told to: the small one 1 packet of 300 bytes a frame, the
     * big one 3 of 1000; a keyframe on a layer's first frame after it (re)starts and when asked, as libwebrtc does.
     */
    private final class Publisher {
        final PublishedTrack track;
        final Publication publication;
        final RtpPacket packet = new RtpPacket();
        final byte[] buf = new byte[1200];
        final List<Viewer> viewers = new ArrayList<>();
        final int[] seq = new int[2];
        final boolean[] wasSending = new boolean[2];
        /** Layers the server sent a PLI for since their last frame. */
        final boolean[] pliFor = new boolean[2];
        long frames;
        /** A layer the publisher does not send whatever it is told, or null. */
        String withheld;

        Publisher(String[] rids) {
            long[] ssrcs = rids.length == 1 ? new long[] {BIG_SSRC}
                    : new long[] {"l".equals(rids[0]) ? SMALL_SSRC : BIG_SSRC, "l".equals(rids[0]) ? BIG_SSRC
                            : SMALL_SSRC};
            track = new PublishedTrack("1", Codec.VP8, 96, 0, rids, ssrcs);
            publisher = this;
            publication = new Publication("app/r1/alice_main", List.of(track), new int[] {-1}, 0, 0, 0x9999,
                    new PliSink());
            publication.onLayerDemand((mid, rids1) -> {
                assertThat(mid).isEqualTo("1");
                told.add(rids1);
                sending = rids1;
            });
            if (rids.length == 1) {
                sending = Collections.singletonList(null);
            }
        }

        Viewer subscribe() {
            Viewer viewer = new Viewer();
            viewer.downTrack = new DownTrack(track, 0x5555, 98, ExtensionIdMap.between(Map.of(), Map.of(), Set.of()),
                    viewer);
            viewer.downTrack.attach(clock.millis());
            viewers.add(viewer);
            return viewer;
        }

        /** {@code millis} of frames every 33 ms and media-loop ticks every 20 ms. */
        void run(long millis) {
            long end = clock.millis() + millis;
            long nextFrame = clock.millis();
            while (clock.millis() < end) {
                clock.advance(Duration.ofMillis(1));
                long now = clock.millis();
                if (now >= nextFrame) {
                    nextFrame += 33;
                    frame(now);
                }
                if (now % 20 == 0) {
                    publication.tick(now, scratch);
                    for (Viewer viewer : viewers) {
                        viewer.downTrack.tick(now, scratch);
                    }
                }
            }
        }

        private void frame(long now) {
            long timestamp = frames++ * 3000;
            for (IncomingLayer layer : track.layers()) {
                boolean sends = sending.contains(layer.rid()) && !Objects.equals(layer.rid(), withheld);
                boolean restarted = sends && !wasSending[layer.index()];
                wasSending[layer.index()] = sends;
                if (!sends) {
                    continue;
                }
                boolean keyframe = restarted || pliFor[layer.index()] || frames % 300 == 0;
                pliFor[layer.index()] = false;
                boolean small = layer.ssrc() == SMALL_SSRC;
                int count = small ? 1 : 3;
                for (int p = 0; p < count; p++) {
                    send(layer, timestamp, p, count, keyframe, small ? 300 : 1000, now);
                }
            }
        }

        private void send(IncomingLayer layer, long timestamp, int index, int count, boolean keyframe, int length,
                long now) {
            int s = seq[layer.index()]++ & 0xFFFF;
            buf[0] = (byte) 0x80;
            buf[1] = (byte) (96 | (index == count - 1 ? 0x80 : 0));
            buf[2] = (byte) (s >> 8);
            buf[3] = (byte) s;
            buf[4] = (byte) (timestamp >> 24);
            buf[5] = (byte) (timestamp >> 16);
            buf[6] = (byte) (timestamp >> 8);
            buf[7] = (byte) timestamp;
            long ssrc = layer.ssrc();
            buf[8] = (byte) (ssrc >> 24);
            buf[9] = (byte) (ssrc >> 16);
            buf[10] = (byte) (ssrc >> 8);
            buf[11] = (byte) ssrc;
            buf[12] = (byte) (index == 0 ? 0x10 : 0x00);
            buf[13] = (byte) (keyframe && index == 0 ? 0x10 : 0x11);
            buf[14] = 0x02;
            buf[15] = 0x00;
            buf[16] = (byte) 0x9d;
            buf[17] = 0x01;
            buf[18] = 0x2a;
            packet.wrap(buf, 0, length);
            publication.onRtp(packet, now, scratch);
        }
    }

    /** A subscriber: counts what it gets and from which layer (told apart by packet size). */
    private static final class Viewer implements RtpSink {
        DownTrack downTrack;
        long packets;
        long lastSsrc = -1;

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            packets++;
            lastSsrc = len == 300 ? SMALL_SSRC : BIG_SSRC;
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    }

    /** The server's RTCP to the publisher: a PLI (RFC 4585 §6.3.1) marks its layer for a keyframe. */
    private final class PliSink implements RtpSink {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            if (len >= 12 && (buf[off + 1] & 0xFF) == 206 && (buf[off] & 0x1F) == 1) {
                long media = ((buf[off + 8] & 0xFFL) << 24) | ((buf[off + 9] & 0xFF) << 16)
                        | ((buf[off + 10] & 0xFF) << 8) | (buf[off + 11] & 0xFF);
                for (IncomingLayer layer : publisher.track.layers()) {
                    if (layer.ssrc() == media) {
                        publisher.pliFor[layer.index()] = true;
                    }
                }
            }
        }
    }
}
