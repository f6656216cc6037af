package io.lianmai.bench.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.dtls.DtlsSrtpKeyingMaterial;
import io.lianmai.media.srtp.SrtpProfile;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark's handshake really connects, and says so loudly when it does not. */
@Timeout(60)
class PipedHandshakeTest {
    private final ExecutorService serverPool = Executors.newFixedThreadPool(2);
    private final ExecutorService clientPool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopPools() throws InterruptedException {
        serverPool.shutdownNow();
        clientPool.shutdownNow();
        assertThat(serverPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(clientPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void handshakesConnectWithTheServersPreferredProfile() throws Exception {
        DtlsContext server = context(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM),
                serverPool);
        DtlsContext client = context(DtlsConfig.DEFAULT.srtpProfiles(), clientPool);
        for (int i = 0; i < 3; i++) {
            PipedHandshake handshake = new PipedHandshake(server, client);
            DtlsSrtpKeyingMaterial keys = handshake.run(15_000, SrtpProfile.AES128_CM_HMAC_SHA1_80);
            assertThat(keys.localIsServer()).isTrue();
            assertThat(handshake.datagrams()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void anotherProfileThanExpectedFailsTheRun() {
        DtlsContext server = context(DtlsConfig.DEFAULT.srtpProfiles(), serverPool);
        DtlsContext client = context(DtlsConfig.DEFAULT.srtpProfiles(), clientPool);
        assertThatThrownBy(() -> new PipedHandshake(server, client).run(15_000, SrtpProfile.AES128_CM_HMAC_SHA1_80))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected SRTP_AES128_CM_HMAC_SHA1_80");
    }

    @Test
    void aFailedHandshakeFailsTheRun() {
        DtlsContext server = context(List.of(SrtpProfile.AEAD_AES_128_GCM), serverPool);
        DtlsContext client = context(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80), clientPool);
        assertThatThrownBy(() -> new PipedHandshake(server, client).run(15_000, SrtpProfile.AEAD_AES_128_GCM))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the DTLS handshake failed");
    }

    private static DtlsContext context(List<SrtpProfile> profiles, ExecutorService executor) {
        return DtlsContext.withNewCertificate(DtlsConfig.DEFAULT.withSrtpProfiles(profiles), executor,
                Clock.systemUTC());
    }
}
