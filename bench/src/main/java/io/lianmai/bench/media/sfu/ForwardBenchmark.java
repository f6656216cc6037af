package io.lianmai.bench.media.sfu;

import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.media.sfu.Buffers;
import io.lianmai.media.sfu.DownTrack;
import io.lianmai.media.sfu.ExtensionIdMap;
import io.lianmai.media.sfu.IncomingLayer;
import io.lianmai.media.sfu.PublishedTrack;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpProfile;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SFU's whole forward step for one incoming packet, as the media loop runs it: copy the datagram into the
 * receive array (as {@code MediaSockets} copies it out of Netty's buffer), SRTP-unprotect it with the
 * publisher session's context, wrap it, {@link PublishedTrack#onRtp} (NACK tracking, retransmission cache,
 * statistics, keyframe detection or audio level), and for each subscriber the {@link DownTrack}'s copy and rewrite
 * (sequence number, timestamp, SSRC, payload type, header extension ids) and SRTP-protect with that subscriber's
 * own context. The subscribers' packets are then dropped, not sent: socket cost is not measured.
 *
 * <p>One op is one incoming packet; divide by {@code subscribers} for the cost per forwarded packet. SRTP refuses a
 * replayed packet, so every packet must be new: each invocation forwards a batch of {@value #BATCH} packets that
 * the per-invocation setup has just protected (outside the measurement) with rising sequence numbers and
 * timestamps, and a batch takes long enough (0.2 ms and more) that JMH's per-invocation timing costs nothing
 * visible. The teardown fails the run if any subscriber did not get every packet: a down-track that silently drops
 * packets would otherwise look fast.
 *
 * <p>{@code java -jar bench/target/lianmai-benchmarks.jar ForwardBenchmark -f 1 -wi 3 -i 5 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForwardBenchmark {
    /** Incoming packets per invocation. */
    static final int BATCH = 256;

    /** What the publisher sends. */
    public enum Media { VIDEO, AUDIO }

    @Param({"1", "10", "50"})
    public int subscribers;

    @Param({"VIDEO", "AUDIO"})
    public Media media;

    @Param({"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    private final RtpPacket packet = new RtpPacket();
    private final byte[] receive = Buffers.packetArray();
    private final byte[] scratch = Buffers.packetArray();
    private final byte[][] datagrams = new byte[BATCH][];
    private final int[] datagramLengths = new int[BATCH];
    private final long[] arrivalMillis = new long[BATCH];

    private PublisherStream publisher;
    private SrtpContext inbound;
    private PublishedTrack track;
    private IncomingLayer layer;
    private DownTrack[] downTracks;
    private ProtectingSink[] sinks;
    private long forwarded;
    private long refused;

    @Setup(Level.Trial)
    public void setUp() {
        boolean video = media == Media.VIDEO;
        publisher = new PublisherStream(video, PublisherStream.key(profile, 1));
        inbound = SrtpContext.create(publisher.key());
        track = new PublishedTrack(publisher.mid(), publisher.codec(), publisher.payloadType(),
                publisher.audioLevelId(), new String[] {null}, new long[] {publisher.ssrc()});
        layer = track.layers()[0];
        // The subscriber negotiated other ids than the publisher (as Firefox and Chrome do), so ids are rewritten.
        ExtensionIdMap extensionIds = ExtensionIdMap.between(PublisherStream.EXTENSIONS, Map.of(
                "urn:ietf:params:rtp-hdrext:ssrc-audio-level", 1,
                "urn:ietf:params:rtp-hdrext:sdes:mid", 3,
                "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 4,
                "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", 5), Set.of());
        downTracks = new DownTrack[subscribers];
        sinks = new ProtectingSink[subscribers];
        for (int i = 0; i < subscribers; i++) {
            sinks[i] = new ProtectingSink(SrtpContext.create(PublisherStream.key(profile, 1_000 + i)));
            downTracks[i] = new DownTrack(track, 0x5000_0000L + i, video ? 98 : 109, extensionIds, sinks[i]);
            track.addDownTrack(downTracks[i]);
        }
        for (int i = 0; i < BATCH; i++) {
            datagrams[i] = Buffers.packetArray();
        }
    }

    /** The publisher's next batch, protected; not measured. The first batch starts with a keyframe. */
    @Setup(Level.Invocation)
    public void receiveNextBatch() {
        for (int i = 0; i < BATCH; i++) {
            datagramLengths[i] = publisher.writeNext(datagrams[i]);
            arrivalMillis[i] = publisher.arrivalMillis();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long forward() {
        for (int i = 0; i < BATCH; i++) {
            int length = datagramLengths[i];
            System.arraycopy(datagrams[i], 0, receive, 0, length);
            int plain = inbound.unprotectRtp(receive, 0, length);
            if (plain < 0 || !packet.wrap(receive, 0, plain)) {
                refused++;
                continue;
            }
            track.onRtp(packet, layer, arrivalMillis[i], scratch);
            forwarded++;
        }
        return forwarded;
    }

    /** Fails the run unless every packet was decrypted, forwarded to every subscriber and protected for each. */
    @TearDown(Level.Trial)
    public void checkEverySubscriberGotEveryPacket() {
        long sent = publisher.sent();
        if (refused != 0 || forwarded != sent || track.packetsReceived() != sent || forwarded < BATCH) {
            throw new IllegalStateException("the server took " + forwarded + " of the publisher's " + sent
                    + " packets (" + refused + " refused, track counted " + track.packetsReceived() + ")");
        }
        for (int i = 0; i < subscribers; i++) {
            long got = downTracks[i].packetsSent();
            if (got != forwarded || sinks[i].packets() != forwarded || sinks[i].refused() != 0) {
                throw new IllegalStateException("subscriber " + i + " got " + got + " of " + forwarded
                        + " packets; its SRTP protected " + sinks[i].packets() + " (" + sinks[i].octets()
                        + " bytes) and refused " + sinks[i].refused());
            }
        }
    }
}
