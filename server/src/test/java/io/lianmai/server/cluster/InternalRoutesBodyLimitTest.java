package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lianmai.common.SdkAppId;
import io.lianmai.room.LocalRoomRegistry;
import io.lianmai.room.RoomConfig;
import io.lianmai.server.api.RoomModeration;
import io.lianmai.server.config.LimitsConfig;
import io.lianmai.server.config.LiveConfig;
import io.lianmai.server.limits.Admission;
import io.lianmai.server.live.LiveService;
import io.lianmai.media.MediaPlane;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The node-to-node routes ({@code POST /internal/v1/moderate}, {@code POST /internal/v1/relay}) answer a body over
 * their limit with a clean 413 in their own JSON format, signed or not, with a Content-Length or chunked, even on a
 * router with no failure handler of its own (where Vert.x logged "Unhandled exception in router" at ERROR for each
 * such request and answered plain text); nothing is logged at ERROR, and the next request is served.
 */
class InternalRoutesBodyLimitTest {
    private static final byte[] SECRET = new byte[32];

    static {
        Arrays.fill(SECRET, (byte) 7);
    }

    private static final NodeRequestSigner OTHER_NODE = new NodeRequestSigner(SECRET, "node-b", Clock.systemUTC());

    private static Vertx vertx;
    private static LiveService live;
    private static int port;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeAll
    static void start() throws Exception {
        LOGS.start();
        ROOT.addAppender(LOGS);
        vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        LocalRoomRegistry rooms = new LocalRoomRegistry(RoomConfig.defaults(), clock);
        live = new LiveService(vertx, null, sdkAppId -> Optional.empty(), LiveConfig.DEFAULT, clock,
                new Admission(new LimitsConfig(100, 100, 100, 100, 2, 3, 1000, 1000, 100), clock));
        NodeRequestSigner here = new NodeRequestSigner(SECRET, "node-a", clock);
        MediaPlane media = (MediaPlane) Proxy.newProxyInstance(MediaPlane.class.getClassLoader(),
                new Class<?>[] {MediaPlane.class}, (proxy, method, args) -> {
                    if (method.getName().equals("onSessionEnded")) {
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        Router router = Router.router(vertx);
        new ModerationRelay(vertx, List::of, here, new RoomModeration(rooms, live, Duration.ofSeconds(60), clock))
                .mount(router);
        new RelayRoutes(media, here).mount(router);
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        ROOT.detachAppender(LOGS);
        live.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void bodiesOverTheLimitGetACleanJson413AndNoErrorIsLogged() throws Exception {
        Map<String, Integer> limits = Map.of(ModerationRelay.PATH, 16 * 1024, RelayRoutes.PATH,
                RelayRoutes.MAX_BODY_BYTES);
        HttpClient client = HttpClient.newHttpClient();
        for (Map.Entry<String, Integer> route : limits.entrySet()) {
            String path = route.getKey();
            for (int size : new int[] {route.getValue() + 1, route.getValue() * 4}) {
                byte[] body = ("{\"padding\":\"" + "x".repeat(size) + "\"}").getBytes(StandardCharsets.UTF_8);
                for (boolean signed : new boolean[] {true, false}) {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    if (signed) {
                        OTHER_NODE.sign("POST", path, body).forEach(request::header);
                    }
                    HttpResponse<String> response;
                    try {
                        response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    } catch (IOException closedWhileSending) {
                        continue; // the node answered and closed before the whole body was sent: refused too
                    }
                    String what = path + ", " + body.length + " bytes, " + (signed ? "signed" : "unsigned");
                    assertThat(response.statusCode()).as(what).isEqualTo(413);
                    assertThat(new JsonObject(response.body()).getString("error")).as(what)
                            .isEqualTo("the body is larger than " + route.getValue() + " bytes");
                }
            }
            assertThat(chunked(path, route.getValue() * 2)).as("%s, chunked", path)
                    .startsWith("HTTP/1.1 413").contains("the body is larger than " + route.getValue() + " bytes");
        }
        // The routes go on serving: a signed request within the limit reaches its handler.
        byte[] dismiss = new JsonObject().put("action", "DISMISS").put("sdkAppId", new SdkAppId(1_400_000_001L)
                .value()).put("roomKey", "r1").put("userIds", new io.vertx.core.json.JsonArray()).encode()
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder valid = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + ModerationRelay.PATH)).POST(HttpRequest.BodyPublishers.ofByteArray(dismiss));
        OTHER_NODE.sign("POST", ModerationRelay.PATH, dismiss).forEach(valid::header);
        HttpResponse<String> served = client.send(valid.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(served.body()).contains("\"found\":false");

        Thread.sleep(200);
        List<String> errors = LOGS.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(event -> event.getLoggerName() + ": " + event.getFormattedMessage()).toList();
        assertThat(errors).as("nothing logged at ERROR").isEmpty();
    }

    /** Sends an unsigned chunked body of {@code size} bytes on a raw socket; the start of the answer. */
    private static String chunked(String path, int size) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                    + "transfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                String chunk = Integer.toHexString(4096) + "\r\n" + "x".repeat(4096) + "\r\n";
                for (int sent = 0; sent < size; sent += 4096) {
                    out.write(chunk.getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException closedWhileSending) {
                // answered and closed before the whole body was sent: the answer is still there to read
            }
            // The head, then as many bytes as its content-length says (the connection may stay open).
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            int length = -1;
            while (length < 0 || answer.length() < answer.indexOf("\r\n\r\n") + 4 + length) {
                int next = in.read();
                if (next < 0) {
                    break;
                }
                answer.append((char) next);
                int head = answer.indexOf("\r\n\r\n");
                if (length < 0 && head >= 0) {
                    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?i)content-length: *([0-9]+)")
                            .matcher(answer.substring(0, head));
                    length = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
                }
            }
            return answer.toString();
        }
    }
}
