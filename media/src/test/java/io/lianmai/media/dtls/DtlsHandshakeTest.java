package io.lianmai.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpProfile;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real DTLS 1.2 handshakes between our client and server sessions over an in-memory pipe. */
@Timeout(60)
class DtlsHandshakeTest {
    private static ExecutorService executor;

    @BeforeAll
    static void startExecutor() {
        executor = Executors.newFixedThreadPool(6);
    }

    @AfterAll
    static void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void handshakeCompletesWithGcmAndBothSidesDeriveMatchingSrtpKeys() throws Exception {
        DtlsPair pair = new DtlsPair(executor, DtlsConfig.DEFAULT, DtlsConfig.DEFAULT, null);
        pair.start();

        DtlsSrtpKeyingMaterial serverKeys = pair.serverEvents.awaitConnected();
        DtlsSrtpKeyingMaterial clientKeys = pair.clientEvents.awaitConnected();

        assertThat(serverKeys.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
        assertThat(clientKeys.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
        assertThat(serverKeys.localIsServer()).isTrue();
        assertThat(clientKeys.localIsServer()).isFalse();
        assertThat(serverKeys.clientWriteKey()).isEqualTo(clientKeys.clientWriteKey());
        assertThat(serverKeys.serverWriteKey()).isEqualTo(clientKeys.serverWriteKey());
        assertThat(serverKeys.clientWriteKey()).isNotEqualTo(serverKeys.serverWriteKey());
        assertThat(pair.server.state()).isEqualTo(DtlsSession.State.CONNECTED);
        assertThat(pair.client.state()).isEqualTo(DtlsSession.State.CONNECTED);

        assertSrtpFlowsBothWays(serverKeys, clientKeys);
        assertThat(pair.serverEvents.callbacks.get()).isEqualTo(1);
    }

    @Test
    void aClientOfferingOnlyAesCmGetsAesCm() throws Exception {
        DtlsConfig cmOnly = DtlsConfig.DEFAULT.withSrtpProfiles(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80));
        DtlsPair pair = new DtlsPair(executor, DtlsConfig.DEFAULT, cmOnly, null);
        pair.start();

        DtlsSrtpKeyingMaterial serverKeys = pair.serverEvents.awaitConnected();
        DtlsSrtpKeyingMaterial clientKeys = pair.clientEvents.awaitConnected();

        assertThat(serverKeys.profile()).isEqualTo(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        assertSrtpFlowsBothWays(serverKeys, clientKeys);
    }

    @Test
    void noCommonSrtpProfileFailsTheHandshakeWithThatReason() throws Exception {
        DtlsPair pair = new DtlsPair(executor,
                DtlsConfig.DEFAULT.withSrtpProfiles(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80)),
                DtlsConfig.DEFAULT.withSrtpProfiles(List.of(SrtpProfile.AEAD_AES_128_GCM)), null);
        pair.start();

        DtlsException failure = pair.serverEvents.awaitFailed();
        assertThat(failure.reason()).isEqualTo(DtlsException.Reason.NO_COMMON_SRTP_PROFILE);
        assertThat(failure.getMessage()).contains("0x0007");
        assertThat(pair.clientEvents.awaitFailed().reason()).isEqualTo(DtlsException.Reason.REMOTE_ALERT);
    }

    @Test
    void aClientCertificateNotMatchingTheSdpFingerprintFailsTheServer() throws Exception {
        DtlsContext serverContext = context(DtlsConfig.DEFAULT);
        DtlsContext clientContext = context(DtlsConfig.DEFAULT);
        DtlsFingerprint someoneElse = context(DtlsConfig.DEFAULT).certificate().fingerprint();
        DtlsPair pair = new DtlsPair(serverContext, clientContext, someoneElse, null, null);
        pair.start();

        DtlsException failure = pair.serverEvents.awaitFailed();
        assertThat(failure.reason()).isEqualTo(DtlsException.Reason.FINGERPRINT_MISMATCH);
        assertThat(failure.getMessage()).contains(clientContext.certificate().fingerprint().toSdpValue())
                .contains(someoneElse.toSdpValue());
        DtlsException clientFailure = pair.clientEvents.awaitFailed();
        assertThat(clientFailure.reason()).isEqualTo(DtlsException.Reason.REMOTE_ALERT);
        assertThat(clientFailure.getMessage()).contains("bad_certificate");
        assertThat(pair.server.keys()).isNull();
    }

    @Test
    void aServerCertificateNotMatchingTheSdpFingerprintFailsTheClient() throws Exception {
        DtlsFingerprint wrong = DtlsFingerprint.parse("sha-1 " + "AB:".repeat(19) + "AB");
        DtlsPair pair = new DtlsPair(context(DtlsConfig.DEFAULT), context(DtlsConfig.DEFAULT), null, wrong, null);
        pair.start();

        DtlsException failure = pair.clientEvents.awaitFailed();
        assertThat(failure.reason()).isEqualTo(DtlsException.Reason.FINGERPRINT_MISMATCH);
        assertThat(failure.getMessage()).contains("sha-1");
        assertThat(pair.serverEvents.awaitFailed().reason()).isEqualTo(DtlsException.Reason.REMOTE_ALERT);
    }

    @Test
    void theHandshakeTimesOutWhenThePeerNeverAnswers() throws Exception {
        DtlsContext context = context(DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofMillis(300)));
        RecordingListener events = new RecordingListener();
        DtlsServerSession lonely = context.newServerSession(context(DtlsConfig.DEFAULT).certificate().fingerprint(),
                (buf, off, len) -> { }, events);
        long started = System.nanoTime();
        lonely.start();

        DtlsException failure = events.awaitFailed();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(failure.reason()).isEqualTo(DtlsException.Reason.TIMEOUT);
        assertThat(elapsedMillis).isBetween(250L, 5_000L);
        assertThat(lonely.state()).isEqualTo(DtlsSession.State.FAILED);
    }

    @Test
    void aClientWhoseServerIsSilentTimesOutToo() throws Exception {
        DtlsContext context = context(DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofMillis(400)));
        RecordingListener events = new RecordingListener();
        int[] sent = new int[1];
        DtlsClientSession client = context.newClientSession(context(DtlsConfig.DEFAULT).certificate().fingerprint(),
                (buf, off, len) -> sent[0]++, events);
        client.start();

        assertThat(events.awaitFailed().reason()).isEqualTo(DtlsException.Reason.TIMEOUT);
        assertThat(sent[0]).as("ClientHello sent").isPositive();
    }

    @Test
    void garbageAndTruncatedRecordsDuringTheHandshakeAreShrugged() throws Exception {
        Random random = new Random(1234);
        DtlsPair.Tap tap = (fromServer, buf, off, len, to) -> {
            synchronized (random) {
                for (int i = 0; i < 3; i++) {
                    byte[] garbage = new byte[1 + random.nextInt(300)];
                    random.nextBytes(garbage);
                    if (i == 0) {
                        garbage[0] = (byte) (20 + random.nextInt(44)); // looks like DTLS by RFC 7983
                    }
                    to.onDatagram(garbage, 0, garbage.length);
                }
                byte[] truncated = Arrays.copyOfRange(buf, off, off + len);
                to.onDatagram(truncated, 0, 1 + random.nextInt(len));
                to.onDatagram(truncated, 0, Math.max(1, len - 1));
            }
            return true;
        };
        DtlsPair pair = new DtlsPair(executor, DtlsConfig.DEFAULT, DtlsConfig.DEFAULT, tap);
        pair.start();

        assertSrtpFlowsBothWays(pair.serverEvents.awaitConnected(), pair.clientEvents.awaitConnected());
    }

    @Test
    void lostFlightsAreRetransmitted() throws Exception {
        boolean[] droppedFrom = new boolean[2];
        // Drop the first datagram each way: BC's retransmission timer (1 s at first) recovers.
        DtlsPair.Tap tap = (fromServer, buf, off, len, to) -> {
            synchronized (droppedFrom) {
                int side = fromServer ? 1 : 0;
                if (!droppedFrom[side]) {
                    droppedFrom[side] = true;
                    return false;
                }
                return true;
            }
        };
        DtlsPair pair = new DtlsPair(executor, DtlsConfig.DEFAULT, DtlsConfig.DEFAULT, tap);
        pair.start();

        assertSrtpFlowsBothWays(pair.serverEvents.awaitConnected(), pair.clientEvents.awaitConnected());
        assertThat(droppedFrom).containsExactly(true, true);
    }

    @Test
    void closeNotifyEndsBothSides() throws Exception {
        DtlsPair pair = new DtlsPair(executor, DtlsConfig.DEFAULT, DtlsConfig.DEFAULT, null);
        pair.start();
        pair.serverEvents.awaitConnected();
        pair.clientEvents.awaitConnected();

        pair.client.close();

        assertThat(pair.clientEvents.awaitClosed()).isEqualTo(DtlsCloseReason.LOCAL_CLOSE);
        assertThat(pair.serverEvents.awaitClosed()).isEqualTo(DtlsCloseReason.REMOTE_CLOSE_NOTIFY);
        assertThat(pair.server.state()).isEqualTo(DtlsSession.State.CLOSED);
        pair.server.onDatagram(new byte[] {22, 1, 2}, 0, 3);
        assertThat(pair.server.datagramsDropped()).isPositive();
        pair.client.close();
        assertThat(pair.clientEvents.callbacks.get()).isEqualTo(2);
    }

    @Test
    void closingDuringTheHandshakeReportsClosed() throws Exception {
        DtlsContext context = context(DtlsConfig.DEFAULT);
        RecordingListener events = new RecordingListener();
        DtlsServerSession waiting = context.newServerSession(context(DtlsConfig.DEFAULT).certificate().fingerprint(),
                (buf, off, len) -> { }, events);
        waiting.start();
        Thread.sleep(50);

        waiting.close();

        assertThat(events.awaitFailed().reason()).isEqualTo(DtlsException.Reason.CLOSED);
    }

    @Test
    void aFullQueueDropsAndCounts() {
        DtlsContext context = context(new DtlsConfig(Duration.ofSeconds(1), 1200, 4, true,
                DtlsConfig.DEFAULT.srtpProfiles()));
        DtlsServerSession notStarted = context.newServerSession(context.certificate().fingerprint(),
                (buf, off, len) -> { }, new RecordingListener());
        for (int i = 0; i < 10; i++) {
            notStarted.onDatagram(new byte[] {22, (byte) i}, 0, 2);
        }
        assertThat(notStarted.datagramsReceived()).isEqualTo(10);
        assertThat(notStarted.datagramsDropped()).isEqualTo(6);
        notStarted.close();
        assertThat(notStarted.state()).isEqualTo(DtlsSession.State.CLOSED);
    }

    @Test
    void rfc7983DemuxRule() {
        assertThat(DtlsSession.isDtlsRecord(new byte[] {22}, 0, 1)).isTrue();
        assertThat(DtlsSession.isDtlsRecord(new byte[] {20}, 0, 1)).isTrue();
        assertThat(DtlsSession.isDtlsRecord(new byte[] {63}, 0, 1)).isTrue();
        assertThat(DtlsSession.isDtlsRecord(new byte[] {0, 1}, 0, 2)).as("STUN").isFalse();
        assertThat(DtlsSession.isDtlsRecord(new byte[] {(byte) 0x80}, 0, 1)).as("RTP").isFalse();
        assertThat(DtlsSession.isDtlsRecord(new byte[] {22}, 0, 0)).isFalse();
    }

    private static DtlsContext context(DtlsConfig config) {
        return new DtlsContext(DtlsCertificate.generate(DtlsPair.CLOCK, DtlsPair.RANDOM), config, executor,
                DtlsPair.CLOCK, DtlsPair.RANDOM);
    }

    /** The server's outbound context talks to the client's inbound one, and the other way round. */
    static void assertSrtpFlowsBothWays(DtlsSrtpKeyingMaterial serverKeys, DtlsSrtpKeyingMaterial clientKeys) {
        assertOneWay(serverKeys.newOutboundContext(), clientKeys.newInboundContext());
        assertOneWay(clientKeys.newOutboundContext(), serverKeys.newInboundContext());
        // And never with the wrong direction's key.
        byte[] packet = rtp();
        int length = serverKeys.newOutboundContext().protectRtp(packet, 0, 112);
        assertThat(serverKeys.newInboundContext().unprotectRtp(packet, 0, length)).isNegative();
    }

    private static void assertOneWay(SrtpContext sender, SrtpContext receiver) {
        byte[] packet = rtp();
        byte[] original = packet.clone();
        int length = sender.protectRtp(packet, 0, 112);
        assertThat(receiver.unprotectRtp(packet, 0, length)).isEqualTo(112);
        assertThat(Arrays.copyOf(packet, 112)).isEqualTo(Arrays.copyOf(original, 112));
    }

    private static byte[] rtp() {
        byte[] packet = new byte[112 + SrtpProfile.MAX_OVERHEAD];
        packet[0] = (byte) 0x80;
        packet[1] = 111;
        packet[3] = 7;
        packet[11] = 42;
        for (int i = 12; i < 112; i++) {
            packet[i] = (byte) i;
        }
        return packet;
    }
}
