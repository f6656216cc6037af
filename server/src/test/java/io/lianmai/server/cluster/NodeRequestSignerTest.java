package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeRequestSignerTest {
    private static final byte[] SECRET = new byte[32];
    private static final byte[] BODY = "{\"offer\":\"v=0\"}".getBytes(StandardCharsets.UTF_8);
    private static final String PATH = "/internal/v1/relay";

    static {
        Arrays.fill(SECRET, (byte) 7);
    }

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T21:00:00Z"), ZoneOffset.UTC);
    private final NodeRequestSigner nodeB = new NodeRequestSigner(SECRET, "node-b", clock);
    private final NodeRequestSigner nodeA = new NodeRequestSigner(SECRET, "node-a", clock);

    private NodeRequestSigner.Verdict verify(NodeRequestSigner receiver, String method, String path,
            Map<String, String> h, byte[] body) {
        return receiver.verify(method, path, h.get(NodeRequestSigner.NODE_HEADER),
                h.get(NodeRequestSigner.TIMESTAMP_HEADER), h.get(NodeRequestSigner.SIGNATURE_HEADER), body);
    }

    @Test
    void aSignedRequestIsAcceptedWithItsNode() {
        Map<String, String> headers = nodeB.sign("POST", PATH, BODY);
        NodeRequestSigner.Verdict verdict = verify(nodeA, "POST", PATH, headers, BODY);
        assertThat(verdict.accepted()).as(verdict.reason()).isTrue();
        assertThat(verdict.node()).contains("node-b");
    }

    @Test
    void anyChangeToWhatWasSignedIsRefused() {
        Map<String, String> headers = nodeB.sign("POST", PATH, BODY);
        assertThat(verify(nodeA, "DELETE", PATH, headers, BODY).reason()).startsWith("bad signature");
        assertThat(verify(nodeA, "POST", PATH + "/x", headers, BODY).reason()).startsWith("bad signature");
        byte[] changed = BODY.clone();
        changed[3] ^= 1;
        assertThat(verify(nodeA, "POST", PATH, headers, changed).reason()).startsWith("bad signature");
        Map<String, String> otherNode = new HashMap<>(headers);
        otherNode.put(NodeRequestSigner.NODE_HEADER, "node-c");
        assertThat(verify(nodeA, "POST", PATH, otherNode, BODY).reason()).startsWith("bad signature");
        Map<String, String> otherTime = new HashMap<>(headers);
        otherTime.put(NodeRequestSigner.TIMESTAMP_HEADER, Long.toString(clock.millis() - 1));
        assertThat(verify(nodeA, "POST", PATH, otherTime, BODY).reason()).startsWith("bad signature");
    }

    @Test
    void anotherSecretIsAForgery() {
        byte[] other = SECRET.clone();
        other[31] = 8;
        Map<String, String> forged = new NodeRequestSigner(other, "node-b", clock).sign("POST", PATH, BODY);
        assertThat(verify(nodeA, "POST", PATH, forged, BODY).accepted()).isFalse();
    }

    @Test
    void staleAndFutureRequestsAreRefused() {
        Clock late = Clock.offset(clock, java.time.Duration.ofSeconds(31));
        Clock early = Clock.offset(clock, java.time.Duration.ofSeconds(-31));
        Map<String, String> headers = nodeB.sign("POST", PATH, BODY);
        assertThat(verify(new NodeRequestSigner(SECRET, "node-a", late), "POST", PATH, headers, BODY).reason())
                .startsWith("stale");
        assertThat(verify(new NodeRequestSigner(SECRET, "node-a", early), "POST", PATH, headers, BODY).reason())
                .startsWith("stale");
        Clock justInTime = Clock.offset(clock, java.time.Duration.ofSeconds(30));
        assertThat(verify(new NodeRequestSigner(SECRET, "node-a", justInTime), "POST", PATH, headers, BODY)
                .accepted()).isTrue();
    }

    @Test
    void missingAndGarbageHeadersAreRefusedWithoutThrowing() {
        assertThat(nodeA.verify("POST", PATH, null, null, null, BODY).reason()).startsWith("unsigned");
        Map<String, String> headers = nodeB.sign("POST", PATH, BODY);
        assertThat(nodeA.verify("POST", PATH, "node-b", headers.get(NodeRequestSigner.TIMESTAMP_HEADER), null, BODY)
                .reason()).startsWith("unsigned");
        assertThat(nodeA.verify("POST", PATH, "../etc", "1", "00", BODY).reason()).contains("node id");
        assertThat(nodeA.verify("POST", PATH, "node-b", "soon", "00", BODY).reason()).contains("milliseconds");
        assertThat(nodeA.verify("POST", PATH, "node-b", "-1", "00", BODY).accepted()).isFalse();
        assertThat(nodeA.verify("POST", PATH, "node-b", headers.get(NodeRequestSigner.TIMESTAMP_HEADER), "zz", BODY)
                .reason()).contains("hexadecimal");
        assertThat(nodeA.verify("POST", PATH, "node-b", headers.get(NodeRequestSigner.TIMESTAMP_HEADER), "", BODY)
                .reason()).startsWith("bad signature");
        Random random = new Random(18);
        for (int i = 0; i < 1000; i++) {
            byte[] junk = new byte[random.nextInt(80)];
            random.nextBytes(junk);
            String text = new String(junk, StandardCharsets.ISO_8859_1);
            assertThat(nodeA.verify(text, text, text, text, text, junk).accepted()).isFalse();
            assertThat(nodeA.verify("POST", PATH, "node-b", headers.get(NodeRequestSigner.TIMESTAMP_HEADER),
                    java.util.HexFormat.of().formatHex(junk), BODY).accepted()).isFalse();
        }
    }

    @Test
    void aNodeWithoutSecretNeitherSignsNorAccepts() {
        NodeRequestSigner none = new NodeRequestSigner(new byte[0], "node-a", clock);
        assertThat(none.hasSecret()).isFalse();
        assertThatThrownBy(() -> none.sign("POST", PATH, BODY)).hasMessageContaining("cluster.secret");
        Map<String, String> headers = nodeB.sign("POST", PATH, BODY);
        assertThat(verify(none, "POST", PATH, headers, BODY).reason()).contains("no cluster.secret");
    }
}
