package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 finding 5, HTTP: a connection that sends nothing is closed after {@code http.idleTimeoutSeconds}, while
 * an HTTP-FLV player of a live stream (which sends nothing either, but receives) plays on; headers beyond
 * {@code http.maxHeaderBytes} are refused; one address holds at most {@code http.maxConnectionsPerIp} connections.
 */
class HttpListenerLimitsIT {
    @TempDir
    Path dir;

    @Test
    void aSilentConnectionIsClosedButAnFlvPlayerIsNot() throws Exception {
        Ffmpeg tools = new Ffmpeg(dir);
        try (TestServer server = TestServer.start(Map.of("http.idleTimeoutSeconds", "2",
                "signal.heartbeatIntervalMs", "1000"))) {
            // Public playback: this test is about the listener, not signed URLs.
            server.server().apps().setPublicPlayback(new SdkAppId(server.sdkAppId()), true);
            String stream = server.sdkAppId() + "_8111_anchor_main";
            Process publisher = tools.publish(LivePlaybackIT.publishUrl(server, stream, "anchor"), 30, "pub.log");
            try (Socket silent = new Socket("127.0.0.1", server.server().httpPort())) {
                LiveStreamHubs.awaitLive(server, stream);
                try (FlvReader player = FlvReader.open(server.url("/live/" + stream + ".flv"))) {
                    long start = System.nanoTime();
                    assertThat(awaitClosed(silent, 8)).as("silent connection closed").isTrue();
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(6000L);
                    // Well past the timeout (4 s after it closed the silent connection, which the player has been
                    // open as long as), the player still receives: a tag arrives then, and the stream has not ended.
                    long wellPast = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                    Await.until("a tag received well past the idle timeout", Duration.ofSeconds(30),
                            () -> player.ended
                                    || player.tags.stream().anyMatch(tag -> tag.receivedNanos() - wellPast > 0),
                            () -> player.tags.size() + " tags, ended " + player.ended);
                    assertThat(player.ended).as("the FLV player was closed").isFalse();
                }
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    @Test
    void oversizedHeadersAreRefusedAndOneAddressHoldsAtMostTheConfiguredConnections() throws Exception {
        try (TestServer server = TestServer.start(Map.of("http.maxConnectionsPerIp", "5",
                "http.maxHeaderBytes", "2048"))) {
            int port = server.server().httpPort();
            assertThat(get(port, "x-big: " + "a".repeat(4000) + "\r\n")).startsWith("HTTP/1.1 431");
            assertThat(get(port, "")).startsWith("HTTP/1.1 200");

            Thread.sleep(300);
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    held.add(new Socket("127.0.0.1", port));
                }
                Thread.sleep(300);
                String refused = get(port, "");
                assertThat(refused).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after");
                // The connections already open are served.
                held.get(0).getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(read(held.get(0), 5)).startsWith("HTTP/1.1 200");
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            // Connections that were upgraded to WebSockets free their places too when they close.
            for (int i = 0; i < 8; i++) {
                java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(java.net.URI.create("ws://127.0.0.1:" + port + "/ws"),
                                new java.net.http.WebSocket.Listener() { })
                        .orTimeout(10, TimeUnit.SECONDS).join();
                socket.abort();
                Thread.sleep(100);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String again = get(port, "");
            while (!again.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                again = get(port, "");
            }
            assertThat(again).startsWith("HTTP/1.1 200");
        }
    }

    /** GET /healthz on a new connection with {@code extraHeaders}; the response head and body as text. */
    private static String get(int port, String extraHeaders) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: x\r\n" + extraHeaders
                    + "connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return read(socket, 5);
        }
    }

    /** What arrives within {@code seconds} or until the server closes or pauses after sending something. */
    private static String read(Socket socket, int seconds) throws IOException {
        socket.setSoTimeout(200);
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                int n = socket.getInputStream().read(buffer);
                if (n < 0) {
                    break;
                }
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            } catch (SocketTimeoutException e) {
                if (text.length() > 0) {
                    break;
                }
            } catch (SocketException e) {
                break;
            }
        }
        return text.toString();
    }

    private static boolean awaitClosed(Socket socket, int seconds) throws IOException {
        socket.setSoTimeout(200);
        InputStream in = socket.getInputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // keep waiting
            } catch (SocketException e) {
                return true;
            }
        }
        return false;
    }
}
