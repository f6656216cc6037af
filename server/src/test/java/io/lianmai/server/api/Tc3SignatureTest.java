package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.common.Sign;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** TC3-HMAC-SHA256 computed here against the same steps done with the primitives of Tencent's own Java SDK. */
class Tc3SignatureTest {
    private static final String KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    private static final String BODY = "{\"SdkAppId\":1400000000,\"RoomId\":1234}";

    @Test
    void matchesTheSdksComputation() throws Exception {
        String contentType = "application/json; charset=utf-8";
        String host = "127.0.0.1:8800";
        String canonical = "POST\n/\n\ncontent-type:" + contentType + "\nhost:" + host + "\n\ncontent-type;host\n"
                + Sign.sha256Hex(BODY.getBytes(StandardCharsets.UTF_8));
        String toSign = "TC3-HMAC-SHA256\n1700000000\n2023-11-14/127/tc3_request\n" + Sign.sha256Hex(canonical);
        byte[] secretDate = Sign.hmac256(("TC3" + KEY).getBytes(StandardCharsets.UTF_8), "2023-11-14");
        byte[] secretService = Sign.hmac256(secretDate, "127");
        byte[] secretSigning = Sign.hmac256(secretService, "tc3_request");
        String expected = HexFormat.of().formatHex(Sign.hmac256(secretSigning, toSign));

        String ours = Tc3Signature.canonicalRequest(List.of("content-type", "host"), List.of(contentType, host),
                BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(ours).isEqualTo(canonical);
        String ourToSign = Tc3Signature.stringToSign(1700000000L, "2023-11-14", "127", ours);
        assertThat(ourToSign).isEqualTo(toSign);
        assertThat(Tc3Signature.signature(KEY, "2023-11-14", "127", ourToSign)).isEqualTo(expected);
        assertThat(Tc3Signature.matches(expected, expected)).isTrue();
        assertThat(Tc3Signature.matches(expected, expected.replace(expected.charAt(0), 'x'))).isFalse();
    }

    /**
     * {@code tencentcloud-sdk-nodejs} 4.1.313 signs {@code host:} with its URL's host name alone while its
     * {@code Host} header has the port. The signature below is the SDK's own ({@code Sign.sign3} in
     * {@code tencentcloud/common/sign.js}, for {@code http://127.0.0.1:8800/}, this key, timestamp and body).
     */
    @Test
    void verifiesTheNodeSdksSignatureOfAHostWithAPort() {
        String nodeSdkSignature = "3aceb6553cab6f911f0be17dac2fd158d499818c2e9090a82913953823a5f966";
        List<String> names = List.of("content-type", "host");
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);

        List<String> matching = Tc3Signature.headerValueVariants(names, List.of("application/json", "127.0.0.1:8800"))
                .stream().filter(values -> {
                    String toSign = Tc3Signature.stringToSign(1700000000L, "2023-11-14", "127",
                            Tc3Signature.canonicalRequest(names, values, body));
                    return Tc3Signature.matches(Tc3Signature.signature(KEY, "2023-11-14", "127", toSign),
                            nodeSdkSignature);
                }).map(values -> values.get(1)).toList();
        assertThat(matching).containsExactly("127.0.0.1");
    }

    @Test
    void headerValueVariantsAreAsSentThenLowercaseThenWithoutTheHostsPort() {
        List<String> names = List.of("content-type", "host");
        assertThat(Tc3Signature.headerValueVariants(names, List.of("application/json", "127.0.0.1:8800")))
                .containsExactly(List.of("application/json", "127.0.0.1:8800"),
                        List.of("application/json", "127.0.0.1"));
        assertThat(Tc3Signature.headerValueVariants(names, List.of("Application/JSON", "LM.Example:443")))
                .containsExactly(List.of("Application/JSON", "LM.Example:443"), List.of("application/json",
                        "lm.example:443"), List.of("application/json", "lm.example"));
        assertThat(Tc3Signature.headerValueVariants(List.of("host", "content-type"), List.of("[::1]:8800",
                "application/json"))).containsExactly(List.of("[::1]:8800", "application/json"),
                List.of("[::1]", "application/json"));
        for (String noPort : new String[] {"127.0.0.1", "[::1]", "lm.example", "lm.example:", "::1", "h:port"}) {
            assertThat(Tc3Signature.headerValueVariants(names, List.of("application/json", noPort))).as(noPort)
                    .containsExactly(List.of("application/json", noPort));
        }
    }

    @Test
    void parsesTheSdksAuthorizationHeader() {
        String signature = "a".repeat(64);
        Tc3Authorization parsed = Tc3Authorization.parse("TC3-HMAC-SHA256 Credential=AKID" + "b".repeat(32)
                + "/2023-11-14/127/tc3_request, SignedHeaders=content-type;host, Signature=" + signature);

        assertThat(parsed).isEqualTo(new Tc3Authorization("AKID" + "b".repeat(32), "2023-11-14", "127",
                List.of("content-type", "host"), signature));
    }

    @Test
    void refusesMalformedHeadersWithInvalidAuthorization() {
        String good = "TC3-HMAC-SHA256 Credential=AKIDx/2023-11-14/trtc/tc3_request, SignedHeaders=content-type;host, "
                + "Signature=" + "0".repeat(64);
        for (String bad : new String[] {null, "", "Bearer x", good.replace("tc3_request", "tc2_request"),
                good.replace("2023-11-14", "20231114"), good.replace("content-type;host", "host"),
                good.replace("content-type;host", "content-type;host;host"), good.replace("/trtc/", "/TRTC/"),
                good.replace("Signature=0", "Signature=G"), good.replace(", Signature", ", Sig"),
                good.replace("Credential=AKIDx", "Credential=")}) {
            assertThatThrownBy(() -> Tc3Authorization.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(RestApiException.class, e ->
                            assertThat(e.code()).isEqualTo("AuthFailure.InvalidAuthorization"));
        }
    }

    @Property(tries = 500)
    void anyHeaderParsesOrIsRefusedWithInvalidAuthorization(@ForAll String header) {
        for (String text : new String[] {header, "TC3-HMAC-SHA256 " + header,
                "TC3-HMAC-SHA256 Credential=" + header + ", SignedHeaders=content-type;host, Signature=" + header}) {
            try {
                Tc3Authorization.parse(text);
            } catch (RestApiException e) {
                assertThat(e.code()).isEqualTo("AuthFailure.InvalidAuthorization");
            }
        }
    }
}
