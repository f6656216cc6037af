package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.common.BigEndian;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.wire.rtcp.NtpTimestamp;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** In-process publishers and players (the bridges' way in and out of the SFU) on a real media server. */
class LocalSessionTest {
    private static final RtpCodec OPUS = RtpCodec.of(111, "opus", 48_000, 2);
    private static final RtpCodec H264 = RtpCodec.of(102, "H264", 90_000, 0).withParameters(Map.of(
            "packetization-mode", "1", "profile-level-id", "42e01f", "level-asymmetry-allowed", "1"));

    private MediaServer server;

    @BeforeEach
    void start() {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aLocalPlayerGetsTheLocalPublishersPacketsRewrittenAndStartingAtAKeyframe() throws Exception {
        LocalPublisher publisher = await(server.publishLocal("room/alice_main", List.of(OPUS, H264)));
        assertThat(server.isPublished("room/alice_main")).isTrue();
        RecordingSink sink = new RecordingSink();
        LocalPlayer player = await(server.playLocal("room/alice_main", sink));
        assertThat(sink.tracks).extracting(RtpCodec::name).containsExactly("opus", "H264");
        assertThat(server.playerCount("room/alice_main")).isEqualTo(1);

        // A delta frame before any keyframe is held back; audio flows at once.
        assertThat(publisher.send(1, rtp(0, 1000, 90_000, NAL_NON_IDR), 0, 14)).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(publisher.send(0, rtp(0, 500 + i, 960 * i, OPUS_FRAME), 0, 14)).isTrue();
        }
        assertThat(publisher.send(1, rtp(0, 1001, 93_000, NAL_IDR), 0, 14)).isTrue();
        assertThat(publisher.send(1, rtp(0, 1002, 96_000, NAL_NON_IDR), 0, 14)).isTrue();
        sink.awaitPackets(7);

        List<int[]> audio = sink.packets(0);
        List<int[]> video = sink.packets(1);
        assertThat(audio).hasSize(5);
        assertThat(video).hasSize(2);
        assertThat(video.get(0)[2]).as("first video payload is the IDR").isEqualTo(NAL_IDR);
        for (int i = 1; i < audio.size(); i++) {
            assertThat(audio.get(i)[0]).isEqualTo((audio.get(0)[0] + i) & 0xFFFF);
        }
        assertThat(audio.get(0)[1]).as("payload type as announced").isEqualTo(111);
        assertThat(video.get(0)[1]).isEqualTo(102);

        player.end();
        sink.ended.get(5, TimeUnit.SECONDS);
        assertThat(server.playerCount("room/alice_main")).isZero();
        publisher.end();
        for (int i = 0; i < 100 && server.isPublished("room/alice_main"); i++) {
            Thread.sleep(10);
        }
        assertThat(server.isPublished("room/alice_main")).isFalse();
        assertThat(publisher.isActive()).isFalse();
        assertThat(publisher.send(0, rtp(0, 600, 0, OPUS_FRAME), 0, 14)).isFalse();
    }

    @Test
    void aBurstLongerThanOneDrainArrivesWholeAndInOrder() throws Exception {
        LocalPublisher publisher = await(server.publishLocal("room/burst_main", List.of(OPUS)));
        RecordingSink sink = new RecordingSink();
        await(server.playLocal("room/burst_main", sink));
        // 400 packets queued faster than the loop drains: the drain takes 64 at a time and wakes itself for the rest.
        int sent = 0;
        for (int i = 0; i < 400; i++) {
            if (publisher.send(0, rtp(0, 7000 + i, 960L * i, OPUS_FRAME), 0, 14)) {
                sent++;
            }
        }
        assertThat(sent).as("the queue holds 512").isEqualTo(400);
        sink.awaitPackets(400);
        Thread.sleep(50);
        List<int[]> audio = sink.packets(0);
        assertThat(audio).hasSize(400);
        for (int i = 1; i < audio.size(); i++) {
            assertThat(audio.get(i)[0]).isEqualTo((audio.get(0)[0] + i) & 0xFFFF);
        }
    }

    @Test
    void aLocalPublishersSenderReportsReachPlayersInTheirOwnTimestampSpace() throws Exception {
        LocalPublisher publisher = await(server.publishLocal("room/sr_main", List.of(OPUS, H264)));
        RecordingSink sink = new RecordingSink();
        await(server.playLocal("room/sr_main", sink));
        long audioRtp = 3_000_000_000L;
        long videoRtp = 5_000L;
        long ntp = NtpTimestamp.fromUnixNanos(1_800_000_000_000_000_000L);
        // Audio and video sampled at one instant: 48 kHz and 90 kHz timestamps, one NTP time.
        assertThat(publisher.send(0, rtp(0, 10, audioRtp, OPUS_FRAME), 0, 14)).isTrue();
        assertThat(publisher.send(1, rtp(0, 20, videoRtp, NAL_IDR), 0, 14)).isTrue();
        assertThat(publisher.senderReport(0, ntp, audioRtp + 960)).isTrue();
        assertThat(publisher.senderReport(1, ntp, videoRtp + 1800)).isTrue();
        assertThat(publisher.senderReport(7, ntp, 0)).as("no such track").isFalse();
        sink.awaitPackets(2);
        for (int i = 0; i < 300 && sink.reports.size() < 2; i++) {
            Thread.sleep(10);
        }
        assertThat(sink.reports).as("one report per track within the 1 s interval").hasSize(2);

        // The player's packets were rewritten: a report keeps its distance to them, and the same NTP time.
        long audioSeen = sink.timestamps.get(0);
        long videoSeen = sink.timestamps.get(1);
        long[] audioReport = sink.reports.get(0);
        long[] videoReport = sink.reports.get(1);
        assertThat(audioReport[1]).isEqualTo(ntp);
        assertThat(videoReport[1]).isEqualTo(ntp);
        assertThat((audioReport[2] - audioSeen) & 0xFFFF_FFFFL).isEqualTo(960);
        assertThat((videoReport[2] - videoSeen) & 0xFFFF_FFFFL).isEqualTo(1800);
    }

    @Test
    void playersEndWithTheirPublisherAndGarbageIsRefused() throws Exception {
        LocalPublisher publisher = await(server.publishLocal("k", List.of(OPUS)));
        RecordingSink sink = new RecordingSink();
        await(server.playLocal("k", sink));
        assertThat(publisher.send(0, new byte[] {1, 2, 3}, 0, 3)).isFalse();
        assertThat(publisher.send(0, new byte[20], 0, 20)).as("not RTP version 2").isFalse();
        assertThat(publisher.send(5, rtp(0, 1, 0, OPUS_FRAME), 0, 14)).as("no such track").isFalse();
        assertThat(publisher.send(0, new byte[2000], 0, 2000)).isFalse();

        LocalPublisher replacement = await(server.publishLocal("k", List.of(OPUS)));
        sink.ended.get(5, TimeUnit.SECONDS);
        assertThat(publisher.isActive()).isFalse();
        assertThat(replacement.isActive()).isTrue();

        assertThatThrownBy(() -> await(server.playLocal("nobody", new RecordingSink())))
                .hasCauseInstanceOf(MediaException.class).hasMessageContaining("nobody publishes");
        assertThatThrownBy(() -> await(server.publishLocal("x", List.of(RtpCodec.of(100, "MPEG4", 90_000, 0)))))
                .hasCauseInstanceOf(MediaException.class);
    }

    @Test
    void keyframeRequestsOfPlayersReachTheLocalPublisher() throws Exception {
        LocalPublisher publisher = await(server.publishLocal("kf", List.of(H264)));
        AtomicInteger requests = new AtomicInteger();
        publisher.onKeyframeRequest(requests::incrementAndGet);
        publisher.send(0, rtp(0, 1, 0, NAL_NON_IDR), 0, 14);
        LocalPlayer player = await(server.playLocal("kf", new RecordingSink()));
        player.requestKeyframe();
        for (int i = 0; i < 200 && requests.get() == 0; i++) {
            publisher.send(0, rtp(0, 2 + i, 3000 * i, NAL_NON_IDR), 0, 14);
            Thread.sleep(10);
        }
        assertThat(requests.get()).isPositive();
    }

    @Test
    void gapsInALocalPublishersPacketsAreNackedToIt() throws Exception {
        LocalPublisher publisher = await(server.publishLocal("nack", List.of(OPUS, H264)));
        List<int[]> nacked = new CopyOnWriteArrayList<>();
        publisher.onNack((track, buf, off, len) -> {
            // track, then each FCI's PID (RFC 4585 §6.2.1), read during the call
            for (int at = off + 12; at + 4 <= off + len; at += 4) {
                nacked.add(new int[] {track, BigEndian.u16(buf, at), BigEndian.u16(buf, at + 2)});
            }
        });
        publisher.send(1, rtp(0, 100, 0, NAL_IDR), 0, 14);
        publisher.send(1, rtp(0, 101, 3000, NAL_NON_IDR), 0, 14);
        publisher.send(1, rtp(0, 104, 6000, NAL_NON_IDR), 0, 14); // 102 and 103 missing
        for (int i = 0; i < 200 && nacked.isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(nacked).as("a NACK for the video track").isNotEmpty();
        int[] first = nacked.get(0);
        assertThat(first[0]).isEqualTo(1);
        assertThat(first[1]).as("PID").isEqualTo(102);
        assertThat(first[2] & 1).as("BLP names 103 too").isEqualTo(1);
        publisher.end();
    }

    private static final int NAL_IDR = 0x65;
    private static final int NAL_NON_IDR = 0x41;
    private static final int OPUS_FRAME = 0xF8;

    /** A minimal RTP packet: 12-byte header (marker set) and a 2-byte payload starting with {@code first}. */
    private static byte[] rtp(int ssrc, int seq, long ts, int first) {
        byte[] p = new byte[14];
        p[0] = (byte) 0x80;
        p[1] = (byte) 0x80;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (ts >> 24);
        p[5] = (byte) (ts >> 16);
        p[6] = (byte) (ts >> 8);
        p[7] = (byte) ts;
        p[11] = (byte) ssrc;
        p[12] = (byte) first;
        p[13] = 0x01;
        return p;
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e;
        }
    }

    /** Records {sequence, payload type, first payload byte} per track. */
    private static final class RecordingSink implements LocalSink {
        final List<List<int[]>> byTrack = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        volatile List<RtpCodec> tracks = List.of();
        final AtomicInteger count = new AtomicInteger();
        /** {track, NTP, RTP} per sender report, the first of each track. */
        final List<long[]> reports = new CopyOnWriteArrayList<>();
        /** The RTP timestamp of each track's first packet. */
        final Map<Integer, Long> timestamps = new ConcurrentHashMap<>();

        @Override
        public void onSenderReport(int track, long ntpTimestamp, long rtpTimestamp) {
            if (reports.stream().noneMatch(r -> r[0] == track)) {
                reports.add(new long[] {track, ntpTimestamp, rtpTimestamp});
                reports.sort(Comparator.comparingLong(r -> r[0]));
            }
        }

        @Override
        public void onStart(List<RtpCodec> codecs) {
            tracks = codecs;
            for (int i = 0; i < codecs.size(); i++) {
                byTrack.add(new CopyOnWriteArrayList<>());
            }
        }

        @Override
        public void onRtp(int track, byte[] buf, int off, int len) {
            int seq = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
            byTrack.get(track).add(new int[] {seq, buf[off + 1] & 0x7F, buf[off + 12] & 0xFF});
            timestamps.putIfAbsent(track, BigEndian.u32(buf, off + 4));
            count.incrementAndGet();
        }

        @Override
        public void onEnd() {
            ended.complete(null);
        }

        List<int[]> packets(int track) {
            return byTrack.get(track);
        }

        void awaitPackets(int n) throws InterruptedException {
            for (int i = 0; i < 500 && count.get() < n; i++) {
                Thread.sleep(10);
            }
            assertThat(count.get()).isGreaterThanOrEqualTo(n);
        }
    }
}
