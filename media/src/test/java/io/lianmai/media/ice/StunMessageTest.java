package io.lianmai.media.ice;

import static io.lianmai.media.ice.StunTestMessages.bindingRequest;
import static io.lianmai.media.ice.StunTestMessages.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StunMessageTest {

    private static StunMessage parse(byte[] message) throws StunException {
        return StunMessage.parse(message, 0, message.length);
    }

    private static void assertRejected(byte[] message, StunException.Reason reason, String messagePart) {
        assertThatThrownBy(() -> parse(message))
                .isInstanceOfSatisfying(StunException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
    }

    @Test
    void classAndMethodAreDecodedFromTheType() throws Exception {
        assertThat(parse(bindingRequest().type(0x0001).build()).messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(parse(bindingRequest().type(0x0011).build()).messageClass()).isEqualTo(StunClass.INDICATION);
        assertThat(parse(bindingRequest().type(0x0101).build()).messageClass())
                .isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(parse(bindingRequest().type(0x0111).build()).messageClass())
                .isEqualTo(StunClass.ERROR_RESPONSE);
        StunMessage allocate = parse(bindingRequest().type(0x0003).build());
        assertThat(allocate.method()).isEqualTo(0x003);
        assertThat(allocate.isBindingRequest()).isFalse();
        assertThat(parse(bindingRequest().type(0x3EEF).build()).method()).isEqualTo(0xFFF);
        for (StunClass messageClass : StunClass.values()) {
            for (int method : new int[] {0x001, 0x003, 0x0AB, 0xFFF}) {
                int type = messageClass.typeFor(method);
                assertThat(StunClass.ofType(type)).isEqualTo(messageClass);
                assertThat(StunClass.methodOfType(type)).isEqualTo(method);
            }
        }
    }

    @Test
    void isStunFollowsRfc7983() {
        byte[] request = Rfc5769VectorsTest.SAMPLE_REQUEST;
        assertThat(StunMessage.isStun(request, 0, request.length)).isTrue();
        assertThat(StunMessage.isStun(Unpooled.wrappedBuffer(request))).isTrue();
        assertThat(StunMessage.isStun(request, 0, 19)).isFalse();

        byte[] dtls = request.clone();
        dtls[0] = 22; // a DTLS handshake record
        assertThat(StunMessage.isStun(dtls, 0, dtls.length)).isFalse();
        assertThat(StunMessage.isStun(Unpooled.wrappedBuffer(dtls))).isFalse();

        byte[] noCookie = request.clone();
        noCookie[5] = 0;
        assertThat(StunMessage.isStun(noCookie, 0, noCookie.length)).isFalse();

        byte[] rtp = new byte[40];
        rtp[0] = (byte) 0x80;
        assertThat(StunMessage.isStun(rtp, 0, rtp.length)).isFalse();
    }

    @Test
    void headerProblemsAreRejectedWithTheirReason() {
        byte[] valid = bindingRequest().username("abcd:efgh").build();

        assertRejected(Arrays.copyOf(valid, 19), StunException.Reason.TRUNCATED, "20-byte header");
        assertRejected(Arrays.copyOf(valid, valid.length - 4), StunException.Reason.TRUNCATED, "only");

        byte[] topBits = valid.clone();
        topBits[0] = (byte) 0x40;
        assertRejected(topBits, StunException.Reason.NOT_STUN, "two zero bits");

        byte[] cookie = valid.clone();
        cookie[7] = 0x43;
        assertRejected(cookie, StunException.Reason.NOT_STUN, "magic cookie");

        byte[] unaligned = valid.clone();
        unaligned[3] = 13;
        assertRejected(unaligned, StunException.Reason.BAD_LENGTH, "multiple of 4");

        byte[] trailing = Arrays.copyOf(valid, valid.length + 4);
        assertRejected(trailing, StunException.Reason.BAD_LENGTH, "follow");
    }

    @Test
    void attributeProblemsAreRejectedWithTheirPosition() {
        byte[] overrun = bindingRequest().username("abcd:efgh").build();
        overrun[23] = 64; // USERNAME claims 64 bytes
        assertRejected(overrun, StunException.Reason.BAD_ATTRIBUTE, "at byte 20");

        assertRejected(bindingRequest().attribute(StunAttributeType.PRIORITY, new byte[3]).build(),
                StunException.Reason.BAD_ATTRIBUTE, "4-byte value, got 3");
        assertRejected(bindingRequest().attribute(StunAttributeType.ICE_CONTROLLING, new byte[4]).build(),
                StunException.Reason.BAD_ATTRIBUTE, "8-byte value");
        assertRejected(bindingRequest().attribute(StunAttributeType.USE_CANDIDATE, new byte[1]).build(),
                StunException.Reason.BAD_ATTRIBUTE, "0-byte value");
        assertRejected(bindingRequest().attribute(StunAttributeType.MESSAGE_INTEGRITY, new byte[32]).build(),
                StunException.Reason.BAD_ATTRIBUTE, "20-byte value");
        assertRejected(bindingRequest().attribute(StunAttributeType.FINGERPRINT, new byte[8]).build(),
                StunException.Reason.BAD_ATTRIBUTE, "4-byte value");
        assertRejected(bindingRequest().attribute(StunAttributeType.USERNAME, new byte[514]).build(),
                StunException.Reason.BAD_ATTRIBUTE, "exceeds 513");
        assertRejected(bindingRequest().attribute(StunAttributeType.XOR_MAPPED_ADDRESS, hex("0003a147e112a643"))
                .build(), StunException.Reason.BAD_ATTRIBUTE, "family");
        assertRejected(bindingRequest().attribute(StunAttributeType.XOR_MAPPED_ADDRESS, hex("0001a147e112a64300"))
                .build(), StunException.Reason.BAD_ATTRIBUTE, "8 bytes");
        assertRejected(bindingRequest().attribute(StunAttributeType.ERROR_CODE, hex("00000701")).build(),
                StunException.Reason.BAD_ATTRIBUTE, "class must be 3..6");
        assertRejected(bindingRequest().attribute(StunAttributeType.ERROR_CODE, hex("00000464")).build(),
                StunException.Reason.BAD_ATTRIBUTE, "number 0..99");
    }

    @Test
    void fingerprintMustBeLast() {
        byte[] message = bindingRequest().username("abcd:efgh").fingerprint().priority(1).build();

        assertRejected(message, StunException.Reason.BAD_ATTRIBUTE, "follows FINGERPRINT");
    }

    @Test
    void theFirstOfRepeatedAttributesCounts() throws Exception {
        StunMessage message = parse(bindingRequest().username("abcd:efgh").username("zzzz:yyyy")
                .priority(7).priority(9).iceControlling(1).iceControlling(2).build());

        assertThat(message.username()).contains("abcd:efgh");
        assertThat(message.priority()).isEqualTo(7);
        assertThat(message.iceControllingTieBreaker()).isEqualTo(1);
    }

    @Test
    void attributesAfterMessageIntegrityAreIgnored() throws Exception {
        StunMessage message = parse(bindingRequest().username("abcd:efgh").messageIntegrity("p")
                .useCandidate().priority(5).attribute(StunAttributeType.USERNAME, new byte[3]).fingerprint().build());

        assertThat(message.hasUseCandidate()).isFalse();
        assertThat(message.hasPriority()).isFalse();
        assertThat(message.username()).contains("abcd:efgh");
        assertThat(message.verifyMessageIntegrity("p".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(message.verifyFingerprint()).isTrue();
    }

    @Test
    void unknownAndOptionalAttributesAreSkipped() throws Exception {
        StunMessage message = parse(bindingRequest()
                .attribute(0xC057, hex("00010000")) // GOOG-NETWORK-INFO
                .attribute(0x7FFF, hex("0102030405"))
                .attribute(StunAttributeType.SOFTWARE, "x".getBytes(StandardCharsets.UTF_8))
                .username("abcd:efgh").build());

        assertThat(message.username()).contains("abcd:efgh");
        assertThat(StunAttributeType.isComprehensionRequired(0x7FFF)).isTrue();
        assertThat(StunAttributeType.isComprehensionRequired(0xC057)).isFalse();
    }

    @Test
    void localUfragIsThePartBeforeTheFirstColon() throws Exception {
        assertThat(parse(bindingRequest().username("srv1:cli1").build()).localUfrag()).contains("srv1");
        assertThat(parse(bindingRequest().username("a:b:c").build()).localUfrag()).contains("a");
        assertThat(parse(bindingRequest().username("nocolon").build()).localUfrag()).isEmpty();
        assertThat(parse(bindingRequest().username(":cli1").build()).localUfrag()).isEmpty();
        assertThat(parse(bindingRequest().build()).localUfrag()).isEmpty();
        assertThat(parse(bindingRequest().build()).username()).isEmpty();
    }

    @Test
    void missingAttributesReadAsAbsent() throws Exception {
        StunMessage message = parse(bindingRequest().build());

        assertThat(message.hasPriority()).isFalse();
        assertThat(message.priority()).isEqualTo(-1);
        assertThat(message.hasMessageIntegrity()).isFalse();
        assertThat(message.messageIntegrityIndex()).isEqualTo(-1);
        assertThat(message.hasFingerprint()).isFalse();
        assertThat(message.verifyFingerprint()).isFalse();
        assertThat(message.verifyMessageIntegrity(new byte[1])).isFalse();
        assertThat(message.xorMappedAddress()).isEmpty();
        assertThat(message.errorCode()).isEmpty();
        assertThat(message.toString()).contains("REQUEST", "20 bytes");
    }

    @Test
    void errorResponsesRoundTrip() throws Exception {
        StunMessage request = parse(Rfc5769VectorsTest.SAMPLE_REQUEST);
        byte[] out = new byte[StunMessageWriter.MAX_RESPONSE_LENGTH];
        MessageIntegrity integrity = MessageIntegrity.forPassword("VOkJxbRl1RmTxUk/WvJxBt");

        for (ErrorCode error : new ErrorCode[] {ErrorCode.BAD_REQUEST, ErrorCode.UNAUTHORIZED}) {
            int length = StunMessageWriter.writeBindingErrorResponse(out, 0, request, error, null);
            StunMessage response = StunMessage.parse(out, 0, length);
            assertThat(response.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
            assertThat(response.errorCode()).contains(error);
            assertThat(response.hasMessageIntegrity()).isFalse();
            assertThat(response.verifyFingerprint()).isTrue();
            assertThat(length).isEqualTo(StunMessageWriter.errorResponseLength(error, false));
        }
        int length = StunMessageWriter.writeBindingErrorResponse(out, 0, request, ErrorCode.ROLE_CONFLICT,
                integrity);
        StunMessage response = StunMessage.parse(out, 0, length);
        assertThat(response.errorCode().orElseThrow().code()).isEqualTo(487);
        assertThat(response.errorCode().orElseThrow().reasonPhrase()).isEqualTo("Role Conflict");
        assertThat(integrity.verify(response)).isTrue();
        assertThat(response.verifyFingerprint()).isTrue();
        assertThat(length).isEqualTo(StunMessageWriter.MAX_RESPONSE_LENGTH);
    }

    @Test
    void errorCodesOutsideTheRangeAreRefused() {
        assertThat(ErrorCode.of(438, "Stale Nonce").code()).isEqualTo(438);
        assertThatThrownBy(() -> ErrorCode.of(200, "OK")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("300..699");
        assertThatThrownBy(() -> ErrorCode.of(400, "x".repeat(764))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writerRefusesATooSmallBuffer() throws Exception {
        StunMessage request = parse(Rfc5769VectorsTest.SAMPLE_REQUEST);

        assertThatThrownBy(() -> StunMessageWriter.writeBindingErrorResponse(new byte[40], 0, request,
                ErrorCode.BAD_REQUEST, null)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void requestWriterProducesWhatItWasAsked() throws Exception {
        byte[] id = StunTestMessages.TRANSACTION_ID;
        ConnectivityCheck check = new ConnectivityCheck(id, "server:client", 0x6e7f1eff, IceRole.CONTROLLED,
                0x0102030405060708L, false);
        byte[] out = new byte[200];

        int length = StunMessageWriter.writeBindingRequest(out, 0, check, MessageIntegrity.forPassword("pw"));

        StunMessage request = StunMessage.parse(out, 0, length);
        assertThat(request.isBindingRequest()).isTrue();
        assertThat(request.hasTransactionId(id)).isTrue();
        assertThat(request.username()).contains("server:client");
        assertThat(request.priority()).isEqualTo(0x6e7f1eff);
        assertThat(request.hasIceControlled()).isTrue();
        assertThat(request.iceControlledTieBreaker()).isEqualTo(0x0102030405060708L);
        assertThat(request.hasUseCandidate()).isFalse();
        assertThat(request.verifyMessageIntegrity("pw".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(request.verifyFingerprint()).isTrue();
        assertThat(request.toString()).contains("USERNAME=server:client", "ICE-CONTROLLED", "FINGERPRINT");
    }

    @Test
    void connectivityCheckValidatesItsFields() {
        byte[] id = StunTestMessages.TRANSACTION_ID;
        assertThatThrownBy(() -> new ConnectivityCheck(new byte[11], "a:b", 1, IceRole.CONTROLLING, 0, true))
                .hasMessageContaining("12 bytes");
        assertThatThrownBy(() -> new ConnectivityCheck(id, "", 1, IceRole.CONTROLLING, 0, true))
                .hasMessageContaining("USERNAME");
        assertThatThrownBy(() -> new ConnectivityCheck(id, "a:b", 0, IceRole.CONTROLLING, 0, true))
                .hasMessageContaining("PRIORITY");
        ConnectivityCheck check = new ConnectivityCheck(id, "a:b", 1, IceRole.CONTROLLING, 0, true);
        check.transactionId()[0] ^= 1;
        assertThat(check.transactionId()).isEqualTo(id);
    }
}
