package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.media.bwe.TransportFeedbackGenerator;
import io.lianmai.media.ice.MutableClock;
import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.AudioLevelExtension;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpError;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole steady-state forward step allocates nothing: SRTP-unprotect of the publisher's packet, {@link
 * PublishedTrack#onRtp}, and per subscriber the rewrite in {@link DownTrack} and SRTP-protect in its sink, together
 * with what the media loop's tick does beside it (NACKs to the publisher, keyframe-request polls, a subscriber's
 * NACK answered from the cache with {@link DownTrack#retransmit}, within each subscriber's
 * {@link RetransmissionBudget}, and now and then a NACK storm of a thousand sequence numbers that the budget
 * mostly refuses), and transport-wide congestion control: the publisher's arrivals recorded and its transport-cc
 * feedback written, every subscriber's packets numbered by a {@link TransportSequenceStamper} and its own feedback
 * (written as its browser would) fed to its {@link SendSideBandwidthEstimator}. Measured with the JVM's per-thread
 * allocation counter; the stream has a lost packet per thousand
 * and a reordered one per hundred, so the repair paths run too.
 */
class ForwardPathAllocationTest {
    private static final int SUBSCRIBERS = 10;
    private static final int WARM_UP_PACKETS = 40_000;
    private static final int MEASURED_PACKETS = 10_000;
    /** Packets protected ahead, outside the measurement: the publisher's encryption is not the server's work. */
    private static final int BATCH = 1_000;
    /**
     * Slack for the measurement itself. One object per forwarded packet would be 16 B × 10,000 packets × 10
     * subscribers = 1.6 MB, one per incoming packet 160,000 B.
     */
    private static final long TOLERANCE_BYTES = 1_024;
    /** The subscribers' transport-wide-cc id (the publisher's is {@link Publisher#TRANSPORT_CC_ID}). */
    private static final int SUBSCRIBER_TRANSPORT_CC_ID = 5;

    static Stream<Arguments> streams() {
        return Stream.of(
                Arguments.of(Media.VIDEO, SrtpProfile.AES128_CM_HMAC_SHA1_80),
                Arguments.of(Media.VIDEO, SrtpProfile.AEAD_AES_128_GCM),
                Arguments.of(Media.AUDIO, SrtpProfile.AES128_CM_HMAC_SHA1_80),
                Arguments.of(Media.AUDIO, SrtpProfile.AEAD_AES_128_GCM));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("streams")
    void steadyStateForwardStepAllocatesNothing(Media media, SrtpProfile profile) {
        ThreadMXBean threads = allocationCounter();
        Publisher publisher = new Publisher(media, profile);
        Server server = new Server(media, profile, SUBSCRIBERS, false);

        server.deliver(publisher, WARM_UP_PACKETS, threads);
        long forwardedBefore = server.downTracks[0].packetsSent();
        long allocated = server.deliver(publisher, MEASURED_PACKETS, threads);

        assertThat(allocated).as("bytes allocated forwarding %d packets to %d subscribers", MEASURED_PACKETS,
                SUBSCRIBERS).isLessThan(TOLERANCE_BYTES);
        assertSteadyState(server, media, forwardedBefore);
    }

    /** The meter must see an allocation where there is one, or the test above proves nothing. */
    @Test
    void meterSeesOneAllocationPerForwardedPacket() {
        ThreadMXBean threads = allocationCounter();
        Publisher publisher = new Publisher(Media.AUDIO, SrtpProfile.AES128_CM_HMAC_SHA1_80);
        Server server = new Server(Media.AUDIO, SrtpProfile.AES128_CM_HMAC_SHA1_80, SUBSCRIBERS, true);

        server.deliver(publisher, WARM_UP_PACKETS, threads);
        long allocated = server.deliver(publisher, MEASURED_PACKETS, threads);

        assertThat(allocated).as("a sink keeping a 16-byte copy of every packet").isGreaterThan(
                (long) MEASURED_PACKETS * SUBSCRIBERS * 16);
    }

    private static ThreadMXBean allocationCounter() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }

    private static void assertSteadyState(Server server, Media media, long forwardedBefore) {
        int lost = (WARM_UP_PACKETS + MEASURED_PACKETS) / Publisher.LOSS_EVERY;
        long delivered = WARM_UP_PACKETS + MEASURED_PACKETS - lost;
        assertThat(server.inbound.rtpUnprotectedCount()).as("packets the server decrypted").isEqualTo(delivered);
        assertThat(server.track.packetsReceived()).isEqualTo(delivered);
        for (int i = 0; i < SUBSCRIBERS; i++) {
            DownTrack downTrack = server.downTracks[i];
            // Plain retransmissions go out on the media SSRC; RTX ones (odd subscribers) on their own stream.
            assertThat(downTrack.packetsSent()).as("forwarded to subscriber %d", i)
                    .isEqualTo(delivered + (i % 2 == 1 ? 0 : downTrack.retransmitted()));
            assertThat(server.sinks[i].refused).as("packets subscriber %d's SRTP refused", i).isZero();
        }
        assertThat(server.downTracks[0].packetsSent() - forwardedBefore).as("forwarded while measured")
                .isGreaterThanOrEqualTo(MEASURED_PACKETS - MEASURED_PACKETS / Publisher.LOSS_EVERY);
        assertThat(server.retransmissions).as("NACKs answered from the cache").isPositive();
        assertThat(server.retransmissions).isGreaterThan(server.retransmissionMisses);
        assertThat(server.nacksToPublisher).as("NACKs for the lost packets").isPositive();
        long refused = 0;
        for (RetransmissionBudget budget : server.budgets) {
            refused += budget.refused();
        }
        assertThat(refused).as("storm retransmissions the budgets refused").isPositive();
        if (media == Media.VIDEO) {
            assertThat(server.keyframeRequestsToPublisher).as("PLIs after subscribers asked").isPositive();
        }
        assertThat(server.publisherFeedback.feedbacksSent()).as("transport-cc feedback to the publisher")
                .isPositive();
        assertThat(server.publisherFeedback.packetsRecorded() + server.publisherFeedback.lateArrivals())
                .as("every packet recorded, or too late for the feedback that reported it lost").isEqualTo(delivered);
        for (int i = 0; i < SUBSCRIBERS; i++) {
            SendSideBandwidthEstimator estimator = server.estimators[i];
            // RTX packets (odd subscribers) are numbered too: transport-wide sequence numbers cover every packet.
            DownTrack downTrack = server.downTracks[i];
            assertThat(estimator.packetsStamped()).as("numbered for subscriber %d", i)
                    .isEqualTo(downTrack.packetsSent() + (i % 2 == 1 ? downTrack.retransmitted() : 0));
            assertThat(estimator.unstamped()).isZero();
            assertThat(estimator.feedbacks()).as("feedback from subscriber %d", i).isPositive();
            assertThat(estimator.malformedFeedbacks()).isZero();
            assertThat(estimator.targetBitrate()).isPositive();
        }
    }

    enum Media { AUDIO, VIDEO }

    /**
     * The server's side of one publication: the SRTP context of the publisher's session, its track and the
     * subscribers' down-tracks, driven the way the media loop drives them (MediaSockets, PacketDemultiplexer,
     * WebRtcSession#onSrtp, Publication#onRtp and #tick, Subscription's NACK handling).
     */
    private static final class Server {
        final SrtpContext inbound;
        final PublishedTrack track;
        final IncomingLayer layer;
        final DownTrack[] downTracks;
        final ProtectingSink[] sinks;
        final RtpPacket packet = new RtpPacket();
        final byte[] receive = Buffers.packetArray();
        final byte[] scratch = Buffers.packetArray();
        final int[] nacks = new int[64];
        long delivered;
        long retransmissions;
        long retransmissionMisses;
        final RetransmissionBudget[] budgets;
        long nacksToPublisher;
        long keyframeRequestsToPublisher;
        final MutableClock clock = new MutableClock(0);
        final TransportFeedbackGenerator publisherFeedback = new TransportFeedbackGenerator(0x7777);
        final TransportFeedbackGenerator.FeedbackSink toPublisher;
        final SendSideBandwidthEstimator[] estimators;
        final TransportFeedbackGenerator.FeedbackSink[] toEstimators;
        final ProtectingSink publisherRtcp;

        Server(Media media, SrtpProfile profile, int subscribers, boolean leakySinks) {
            inbound = SrtpContext.create(Publisher.key(profile));
            boolean video = media == Media.VIDEO;
            track = new PublishedTrack(video ? "1" : "0", video ? Codec.VP8 : Codec.OPUS, Publisher.payloadType(media),
                    video ? 0 : Publisher.AUDIO_LEVEL_ID, new String[] {null}, new long[] {Publisher.ssrc(media)});
            layer = track.layers()[0];
            ExtensionIdMap extensionIds = ExtensionIdMap.between(Publisher.EXTENSIONS, Map.of(
                    "urn:ietf:params:rtp-hdrext:ssrc-audio-level", 1,
                    "urn:ietf:params:rtp-hdrext:sdes:mid", 3,
                    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 4,
                    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", 5), Set.of());
            downTracks = new DownTrack[subscribers];
            sinks = new ProtectingSink[subscribers];
            budgets = new RetransmissionBudget[subscribers];
            estimators = new SendSideBandwidthEstimator[subscribers];
            toEstimators = new TransportFeedbackGenerator.FeedbackSink[subscribers];
            Random random = new Random(subscribers);
            publisherRtcp = new ProtectingSink(SrtpContext.create(randomKey(profile, random)), false, clock);
            toPublisher = publisherRtcp::sendRtcp;
            for (int i = 0; i < subscribers; i++) {
                sinks[i] = new ProtectingSink(SrtpContext.create(randomKey(profile, random)), leakySinks, clock);
                estimators[i] = new SendSideBandwidthEstimator();
                SendSideBandwidthEstimator estimator = estimators[i];
                toEstimators[i] = (buf, off, len) -> estimator.onFeedback(buf, off, len, clock.millis());
                downTracks[i] = new DownTrack(track, 0x5000_0000L + i, video ? 98 : 109, extensionIds,
                        new TransportSequenceStamper(sinks[i], estimators[i], SUBSCRIBER_TRANSPORT_CC_ID, clock));
                budgets[i] = new RetransmissionBudget(RetransmissionLimits.DEFAULT, 0);
                downTracks[i].limitRetransmissions(budgets[i]);
                if (i % 2 == 1) {
                    // Half the subscribers negotiated RTX: their retransmissions are built as RTX packets.
                    downTracks[i].retransmitWithRtx(0x6000_0000L + i, video ? 99 : 110);
                }
                track.addDownTrack(downTracks[i]);
            }
        }

        /**
         * Delivers {@code count} packets of {@code publisher} and runs the tick work beside them; returns the bytes
         * this thread allocated while doing so, not counting the publisher's own work between batches.
         */
        long deliver(Publisher publisher, int count, ThreadMXBean threads) {
            long allocated = 0;
            for (int done = 0; done < count; done += BATCH) {
                publisher.prepare(BATCH);
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < publisher.ready; i++) {
                    int at = publisher.order[i];
                    onDatagram(publisher.wire[at], publisher.wireLength[at], publisher.arrivalMillis[at]);
                }
                allocated += threads.getCurrentThreadAllocatedBytes() - before;
            }
            return allocated;
        }

        private void onDatagram(byte[] datagram, int length, long nowMillis) {
            // MediaSockets copies every datagram out of Netty's buffer into its receive array.
            System.arraycopy(datagram, 0, receive, 0, length);
            int plain = inbound.unprotectRtp(receive, 0, length);
            if (plain < 0 || !packet.wrap(receive, 0, plain)) {
                return;
            }
            int seq = packet.sequenceNumber();
            clock.set(nowMillis);
            publisherFeedback.onPacket(TransportSequenceNumberExtension.read(packet, Publisher.TRANSPORT_CC_ID),
                    nowMillis);
            track.onRtp(packet, layer, nowMillis, scratch);
            delivered++;
            tick(seq, nowMillis);
        }

        private void tick(int lastSeq, long nowMillis) {
            if (delivered % 10 == 0) {
                // A subscriber's NACK for a packet 20 back (down-tracks started at the first packet, so their
                // sequence numbers are the publisher's).
                DownTrack target = downTracks[(int) (delivered / 10 % downTracks.length)];
                if (target.retransmit((lastSeq - 20) & 0xFFFF, nowMillis, scratch)) {
                    retransmissions++;
                } else {
                    retransmissionMisses++;
                }
                nacksToPublisher += layer.pollNacks(nowMillis, nacks);
            }
            if (delivered % 500 == 0) {
                // A storm: one subscriber NACKs the last thousand packets at once; its budget refuses most.
                DownTrack stormer = downTracks[(int) (delivered / 500 % downTracks.length)];
                for (int back = 1; back <= 1_000; back++) {
                    stormer.retransmit((lastSeq - back) & 0xFFFF, nowMillis, scratch);
                }
            }
            if (delivered % 1_000 == 0) {
                downTracks[(int) (delivered / 1_000 % downTracks.length)].requestKeyframe();
            }
            if (layer.pollKeyframeRequest(nowMillis)) {
                keyframeRequestsToPublisher++;
            }
            if (delivered % 5 == 0) {
                // The 20 ms tick: transport-cc feedback to the publisher, and each subscriber's browser's feedback
                // to its estimator.
                publisherFeedback.sendDue(nowMillis, Publisher.ssrc(Media.VIDEO), scratch, toPublisher);
                for (int i = 0; i < sinks.length; i++) {
                    sinks[i].receiver.sendDue(nowMillis, 0x5000_0000L + i, scratch, toEstimators[i]);
                }
            }
        }
    }

    /**
     * A subscriber's session as far as the forward path goes: SRTP-protect in place, then drop instead of send; on
     * the way, the subscriber's browser records the packet's transport-wide sequence number for its feedback.
     */
    private static final class ProtectingSink implements RtpSink {
        private final SrtpContext outbound;
        private final boolean leaky;
        private final Clock clock;
        private final RtpPacket view = new RtpPacket();
        final TransportFeedbackGenerator receiver = new TransportFeedbackGenerator(0x9999);
        long octets;
        long refused;
        byte[] lastCopy;

        ProtectingSink(SrtpContext outbound, boolean leaky, Clock clock) {
            this.outbound = outbound;
            this.leaky = leaky;
            this.clock = clock;
        }

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            if (leaky) {
                lastCopy = Arrays.copyOfRange(buf, off, off + 16);
            }
            if (view.wrap(buf, off, len)) {
                receiver.onPacket(TransportSequenceNumberExtension.read(view, SUBSCRIBER_TRANSPORT_CC_ID),
                        clock.millis());
            }
            count(outbound.protectRtp(buf, off, len));
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            count(outbound.protectRtcp(buf, off, len));
        }

        private void count(int length) {
            if (length < 0) {
                refused++;
            } else {
                octets += length;
            }
        }
    }

    private static SrtpMasterKey randomKey(SrtpProfile profile, Random random) {
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        return SrtpMasterKey.of(profile, key, salt);
    }

    /**
     * A publisher's stream as Chrome sends it, SRTP-protected ahead of time in batches: Opus 20 ms packets of 160
     * bytes, or VP8 at 30 frames per second in 1200-byte packets, 5 per frame, a keyframe every 90 frames (the
     * first packet is one); one-byte header extensions ssrc-audio-level (audio), abs-send-time, transport-cc and
     * mid. Every {@link #LOSS_EVERY}th packet is lost and every hundredth arrives three packets late.
     */
    private static final class Publisher {
        static final int LOSS_EVERY = 1_000;
        static final int AUDIO_LEVEL_ID = 1;
        static final int ABS_SEND_TIME_ID = 2;
        static final int TRANSPORT_CC_ID = 3;
        static final int MID_ID = 4;
        static final Map<String, Integer> EXTENSIONS = Map.of(
                "urn:ietf:params:rtp-hdrext:ssrc-audio-level", AUDIO_LEVEL_ID,
                "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", ABS_SEND_TIME_ID,
                "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", TRANSPORT_CC_ID,
                "urn:ietf:params:rtp-hdrext:sdes:mid", MID_ID);
        private static final int PACKETS_PER_FRAME = 5;
        private static final int KEYFRAME_EVERY_FRAMES = 90;
        private static final byte[] VP8_KEYFRAME_HEADER = {0x10, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a,
            (byte) 0x80, 0x02, (byte) 0xe0, 0x01};
        private static final byte[] VP8_DELTA_HEADER = {0x11, 0x02, 0x00};

        final byte[][] wire = new byte[BATCH][];
        final int[] wireLength = new int[BATCH];
        final long[] arrivalMillis = new long[BATCH];
        final int[] order = new int[BATCH];
        int ready;

        private final boolean video;
        private final int length;
        private final SrtpContext outbound;
        private final RtpPacket view = new RtpPacket();
        private final byte[] template;
        private final byte[] noise = new byte[1500];
        private long sent;

        Publisher(Media media, SrtpProfile profile) {
            video = media == Media.VIDEO;
            length = video ? 1200 : 160;
            outbound = SrtpContext.create(key(profile));
            for (int i = 0; i < BATCH; i++) {
                wire[i] = Buffers.packetArray();
            }
            new Random(7).nextBytes(noise);
            template = Arrays.copyOf(noise, length);
            byte[] header = {
                (byte) 0x90, (byte) payloadType(media), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                (byte) 0xbe, (byte) 0xde, 0x00, 0x03,
                // audio level (1), abs-send-time (2), transport-cc (3), mid (4), padding
                (byte) (AUDIO_LEVEL_ID << 4), 0,
                (byte) (ABS_SEND_TIME_ID << 4 | 2), 0, 0, 0,
                (byte) (TRANSPORT_CC_ID << 4 | 1), 0, 0,
                (byte) (MID_ID << 4), (byte) (video ? '1' : '0'),
                0,
            };
            if (video) {
                // No audio level on video: its two bytes become padding.
                header[16] = 0;
                header[17] = 0;
            }
            System.arraycopy(header, 0, template, 0, header.length);
            view.wrap(template, 0, length);
            view.setSsrc(ssrc(media));
        }

        static SrtpMasterKey key(SrtpProfile profile) {
            return randomKey(profile, new Random(profile.ordinal()));
        }

        static int payloadType(Media media) {
            return media == Media.VIDEO ? 96 : 111;
        }

        static long ssrc(Media media) {
            return media == Media.VIDEO ? 0x1b2c_3d4eL : 0x2c3d_4e5fL;
        }

        /** Protects the next {@code count} packets and orders them as the network delivers them. */
        void prepare(int count) {
            ready = 0;
            for (int i = 0; i < count; i++) {
                long n = sent++;
                wireLength[i] = write(n, i);
                if (n % LOSS_EVERY != LOSS_EVERY / 2) {
                    order[ready++] = i;
                }
            }
            for (int p = 0; p + 3 < ready; p++) {
                if (order[p] % 100 == 50) {
                    int late = order[p];
                    order[p] = order[p + 1];
                    order[p + 1] = order[p + 2];
                    order[p + 2] = order[p + 3];
                    order[p + 3] = late;
                    arrivalMillis[late] = arrivalMillis[order[p + 2]];
                    p += 3;
                }
            }
        }

        private int write(long n, int index) {
            byte[] out = wire[index];
            System.arraycopy(template, 0, out, 0, length);
            view.wrap(out, 0, length);
            // Start near the wrap so that every run crosses it (and the SRTP rollover counter moves).
            view.setSequenceNumber((int) (65_000 + n));
            long arrival;
            int payload = view.payloadOffset();
            if (video) {
                long frame = n / PACKETS_PER_FRAME;
                int inFrame = (int) (n % PACKETS_PER_FRAME);
                arrival = frame * 100 / 3 + inFrame;
                view.setTimestamp(0x1000_0000L + 3000 * frame);
                view.setMarker(inFrame == PACKETS_PER_FRAME - 1);
                int pictureId = (int) (frame & 0x7FFF);
                out[payload] = (byte) (inFrame == 0 ? 0x90 : 0x80);
                out[payload + 1] = (byte) 0x80;
                out[payload + 2] = (byte) (0x80 | pictureId >>> 8);
                out[payload + 3] = (byte) pictureId;
                if (inFrame == 0) {
                    byte[] frameHeader = frame % KEYFRAME_EVERY_FRAMES == 0 ? VP8_KEYFRAME_HEADER : VP8_DELTA_HEADER;
                    System.arraycopy(frameHeader, 0, out, payload + 4, frameHeader.length);
                }
            } else {
                arrival = n * 20;
                view.setTimestamp(0x2000_0000L + 960 * n);
                AudioLevelExtension.write(view, AUDIO_LEVEL_ID, n % 50 < 25, (int) (20 + n % 30));
            }
            AbsSendTimeExtension.write(view, ABS_SEND_TIME_ID, AbsSendTimeExtension.fromNanos(arrival * 1_000_000));
            TransportSequenceNumberExtension.write(view, TRANSPORT_CC_ID, (int) n);
            arrivalMillis[index] = arrival;
            int protectedLength = outbound.protectRtp(out, 0, length);
            if (protectedLength < 0) {
                throw new IllegalStateException("publisher could not protect packet " + n + ": "
                        + SrtpError.ofCode(protectedLength));
            }
            return protectedLength;
        }
    }
}
