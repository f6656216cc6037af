package io.lianmai.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lianmai.media.ice.IceLiteAgent.Response;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile bytes into {@link StunMessage#parse} and {@link IceLiteAgent}: nothing but {@link StunException} comes
 * out, nothing outside the given range is read, and no mutation of a valid check is ever accepted.
 */
class StunGarbageTest {

    private static final byte[] KEY = IceLiteAgentTest.SERVER.pwd().getBytes(StandardCharsets.UTF_8);
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_760_000_000L), ZoneOffset.UTC);
    private static final IceCandidate.Transport UDP = IceCandidate.Transport.UDP;
    private static final InetSocketAddress FROM = new InetSocketAddress("192.0.2.10", 50000);
    private static final int[] KNOWN_TYPES = {
        StunAttributeType.USERNAME, StunAttributeType.MESSAGE_INTEGRITY, StunAttributeType.ERROR_CODE,
        StunAttributeType.XOR_MAPPED_ADDRESS, StunAttributeType.PRIORITY, StunAttributeType.USE_CANDIDATE,
        StunAttributeType.SOFTWARE, StunAttributeType.FINGERPRINT, StunAttributeType.ICE_CONTROLLED,
        StunAttributeType.ICE_CONTROLLING, 0x0001, 0xC057,
    };

    @Property(tries = 3000)
    void randomBytesYieldOnlyStunException(@ForAll @Size(max = 600) byte[] bytes) {
        exercise(bytes, 0, bytes.length);
    }

    @Property(tries = 3000)
    void randomAttributesBehindAValidHeaderYieldOnlyStunException(@ForAll("attributeSoup") byte[] message) {
        exercise(message, 0, message.length);
    }

    @Property(tries = 2000)
    void everyTruncationOfAValidMessageIsRejected(@ForAll("validMessages") byte[] message,
            @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        int length = cut % message.length;
        try {
            StunMessage.parse(message, 0, length);
            fail("a truncated message parsed: " + length + " of " + message.length + " bytes");
        } catch (StunException e) {
            assertThat(e.reason()).isIn(StunException.Reason.TRUNCATED, StunException.Reason.BAD_LENGTH);
        }
    }

    @Property(tries = 5000)
    void noBitFlipOfAValidCheckIsEverAccepted(@ForAll("validChecks") byte[] check,
            @ForAll @IntRange(min = 0, max = 100_000) int bit) {
        byte[] flipped = check.clone();
        int at = bit % (flipped.length * 8);
        flipped[at / 8] ^= (byte) (1 << (at % 8));

        assertNeverAccepted(flipped);
    }

    @Property(tries = 2000)
    void noRandomByteRewriteOfAValidCheckIsEverAccepted(@ForAll("validChecks") byte[] check, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int changes) {
        byte[] mutated = check.clone();
        Random random = new Random(seed);
        for (int i = 0; i < changes; i++) {
            int at = random.nextInt(mutated.length);
            mutated[at] = (byte) (mutated[at] + 1 + random.nextInt(255));
        }
        // Two rewrites of the same byte can put its value back (seed -25723 did): that is the valid check itself.
        Assume.that(!Arrays.equals(mutated, check));

        assertNeverAccepted(mutated);
    }

    @Property(tries = 2000)
    void nothingOutsideTheGivenRangeIsRead(@ForAll("anyMessage") byte[] message,
            @ForAll @Size(max = 40) byte[] before, @ForAll @Size(max = 40) byte[] after) {
        byte[] embedded = new byte[before.length + message.length + after.length];
        System.arraycopy(before, 0, embedded, 0, before.length);
        System.arraycopy(message, 0, embedded, before.length, message.length);
        System.arraycopy(after, 0, embedded, before.length + message.length, after.length);

        assertThat(summary(embedded, before.length, message.length))
                .isEqualTo(summary(message, 0, message.length));
    }

    @Property(tries = 200)
    void theUnmodifiedChecksAreAccepted(@ForAll("validChecks") byte[] check) throws StunException {
        IceLiteAgent agent = agent();

        Response response = agent.onBindingRequest(StunMessage.parse(check, 0, check.length), FROM, UDP,
                new byte[StunMessageWriter.MAX_RESPONSE_LENGTH], 0);

        assertThat(response.isSuccess()).isTrue();
    }

    private static IceLiteAgent agent() {
        IceLiteAgent agent = IceLiteAgent.create(IceLiteAgentTest.SERVER, IceLiteConfig.DEFAULT, CLOCK);
        agent.setRemoteCredentials(IceLiteAgentTest.CLIENT);
        return agent;
    }

    private static void assertNeverAccepted(byte[] message) {
        IceLiteAgent agent = agent();
        StunMessage parsed;
        try {
            parsed = StunMessage.parse(message, 0, message.length);
        } catch (StunException e) {
            return;
        }
        Response response = agent.onBindingRequest(parsed, FROM, UDP,
                new byte[StunMessageWriter.MAX_RESPONSE_LENGTH], 0);
        assertThat(response.isSuccess()).as("outcome %s", response).isFalse();
        assertThat(agent.selected()).isNull();
    }

    /** Parses and reads everything, expecting at most a StunException. */
    private static void exercise(byte[] bytes, int offset, int length) {
        summary(bytes, offset, length);
    }

    /** Everything observable about parsing the range, independent of where it sits in the array. */
    private static String summary(byte[] bytes, int offset, int length) {
        StunMessage message;
        try {
            message = StunMessage.parse(bytes, offset, length);
        } catch (StunException e) {
            return e.reason() + ": " + e.getMessage();
        }
        IceLiteAgent agent = agent();
        byte[] out = new byte[StunMessageWriter.MAX_RESPONSE_LENGTH];
        Response response = agent.onBindingRequest(message, FROM, UDP, out, 0);
        return message + " class=" + message.messageClass() + " method=" + message.method()
                + " ufrag=" + message.localUfrag() + " id=" + Arrays.toString(message.transactionId())
                + " fp=" + message.verifyFingerprint() + " mi=" + message.verifyMessageIntegrity(KEY)
                + " miAt=" + relative(message.messageIntegrityIndex(), offset)
                + " fpAt=" + relative(message.fingerprintIndex(), offset) + " agent=" + response
                + " response=" + Arrays.toString(Arrays.copyOf(out, response.length()))
                + " stun=" + StunMessage.isStun(bytes, offset, length);
    }

    private static int relative(int index, int offset) {
        return index < 0 ? index : index - offset;
    }

    @Provide
    Arbitrary<byte[]> validChecks() {
        Arbitrary<Long> priorities = Arbitraries.longs().between(1, 0xFFFF_FFFFL);
        Arbitrary<Long> tieBreakers = Arbitraries.longs();
        Arbitrary<Boolean> nominate = Arbitraries.of(true, false);
        Arbitrary<byte[]> ids = Arbitraries.bytes().array(byte[].class).ofSize(12);
        return Combinators.combine(ids, priorities, tieBreakers, nominate).as((id, priority, tieBreaker, use) -> {
            ConnectivityCheck check = new ConnectivityCheck(id, "srvUfrag:cliU", priority, IceRole.CONTROLLING,
                    tieBreaker, use);
            byte[] out = new byte[200];
            int length = StunMessageWriter.writeBindingRequest(out, 0, check,
                    MessageIntegrity.forPassword(IceLiteAgentTest.SERVER.pwd()));
            return Arrays.copyOf(out, length);
        });
    }

    @Provide
    Arbitrary<byte[]> validMessages() {
        return Arbitraries.oneOf(validChecks(), Arbitraries.of(Rfc5769VectorsTest.SAMPLE_REQUEST,
                Rfc5769VectorsTest.SAMPLE_IPV4_RESPONSE, Rfc5769VectorsTest.SAMPLE_IPV6_RESPONSE));
    }

    @Provide
    Arbitrary<byte[]> anyMessage() {
        Arbitrary<byte[]> flipped = Combinators.combine(validMessages(), Arbitraries.integers().between(0, 10_000))
                .as((message, bit) -> {
                    byte[] copy = message.clone();
                    int at = bit % (copy.length * 8);
                    copy[at / 8] ^= (byte) (1 << (at % 8));
                    return copy;
                });
        return Arbitraries.oneOf(validMessages(), flipped, attributeSoup(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    }

    /** A valid header followed by TLVs of mostly known types with lengths that are sometimes wrong. */
    @Provide
    Arbitrary<byte[]> attributeSoup() {
        Arbitrary<byte[]> attribute = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of(Arrays.stream(KNOWN_TYPES).boxed().toArray(Integer[]::new)),
                        Arbitraries.integers().between(0, 0xFFFF)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.integers().between(-4, 4)).as((type, value, lengthError) -> {
                    int padded = StunAttributeType.padded(value.length);
                    byte[] tlv = new byte[4 + padded];
                    StunMessageWriter.writeShort(tlv, 0, type);
                    StunMessageWriter.writeShort(tlv, 2, Math.max(0, value.length + lengthError));
                    System.arraycopy(value, 0, tlv, 4, value.length);
                    return tlv;
                });
        return Combinators.combine(attribute.list().ofMaxSize(8), Arbitraries.of(0x0001, 0x0101, 0x0111, 0x0011))
                .as((attributes, type) -> {
                    int body = attributes.stream().mapToInt(a -> a.length).sum();
                    byte[] message = new byte[StunMessage.HEADER_LENGTH + body];
                    StunMessageWriter.writeShort(message, 0, type);
                    StunMessageWriter.writeShort(message, 2, body);
                    StunMessageWriter.writeInt(message, 4, StunMessage.MAGIC_COOKIE);
                    int at = StunMessage.HEADER_LENGTH;
                    for (byte[] tlv : attributes) {
                        System.arraycopy(tlv, 0, message, at, tlv.length);
                        at += tlv.length;
                    }
                    return message;
                });
    }
}
