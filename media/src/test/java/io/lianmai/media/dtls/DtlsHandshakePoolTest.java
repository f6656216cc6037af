package io.lianmai.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handshakes on a small server pool, as the media server runs them (`media.dtlsThreads`, 2 on a 2-core machine): a
 * server session takes a thread only once its ClientHello is there, and its timeout counts from when it got one.
 */
@Timeout(60)
class DtlsHandshakePoolTest {
    private final ExecutorService serverPool = Executors.newSingleThreadExecutor();
    private final ExecutorService clientPool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() throws InterruptedException {
        serverPool.shutdownNow();
        clientPool.shutdownNow();
        assertThat(serverPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(clientPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private DtlsPair pair(DtlsConfig serverConfig) {
        return new DtlsPair(
                new DtlsContext(DtlsCertificate.generate(DtlsPair.CLOCK, DtlsPair.RANDOM), serverConfig, serverPool,
                        DtlsPair.CLOCK, DtlsPair.RANDOM),
                new DtlsContext(DtlsCertificate.generate(DtlsPair.CLOCK, DtlsPair.RANDOM), DtlsConfig.DEFAULT,
                        clientPool, DtlsPair.CLOCK, DtlsPair.RANDOM),
                null, null, null);
    }

    @Test
    void aServerStillWaitingForItsClientHelloDoesNotHoldTheOnlyThreadFromAClientWhoseHelloCame() throws Exception {
        DtlsConfig config = DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(3));
        DtlsPair silent = pair(config);
        DtlsPair talking = pair(config);
        // Both passed ICE; the first one's client has not begun its handshake (queued on its own side).
        silent.server.start();
        long started = System.nanoTime();
        talking.start();

        talking.serverEvents.awaitConnected();
        talking.clientEvents.awaitConnected();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(elapsedMillis).as("connected without waiting out the silent one's 3 s").isLessThan(2_500);

        // And the silent one still times out on its own.
        assertThat(silent.serverEvents.awaitFailed().reason()).isEqualTo(DtlsException.Reason.TIMEOUT);
        assertThat(silent.serverEvents.awaitFailed().getMessage()).contains("no ClientHello");
    }

    @Test
    void aHandshakeQueuedBehindABusyPoolGetsItsWholeTimeoutOnceItRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        serverPool.execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS); // the pool's one thread busy with other handshakes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        DtlsPair pair = pair(DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofMillis(1_000)));
        pair.start();
        Thread.sleep(1_500); // longer than the whole timeout, with the ClientHello waiting in the session's queue
        assertThat(pair.server.state()).isEqualTo(DtlsSession.State.HANDSHAKING);
        release.countDown();

        pair.serverEvents.awaitConnected();
        pair.clientEvents.awaitConnected();
    }

    @Test
    void aServerThatNeverHearsFromItsClientTimesOutWithoutEverTakingAThread() throws Exception {
        AtomicInteger tasks = new AtomicInteger();
        DtlsContext context = new DtlsContext(DtlsCertificate.generate(DtlsPair.CLOCK, DtlsPair.RANDOM),
                DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofMillis(300)), task -> {
                    tasks.incrementAndGet();
                    serverPool.execute(task);
                }, DtlsPair.CLOCK, DtlsPair.RANDOM);
        RecordingListener events = new RecordingListener();
        DtlsServerSession lonely = context.newServerSession(context.certificate().fingerprint(),
                (buf, off, len) -> { }, events);
        lonely.start();

        assertThat(events.awaitFailed().reason()).isEqualTo(DtlsException.Reason.TIMEOUT);
        assertThat(tasks.get()).as("executor tasks").isZero();
        assertThat(lonely.state()).isEqualTo(DtlsSession.State.FAILED);
        lonely.onDatagram(new byte[] {22, 1}, 0, 2);
        assertThat(tasks.get()).as("nothing starts after the failure").isZero();
    }
}
