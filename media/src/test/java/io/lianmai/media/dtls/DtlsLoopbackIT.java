package io.lianmai.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpProfile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A DTLS-SRTP handshake between a client and a server session over real UDP sockets on loopback, then SRTP in
 * both directions over the same sockets, demultiplexed by first byte as RFC 7983 says.
 */
@Timeout(60)
class DtlsLoopbackIT {

    @Test
    void handshakeAndSrtpOverLoopbackUdp() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try (DatagramSocket serverSocket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket clientSocket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DtlsContext serverContext = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, executor, DtlsPair.CLOCK);
            DtlsContext clientContext = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, executor, DtlsPair.CLOCK);
            RecordingListener serverEvents = new RecordingListener();
            RecordingListener clientEvents = new RecordingListener();
            DtlsServerSession server = serverContext.newServerSession(clientContext.certificate().fingerprint(),
                    sender(serverSocket, clientSocket), serverEvents);
            DtlsClientSession client = clientContext.newClientSession(serverContext.certificate().fingerprint(),
                    sender(clientSocket, serverSocket), clientEvents);
            SrtpReceiver serverMedia = new SrtpReceiver();
            SrtpReceiver clientMedia = new SrtpReceiver();
            Thread serverReader = reader(serverSocket, server, serverMedia);
            Thread clientReader = reader(clientSocket, client, clientMedia);

            server.start();
            client.start();
            DtlsSrtpKeyingMaterial serverKeys = serverEvents.awaitConnected();
            DtlsSrtpKeyingMaterial clientKeys = clientEvents.awaitConnected();
            assertThat(serverKeys.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);

            serverMedia.context = serverKeys.newInboundContext();
            clientMedia.context = clientKeys.newInboundContext();
            sendRtp(clientKeys.newOutboundContext(), clientSocket, serverSocket, 10);
            sendRtp(serverKeys.newOutboundContext(), serverSocket, clientSocket, 10);
            assertThat(serverMedia.awaitPackets(10)).isEqualTo(10);
            assertThat(clientMedia.awaitPackets(10)).isEqualTo(10);

            client.close();
            assertThat(serverEvents.awaitClosed()).isEqualTo(DtlsCloseReason.REMOTE_CLOSE_NOTIFY);
            serverReader.interrupt();
            clientReader.interrupt();
            serverReader.join(5_000);
            clientReader.join(5_000);
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Counts SRTP packets that unprotect to the payload sendRtp made. */
    private static final class SrtpReceiver {
        volatile SrtpContext context;
        private int good;

        synchronized void onSrtp(byte[] buf, int len) {
            SrtpContext current = context;
            if (current != null && current.unprotectRtp(buf, 0, len) == 112 && buf[12] == 12 && buf[111] == 111) {
                good++;
                notifyAll();
            }
        }

        synchronized int awaitPackets(int expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (good < expected && System.nanoTime() < deadline) {
                wait(100);
            }
            return good;
        }
    }

    private static DtlsSender sender(DatagramSocket from, DatagramSocket to) {
        return (buf, off, len) -> {
            try {
                from.send(new DatagramPacket(Arrays.copyOfRange(buf, off, off + len), len,
                        to.getLocalSocketAddress()));
            } catch (java.io.IOException e) {
                // UDP: a failed send is a lost datagram; DTLS retransmits.
            }
        };
    }

    private static Thread reader(DatagramSocket socket, DtlsSession session, SrtpReceiver media) throws Exception {
        socket.setSoTimeout(100);
        Thread thread = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!Thread.currentThread().isInterrupted() && !socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (java.io.IOException e) {
                    return;
                }
                if (DtlsSession.isDtlsRecord(buf, 0, packet.getLength())) {
                    session.onDatagram(buf, 0, packet.getLength());
                } else if ((buf[0] & 0xC0) == 0x80) {
                    media.onSrtp(buf, packet.getLength());
                }
            }
        }, "udp-reader-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void sendRtp(SrtpContext context, DatagramSocket from, DatagramSocket to, int count)
            throws Exception {
        for (int seq = 0; seq < count; seq++) {
            byte[] packet = new byte[112 + SrtpProfile.MAX_OVERHEAD];
            packet[0] = (byte) 0x80;
            packet[1] = 111;
            packet[3] = (byte) seq;
            packet[11] = 9;
            for (int i = 12; i < 112; i++) {
                packet[i] = (byte) i;
            }
            int length = context.protectRtp(packet, 0, 112);
            from.send(new DatagramPacket(packet, length, to.getLocalSocketAddress()));
        }
    }
}
