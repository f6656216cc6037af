package io.lianmai.media.ice;

import static io.lianmai.media.ice.StunTestMessages.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of RFC 5769 ("Test Vectors for STUN"), byte for byte. Their padding is 0x20, not zero, on purpose:
 * a receiver must not care what padding holds.
 */
class Rfc5769VectorsTest {

    private static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    /** §2.1 Sample Request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT. */
    static final byte[] SAMPLE_REQUEST = hex("""
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff
            80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf""");

    /** §2.2 Sample IPv4 Response: SOFTWARE, XOR-MAPPED-ADDRESS 192.0.2.1:32853, MESSAGE-INTEGRITY, FINGERPRINT. */
    static final byte[] SAMPLE_IPV4_RESPONSE = hex("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96""");

    /** §2.3 Sample IPv6 Response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
    static final byte[] SAMPLE_IPV6_RESPONSE = hex("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c""");

    private static final byte[] KEY = PASSWORD.getBytes(StandardCharsets.UTF_8);

    @Test
    void sampleRequestParsesAndVerifies() throws Exception {
        StunMessage request = StunMessage.parse(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length);

        assertThat(request.isBindingRequest()).isTrue();
        assertThat(request.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(request.method()).isEqualTo(StunMessage.BINDING);
        assertThat(request.transactionId()).isEqualTo(hex("b7e7a701bc34d686fa87dfae"));
        assertThat(request.username()).contains("evtj:h6vY");
        assertThat(request.localUfrag()).contains("evtj");
        assertThat(request.priority()).isEqualTo(0x6e0001ffL);
        assertThat(request.hasIceControlled()).isTrue();
        assertThat(request.iceControlledTieBreaker()).isEqualTo(0x932ff9b151263b36L);
        assertThat(request.hasIceControlling()).isFalse();
        assertThat(request.hasUseCandidate()).isFalse();
        assertThat(request.messageIntegrityIndex()).isEqualTo(76);
        assertThat(request.fingerprintIndex()).isEqualTo(100);
        assertThat(request.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(request.verifyFingerprint()).isTrue();
        assertThat(request.verifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBT".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
    }

    @Test
    void sampleIpv4ResponseDecodesTheMappedAddress() throws Exception {
        StunMessage response = StunMessage.parse(SAMPLE_IPV4_RESPONSE, 0, SAMPLE_IPV4_RESPONSE.length);

        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.method()).isEqualTo(StunMessage.BINDING);
        assertThat(response.xorMappedAddress())
                .contains(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
        assertThat(response.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(response.verifyFingerprint()).isTrue();
    }

    @Test
    void sampleIpv6ResponseDecodesTheMappedAddress() throws Exception {
        StunMessage response = StunMessage.parse(SAMPLE_IPV6_RESPONSE, 0, SAMPLE_IPV6_RESPONSE.length);

        assertThat(response.xorMappedAddress()).contains(new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
        assertThat(response.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(response.verifyFingerprint()).isTrue();
    }

    @Test
    void vectorsParseAtAnOffsetInsideALargerBuffer() throws Exception {
        byte[] padded = new byte[SAMPLE_REQUEST.length + 37];
        Arrays.fill(padded, (byte) 0x5A);
        System.arraycopy(SAMPLE_REQUEST, 0, padded, 17, SAMPLE_REQUEST.length);

        StunMessage request = StunMessage.parse(padded, 17, SAMPLE_REQUEST.length);

        assertThat(request.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(request.verifyFingerprint()).isTrue();
        assertThat(request.messageIntegrityIndex()).isEqualTo(17 + 76);
    }

    @Test
    void ourIpv4SuccessResponseToTheSampleRequestVerifies() throws Exception {
        StunMessage request = StunMessage.parse(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length);
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        byte[] out = new byte[StunMessageWriter.MAX_RESPONSE_LENGTH];

        int length = StunMessageWriter.writeBindingSuccessResponse(out, 0, request, mapped,
                MessageIntegrity.forPassword(PASSWORD));

        assertThat(length).isEqualTo(StunMessageWriter.IPV4_SUCCESS_RESPONSE_LENGTH);
        StunMessage response = StunMessage.parse(out, 0, length);
        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.hasTransactionId(request.transactionId())).isTrue();
        assertThat(response.xorMappedAddress()).contains(mapped);
        assertThat(response.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(response.verifyFingerprint()).isTrue();
        // The XOR-MAPPED-ADDRESS bytes are the vector's.
        assertThat(Arrays.copyOfRange(out, 20, 32)).isEqualTo(hex("0020 0008 0001a147 e112a643"));
    }

    @Test
    void ourIpv6SuccessResponseCarriesTheVectorsAddressBytes() throws Exception {
        StunMessage request = StunMessage.parse(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length);
        InetSocketAddress mapped = new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        byte[] out = new byte[StunMessageWriter.MAX_RESPONSE_LENGTH + 10];

        int length = StunMessageWriter.writeBindingSuccessResponse(out, 5, request, mapped,
                MessageIntegrity.forPassword(PASSWORD));

        assertThat(length).isEqualTo(StunMessageWriter.IPV6_SUCCESS_RESPONSE_LENGTH);
        StunMessage response = StunMessage.parse(out, 5, length);
        assertThat(response.xorMappedAddress()).contains(mapped);
        assertThat(response.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(response.verifyFingerprint()).isTrue();
        assertThat(Arrays.copyOfRange(out, 25, 49))
                .isEqualTo(hex("0020 0014 0002a147 0113a9faa5d3f179bc25f4b5bed2b9d9"));
    }

    @Test
    void integrityIsComputedOverWhatTheRfcSaysNotOverWhatFollows() throws Exception {
        byte[] tampered = SAMPLE_REQUEST.clone();
        tampered[tampered.length - 1] ^= 1; // inside FINGERPRINT, after MESSAGE-INTEGRITY

        StunMessage request = StunMessage.parse(tampered, 0, tampered.length);

        assertThat(request.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(request.verifyFingerprint()).isFalse();
    }
}
