package io.lianmai.bench.load;

import io.lianmai.common.SdkAppId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A well-behaved {@code /ws} client (it reads everything the server sends): requests by id with their responses, as
 * text; enough for the attacks that need a member who enters a room and chats.
 */
final class WsMember implements WebSocket.Listener, AutoCloseable {
    private static final Pattern RESPONSE_ID = Pattern.compile("\"type\"\\s*:\\s*\"response\".*?\"id\"\\s*:\\s*(\\d+)"
            + "|\"id\"\\s*:\\s*(\\d+).*?\"type\"\\s*:\\s*\"response\"");

    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicLong framesIn = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;

    /** Connects (10 s at most). */
    static WsMember connect(HttpClient http, URI uri) throws Exception {
        WsMember member = new WsMember();
        member.socket = http.newWebSocketBuilder().connectTimeout(java.time.Duration.ofSeconds(10))
                .buildAsync(uri, member).get(10, TimeUnit.SECONDS);
        return member;
    }

    /** Sends {@code action} with {@code data} (a JSON object) and returns the response's text. */
    CompletableFuture<String> request(String action, String data) {
        int id = ids.incrementAndGet();
        CompletableFuture<String> response = new CompletableFuture<>();
        pending.put(id, response);
        String frame = "{\"v\":1,\"type\":\"request\",\"id\":" + id + ",\"action\":\"" + action + "\",\"data\":" + data
                + "}";
        synchronized (this) {
            socket.sendText(frame, true).join();
        }
        return response;
    }

    /** The {@code enter} data of a numeric room, with an optional PrivateMapKey. */
    static String enterData(SdkAppId sdkAppId, String userId, String userSig, long roomId, String privateMapKey) {
        return "{\"sdkAppID\":" + sdkAppId.value() + ",\"userID\":\"" + userId + "\",\"userSig\":\"" + userSig
                + "\",\"roomID\":" + roomId + ",\"scene\":\"rtc\",\"role\":\"anchor\""
                + (privateMapKey == null ? "" : ",\"privateMapKey\":\"" + privateMapKey + "\"") + "}";
    }

    /** Whether a response text says ok. */
    static boolean ok(String response) {
        return response.replace(" ", "").contains("\"ok\":true");
    }

    /** The error code of a response text, or 0. */
    static int errorCode(String response) {
        Matcher m = Pattern.compile("\"code\"\\s*:\\s*(-?\\d+)").matcher(response);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    long framesIn() {
        return framesIn.get();
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            framesIn.incrementAndGet();
            Matcher m = RESPONSE_ID.matcher(text);
            if (m.find()) {
                String id = m.group(1) != null ? m.group(1) : m.group(2);
                CompletableFuture<String> f = pending.remove(Integer.parseInt(id));
                if (f != null) {
                    f.complete(text);
                }
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed " + statusCode)));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
        pending.values().forEach(f -> f.completeExceptionally(error));
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
        socket.abort();
    }
}
