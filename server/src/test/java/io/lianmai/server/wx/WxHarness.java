package io.lianmai.server.wx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.testkit.ExternalTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Drives {@code sdk/wx/test/wx-harness.js} in Node: mini-program pages using {@code lianmai-wx.js} with a simulated
 * {@code wx}, one "phone" per simulated WeChat client. Commands go to the script's stdin as JSON lines; answers and
 * every TRTC event come back on its stdout. Every wait has a deadline; {@link #close} ends the process.
 */
final class WxHarness implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(15);
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final OutputStream stdin;
    private final Path stderr;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();
    private volatile String fatal;

    private WxHarness(Process process, Path stderr) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, "wx-harness-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts Node on the harness with {@code page} (a mini-program page's .js, e.g. the example room page). Skips the
     * test when Node is missing (fails under CI).
     */
    static WxHarness start(Path page, Path workDir) {
        Path node = ExternalTools.require("Node.js (Debian package nodejs)", "/usr/bin/node", "/usr/local/bin/node",
                "/usr/bin/nodejs");
        Path sdk = sdkDir();
        Path stderr = workDir.resolve("wx-harness.stderr.txt");
        try {
            Process process = new ProcessBuilder(node.toString(), sdk.resolve("test/wx-harness.js").toString(),
                    sdk.resolve("lianmai-wx.js").toString(), page.toString())
                    .redirectError(stderr.toFile())
                    .start();
            WxHarness harness = new WxHarness(process, stderr);
            harness.ready.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            return harness;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the wx harness did not start", e);
        }
    }

    /** {@code sdk/wx} of this checkout (tests run in {@code server/}). */
    static Path sdkDir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sdk/wx");
            if (Files.isRegularFile(candidate.resolve("lianmai-wx.js"))) {
                return candidate;
            }
        }
        throw new AssertionError("sdk/wx/lianmai-wx.js not found above " + here);
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                JsonNode message;
                try {
                    message = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // not ours
                }
                if (message.has("ready")) {
                    ready.complete(message);
                } else if (message.has("fatal")) {
                    fatal = message.path("fatal").asText();
                } else if (message.has("event")) {
                    synchronized (events) {
                        events.add(message);
                        events.notifyAll();
                    }
                } else if (message.has("id")) {
                    CompletableFuture<JsonNode> answer = answers.remove(message.path("id").asLong());
                    if (answer != null) {
                        answer.complete(message);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            String why = "the wx harness ended" + (fatal == null ? "" : ": " + fatal);
            ready.completeExceptionally(new AssertionError(why));
            answers.values().forEach(answer -> answer.completeExceptionally(new AssertionError(why)));
        }
    }

    /** Sends one command and returns its {@code result}; a failed command fails the test with the script's error. */
    JsonNode command(String op, ObjectNode fields) {
        long id = ids.incrementAndGet();
        ObjectNode command = fields.deepCopy().put("id", id).put("op", op);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        try {
            synchronized (stdin) {
                stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
            JsonNode message = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (!message.path("ok").asBoolean()) {
                throw new AssertionError(op + " failed in the harness: " + message.path("error").asText()
                        + diagnostics());
            }
            return message.path("result");
        } catch (IOException e) {
            throw new AssertionError(op + ": cannot write to the harness" + diagnostics(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(op + ": no answer within " + DEADLINE + diagnostics(), e);
        }
    }

    /**
     * Opens the page on a new phone: {@code onLoad(query)} runs (strings, as a mini program's page options are);
     * {@code server} is the app's server address ({@code getApp().globalData.lianmaiServer}).
     */
    JsonNode open(String phone, String server, Map<String, String> query) {
        ObjectNode fields = JSON.createObjectNode().put("phone", phone).put("server", server);
        ObjectNode q = fields.putObject("query");
        query.forEach(q::put);
        return command("open", fields);
    }

    /** The page's data, the recorded wx/native calls, the socket frames each way, the sockets. */
    JsonNode state(String phone) {
        return command("state", JSON.createObjectNode().put("phone", phone));
    }

    /** Calls a page method (as a tap or an element event would); {@code result.value} and {@code result.data}. */
    JsonNode page(String phone, String method, Object... args) {
        return command("call", call(phone, method, args));
    }

    /** Calls a method of the page's TRTC instance; a Promise is awaited ({@code value} or {@code error}). */
    JsonNode trtc(String phone, String method, Object... args) {
        return command("trtc", call(phone, method, args));
    }

    /** Cuts the phone's sockets without a close frame, as a network change does. */
    void dropSocket(String phone) {
        command("dropSocket", JSON.createObjectNode().put("phone", phone));
    }

    private static ObjectNode call(String phone, String method, Object... args) {
        ObjectNode fields = JSON.createObjectNode().put("phone", phone).put("method", method);
        ArrayNode list = fields.putArray("args");
        for (Object arg : args) {
            list.add(JSON.valueToTree(arg));
        }
        return fields;
    }

    /** Waits for an event of {@code phone} named {@code name} whose data matches; returns its data. Not consumed. */
    JsonNode awaitEvent(String phone, String name, Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        synchronized (events) {
            while (true) {
                for (JsonNode event : events) {
                    if (event.path("phone").asText().equals(phone) && event.path("event").asText().equals(name)
                            && matching.test(event.path("data"))) {
                        return event.path("data");
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("phone " + phone + ": no " + name + " within " + DEADLINE + "; events: "
                            + names(phone) + diagnostics());
                }
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    JsonNode awaitEvent(String phone, String name) {
        return awaitEvent(phone, name, data -> true);
    }

    /** The data of every event {@code name} of {@code phone} so far. */
    List<JsonNode> events(String phone, String name) {
        synchronized (events) {
            return events.stream().filter(e -> e.path("phone").asText().equals(phone)
                    && e.path("event").asText().equals(name)).map(e -> e.path("data")).toList();
        }
    }

    /** The names of {@code phone}'s events so far, in order. */
    List<String> names(String phone) {
        synchronized (events) {
            return events.stream().filter(e -> e.path("phone").asText().equals(phone))
                    .map(e -> e.path("event").asText()).toList();
        }
    }

    /** The calls recorded on one target ({@code pusher}, {@code player:<streamID>}, {@code wx}), as method names. */
    static List<String> calls(JsonNode state, String target) {
        List<String> methods = new ArrayList<>();
        state.path("calls").forEach(call -> {
            if (call.path("target").asText().equals(target)) {
                methods.add(call.path("method").asText());
            }
        });
        return methods;
    }

    /** The actions of the requests the phone sent, in order. */
    static List<String> sentActions(JsonNode state) {
        List<String> actions = new ArrayList<>();
        state.path("frames").forEach(frame -> {
            if (frame.path("dir").asText().equals("out")) {
                actions.add(frame.path("frame").path("action").asText());
            }
        });
        return actions;
    }

    private String diagnostics() {
        String tail = "";
        try {
            String all = Files.readString(stderr);
            tail = all.length() > 4000 ? all.substring(all.length() - 4000) : all;
        } catch (IOException e) {
            // nothing written yet
        }
        return (fatal == null ? "" : "\nfatal: " + fatal) + "\nharness stderr (tail):\n" + tail;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                synchronized (stdin) {
                    stdin.write("{\"id\":0,\"op\":\"quit\"}\n".getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                }
            }
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
