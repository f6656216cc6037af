package io.lianmai.bench.media.ice;

import io.lianmai.media.ice.ConnectivityCheck;
import io.lianmai.media.ice.IceCandidate;
import io.lianmai.media.ice.IceCredentials;
import io.lianmai.media.ice.IceLiteAgent;
import io.lianmai.media.ice.IceLiteConfig;
import io.lianmai.media.ice.IceRole;
import io.lianmai.media.ice.MessageIntegrity;
import io.lianmai.media.ice.StunException;
import io.lianmai.media.ice.StunMessage;
import io.lianmai.media.ice.StunMessageWriter;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's STUN path for one consent-freshness check as Chrome sends it (USERNAME, PRIORITY, ICE-CONTROLLING,
 * USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT): parse alone, parse and verify both checksums, and the whole answer
 * through {@link IceLiteAgent} including writing the success response.
 *
 * <p>{@code java -jar bench/target/lianmai-benchmarks.jar StunParse -f 1 -wi 2 -i 3 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StunParseBenchmark {

    private final IceCredentials server = IceCredentials.of("srvUfrag", "serverPasswordOf24Chars+");
    private final InetSocketAddress from = new InetSocketAddress("192.0.2.10", 50000);
    private final byte[] response = new byte[StunMessageWriter.MAX_RESPONSE_LENGTH];
    private byte[] request;
    private MessageIntegrity integrity;
    private IceLiteAgent agent;

    @Setup
    public void setUp() {
        ConnectivityCheck check = new ConnectivityCheck(ConnectivityCheck.randomTransactionId(new SecureRandom()),
                server.ufrag() + ":cliU", IceCandidate.priority(110, 65535, 1), IceRole.CONTROLLING,
                0x1234_5678_9abc_def0L, true);
        byte[] buf = new byte[256];
        int length = StunMessageWriter.writeBindingRequest(buf, 0, check, MessageIntegrity.forPassword(server.pwd()));
        request = Arrays.copyOf(buf, length);
        integrity = MessageIntegrity.forPassword(server.pwd());
        agent = IceLiteAgent.create(server, IceLiteConfig.DEFAULT,
                Clock.fixed(Instant.ofEpochSecond(1_760_000_000L), ZoneOffset.UTC));
        agent.setRemoteCredentials(IceCredentials.of("cliU", "clientPasswordOf24Chars/"));
    }

    /** Parsing only: header and attribute walk. */
    @Benchmark
    public StunMessage parse() throws StunException {
        return StunMessage.parse(request, 0, request.length);
    }

    /** Parsing, then MESSAGE-INTEGRITY (HMAC-SHA1) and FINGERPRINT (CRC-32). */
    @Benchmark
    public boolean parseAndVerify() throws StunException {
        StunMessage message = StunMessage.parse(request, 0, request.length);
        return integrity.verify(message) & message.verifyFingerprint();
    }

    /** What the transport does per check: parse, then the agent validates, records consent and writes a response. */
    @Benchmark
    public int parseAndAnswer() throws StunException {
        StunMessage message = StunMessage.parse(request, 0, request.length);
        return agent.onBindingRequest(message, from, IceCandidate.Transport.UDP, response, 0).length();
    }
}
