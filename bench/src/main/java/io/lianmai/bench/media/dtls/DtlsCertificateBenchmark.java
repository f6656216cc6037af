package io.lianmai.bench.media.dtls;

import io.lianmai.media.dtls.DtlsCertificate;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link DtlsCertificate#generate}: a P-256 key pair and a self-signed SHA256withECDSA certificate, what the server
 * does once at start-up (and would do again to roll its certificate before {@link DtlsCertificate#notAfter()}).
 *
 * <p>{@code java -jar bench/target/lianmai-benchmarks.jar DtlsCertificate -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class DtlsCertificateBenchmark {
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();

    @Benchmark
    public DtlsCertificate generate() {
        return DtlsCertificate.generate(clock, random);
    }
}
