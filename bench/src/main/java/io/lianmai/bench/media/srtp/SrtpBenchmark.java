package io.lianmai.bench.media.srtp;

import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SrtpContext} per packet: protect and unprotect of one RTP packet, per profile, for an Opus-sized
 * (160 B) and a video-sized (1200 B) payload. Run with {@code -prof gc}: B/op must stay ≈ 0.
 *
 * <p>Protect re-encrypts the same buffer with the next sequence number each time. Unprotect needs a valid
 * packet each time and in-place decryption destroys it, so it copies one of {@value #RING} pre-protected
 * packets (consecutive sequence numbers) into the work buffer first (an {@code arraycopy} of the packet, a few
 * tens of ns at 1200 B); after a pass over the ring the receiver forgets the stream so the replay window accepts
 * the same indices again — that re-creates the stream's state once per {@value #RING} operations (under
 * 0.1 B/op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SrtpBenchmark {
    static final int RING = 4096;
    private static final int SSRC = 0x1234_5678;

    @Param({"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    @Param({"160", "1200"})
    public int payload;

    private SrtpContext sender;
    private SrtpContext receiver;
    private byte[] work;
    private byte[][] ring;
    private int[] ringLengths;
    private int plainLength;
    private int seq;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        Random random = new Random(42);
        random.nextBytes(key);
        random.nextBytes(salt);
        SrtpMasterKey masterKey = SrtpMasterKey.of(profile, key, salt);
        sender = SrtpContext.create(masterKey);
        receiver = SrtpContext.create(masterKey);
        plainLength = 12 + payload;
        work = newPacket(random);

        SrtpContext ringSender = SrtpContext.create(masterKey);
        ring = new byte[RING][];
        ringLengths = new int[RING];
        for (int i = 0; i < RING; i++) {
            byte[] packet = newPacket(random);
            packet[2] = (byte) (i >>> 8);
            packet[3] = (byte) i;
            ringLengths[i] = ringSender.protectRtp(packet, 0, plainLength);
            ring[i] = packet;
        }
    }

    private byte[] newPacket(Random random) {
        byte[] packet = new byte[plainLength + SrtpProfile.MAX_OVERHEAD];
        random.nextBytes(packet);
        packet[0] = (byte) 0x80;
        packet[1] = 111;
        packet[8] = (byte) (SSRC >>> 24);
        packet[9] = (byte) (SSRC >>> 16);
        packet[10] = (byte) (SSRC >>> 8);
        packet[11] = (byte) SSRC;
        return packet;
    }

    @Benchmark
    public int protect() {
        int s = seq++;
        work[2] = (byte) (s >>> 8);
        work[3] = (byte) s;
        return sender.protectRtp(work, 0, plainLength);
    }

    @Benchmark
    public int unprotect() {
        int i = next;
        next = (i + 1) & (RING - 1);
        if (i == 0) {
            receiver.removeStream(SSRC);
        }
        byte[] packet = ring[i];
        int length = ringLengths[i];
        System.arraycopy(packet, 0, work, 0, length);
        return receiver.unprotectRtp(work, 0, length);
    }
}
