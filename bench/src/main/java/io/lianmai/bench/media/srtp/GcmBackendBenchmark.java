package io.lianmai.bench.media.srtp;

import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
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
 * The measurement behind the choice of AES-GCM backend for {@code SRTP_AEAD_AES_128_GCM}
 * (docs/benchmarks.md): sealing one RTP packet in place — 12-byte header as AAD, payload, 16-byte tag, a fresh
 * IV each time — with
 * <ul>
 *   <li>{@code jca}: the JDK's {@code AES/GCM/NoPadding}, which must be re-initialised per packet;</li>
 *   <li>{@code bc}: BouncyCastle's lightweight {@code GCMBlockCipher} over {@code AESEngine}, one instance reused,
 *       re-initialised per packet with {@code AEADParameters} (key null: reuse the key schedule);</li>
 *   <li>{@code lianmai}: the whole {@link SrtpContext#protectRtp} (header parse, stream look-up, index
 *       estimate included), GCM built from AES/ECB and a table GHASH.</li>
 * </ul>
 * jitsi-srtp was measured the same way outside this tree (see docs/benchmarks.md), as adding it here would put
 * Kotlin and JNA on the bench class path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class GcmBackendBenchmark {
    @Param({"160", "1200"})
    public int payload;

    private final byte[] key = new byte[16];
    private final byte[] salt = new byte[12];
    private final byte[] iv = new byte[12];
    private byte[] packet;
    private int length;
    private int seq;

    private Cipher jca;
    private SecretKeySpec jcaKey;
    private GCMModeCipher bc;
    private SrtpContext lianmai;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        Random random = new Random(7);
        random.nextBytes(key);
        random.nextBytes(salt);
        length = 12 + payload;
        packet = new byte[length + 16];
        random.nextBytes(packet);
        packet[0] = (byte) 0x80;
        jca = Cipher.getInstance("AES/GCM/NoPadding");
        jcaKey = new SecretKeySpec(key, "AES");
        bc = GCMBlockCipher.newInstance(AESEngine.newInstance());
        byte[] setupNonce = new byte[12];
        setupNonce[0] = (byte) 0xFF; // differs from every nonce nextIv() makes: BC refuses a reused nonce
        bc.init(true, new AEADParameters(new KeyParameter(key), 128, setupNonce));
        lianmai = SrtpContext.create(SrtpMasterKey.of(SrtpProfile.AEAD_AES_128_GCM, key, salt));
    }

    private void nextIv() {
        int s = seq++;
        packet[2] = (byte) (s >>> 8);
        packet[3] = (byte) s;
        iv[8] = (byte) (s >>> 24);
        iv[9] = (byte) (s >>> 16);
        iv[10] = (byte) (s >>> 8);
        iv[11] = (byte) s;
    }

    @Benchmark
    public int jca() throws GeneralSecurityException {
        nextIv();
        jca.init(Cipher.ENCRYPT_MODE, jcaKey, new GCMParameterSpec(128, iv));
        jca.updateAAD(packet, 0, 12);
        return jca.doFinal(packet, 12, payload, packet, 12);
    }

    @Benchmark
    public int bc() throws InvalidCipherTextException {
        nextIv();
        bc.init(true, new AEADParameters(null, 128, iv));
        bc.processAADBytes(packet, 0, 12);
        int n = bc.processBytes(packet, 12, payload, packet, 12);
        return n + bc.doFinal(packet, 12 + n);
    }

    @Benchmark
    public int lianmai() {
        nextIv();
        return lianmai.protectRtp(packet, 0, length);
    }
}
