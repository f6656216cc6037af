package io.lianmai.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A scripted stand-in for Janus's HTTP API on a real loopback socket: sessions and handles get ids, keepalives and
 * destroys are acknowledged, and each plugin message is acked and answered by an event that the test's
 * {@code script} writes (or by nothing, or by garbage). Long polls wait up to 300 ms and return a keepalive, as
 * Janus's do after 30 s.
 */
final class FakeJanus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes the event (a JSON string, or null for none) for a plugin message; the transaction is filled in. */
    interface Script extends BiFunction<JsonNode, Integer, String> {
    }

    private final HttpServer server;
    private final AtomicLong ids = new AtomicLong(1000);
    private final Map<Long, BlockingQueue<String>> events = new ConcurrentHashMap<>();
    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final AtomicLong keepalives = new AtomicLong();
    final AtomicLong destroys = new AtomicLong();
    volatile String createReply;
    private final Script script;

    FakeJanus(Script script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/janus", this::handle);
        server.start();
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/janus");
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] path = exchange.getRequestURI().getPath().replaceAll("/+$", "").split("/");
        try {
            if (exchange.getRequestMethod().equals("GET")) {
                long session = Long.parseLong(path[2]);
                String event = events.computeIfAbsent(session, s -> new LinkedBlockingQueue<>())
                        .poll(300, TimeUnit.MILLISECONDS);
                reply(exchange, event != null ? event : "{\"janus\":\"keepalive\"}");
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String tx = request.path("transaction").asText();
            switch (request.path("janus").asText()) {
                case "create" -> reply(exchange, createReply != null ? createReply
                        : "{\"janus\":\"success\",\"transaction\":\"" + tx + "\",\"data\":{\"id\":"
                                + ids.incrementAndGet() + "}}");
                case "attach" -> reply(exchange, "{\"janus\":\"success\",\"transaction\":\"" + tx
                        + "\",\"data\":{\"id\":" + ids.incrementAndGet() + "}}");
                case "keepalive" -> {
                    keepalives.incrementAndGet();
                    reply(exchange, "{\"janus\":\"ack\",\"transaction\":\"" + tx + "\"}");
                }
                case "destroy" -> {
                    destroys.incrementAndGet();
                    reply(exchange, "{\"janus\":\"success\",\"transaction\":\"" + tx + "\"}");
                }
                case "message" -> {
                    messages.add(request);
                    String body = request.path("body").path("request").asText();
                    if (body.equals("create") || body.equals("destroy")) {
                        reply(exchange, "{\"janus\":\"success\",\"transaction\":\"" + tx + "\",\"plugindata\":"
                                + "{\"plugin\":\"janus.plugin.videoroom\",\"data\":{\"videoroom\":\"created\"}}}");
                        return;
                    }
                    long session = Long.parseLong(path[2]);
                    String event = script.apply(request, messages.size());
                    reply(exchange, "{\"janus\":\"ack\",\"transaction\":\"" + tx + "\"}");
                    if (event != null) {
                        events.computeIfAbsent(session, s -> new LinkedBlockingQueue<>())
                                .add(event.replace("$TX", tx));
                    }
                }
                default -> reply(exchange, "{\"janus\":\"error\",\"error\":{\"code\":457,\"reason\":\"?\"}}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            reply(exchange, "{\"janus\":\"error\",\"error\":{\"code\":500,\"reason\":\"" + e + "\"}}");
        }
    }

    private static void reply(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** A VideoRoom event for {@code $TX} with {@code data} and, if not null, a JSEP. */
    static String event(String data, String jsepType, String sdp) throws IOException {
        String jsep = jsepType == null ? "" : ",\"jsep\":{\"type\":\"" + jsepType + "\",\"sdp\":"
                + JSON.writeValueAsString(sdp) + "}";
        return "{\"janus\":\"event\",\"transaction\":\"$TX\",\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\","
                + "\"data\":" + data + "}" + jsep + "}";
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
