package io.lianmai.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Debian's Firefox ESR ({@code /usr/bin/firefox-esr}, package {@code firefox-esr}), headless, with a fake camera
 * and microphone, as a fourth WebRTC stack beside libwebrtc, Chromium and aiortc. Debian ships no geckodriver, so it
 * is driven through Firefox's own remote agent over <a href="https://w3c.github.io/webdriver-bidi/">WebDriver
 * BiDi</a> (a JSON command protocol on a WebSocket): nothing is downloaded. One browser per instance, a fresh
 * profile each, deleted on {@link #close()}.
 *
 * <p>Firefox runs inside a {@link NetworkNamespace} the test made, because its ICE never offers a loopback
 * candidate: 153 ESR gathers only non-loopback addresses ({@code media.peerconnection.ice.loopback},
 * {@code …ice.force_interface = lo}, {@code …ice.default_address_only}, {@code …ice.link_local} and the socket
 * process off change nothing), so on the host it would bind the machine's own network addresses, and a CI machine
 * may have none. In the namespace its one candidate is the namespace's end of the test's veth pair, the server's
 * media listen on the host end ({@link NetworkNamespace#hostAddress()}), and the pages come from the server's
 * {@code http://127.0.0.1:port} carried into the namespace (a secure context, as {@code getUserMedia} requires).
 *
 * <p>The profile's {@code user.js} turns on the fake media devices without a permission prompt, shows host
 * candidates as addresses (not mDNS names), and turns off every background service that would reach the Internet
 * (updates, telemetry, Normandy, remote settings, Safe Browsing, captive-portal and connectivity checks, the OpenH264
 * plug-in download); what is left goes to a dead proxy on loopback, and the namespace has no way out anyway.
 * Without OpenH264 Firefox's WebRTC sends and receives VP8 (and VP9), not H.264.
 */
public final class HeadlessFirefox implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final String LISTENING = "WebDriver BiDi listening on ";
    private static final int MAX_CONSOLE_LINES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Prefs for a test browser; each line says why. */
    private static final Map<String, Object> PREFS = Map.ofEntries(
            // A fake camera (moving pattern) and microphone (tone), granted without a prompt.
            Map.entry("media.navigator.streams.fake", true),
            Map.entry("media.navigator.permission.disabled", true),
            Map.entry("media.autoplay.default", 0),
            // Host candidates as they are, not hidden behind mDNS .local names the server cannot resolve.
            Map.entry("media.peerconnection.ice.obfuscate_host_addresses", false),
            // The remote agent speaks WebDriver BiDi only (not the deprecated CDP subset).
            Map.entry("remote.active-protocols", 1),
            // No first-run pages, default-browser checks or session restore.
            Map.entry("browser.shell.checkDefaultBrowser", false),
            Map.entry("browser.startup.homepage_override.mstone", "ignore"),
            Map.entry("browser.aboutwelcome.enabled", false),
            Map.entry("browser.sessionstore.resume_from_crash", false),
            // No background traffic: updates, telemetry, experiments, remote settings, Safe Browsing, probes.
            Map.entry("app.update.enabled", false),
            Map.entry("app.update.auto", false),
            Map.entry("app.normandy.enabled", false),
            Map.entry("app.normandy.api_url", ""),
            Map.entry("app.shield.optoutstudies.enabled", false),
            Map.entry("datareporting.policy.dataSubmissionEnabled", false),
            Map.entry("datareporting.healthreport.uploadEnabled", false),
            Map.entry("toolkit.telemetry.enabled", false),
            Map.entry("toolkit.telemetry.unified", false),
            Map.entry("toolkit.telemetry.server", ""),
            Map.entry("services.settings.server", "data:,#remote-settings-dummy/v1"),
            Map.entry("browser.safebrowsing.malware.enabled", false),
            Map.entry("browser.safebrowsing.phishing.enabled", false),
            Map.entry("browser.safebrowsing.downloads.enabled", false),
            Map.entry("browser.safebrowsing.blockedURIs.enabled", false),
            Map.entry("browser.safebrowsing.update.enabled", false),
            Map.entry("browser.safebrowsing.provider.mozilla.updateURL", ""),
            Map.entry("browser.safebrowsing.provider.google4.updateURL", ""),
            Map.entry("network.captive-portal-service.enabled", false),
            Map.entry("network.connectivity-service.enabled", false),
            Map.entry("network.dns.disablePrefetch", true),
            Map.entry("network.prefetch-next", false),
            Map.entry("network.http.speculative-parallel-limit", 0),
            Map.entry("extensions.update.enabled", false),
            Map.entry("extensions.getAddons.cache.enabled", false),
            Map.entry("extensions.blocklist.enabled", false),
            Map.entry("browser.search.update", false),
            Map.entry("browser.newtabpage.enabled", false),
            Map.entry("browser.newtabpage.activity-stream.feeds.telemetry", false),
            Map.entry("browser.newtabpage.activity-stream.feeds.topsites", false),
            Map.entry("browser.topsites.contile.enabled", false),
            Map.entry("browser.ping-centre.telemetry", false),
            Map.entry("geo.provider.network.url", ""),
            Map.entry("media.gmp-manager.url", ""),
            Map.entry("media.gmp-gmpopenh264.autoupdate", false),
            Map.entry("media.gmp-widevinecdm.autoupdate", false),
            Map.entry("security.OCSP.enabled", 0),
            Map.entry("security.remote_settings.crlite_filters.enabled", false),
            Map.entry("security.remote_settings.intermediates.enabled", false),
            Map.entry("messaging-system.rsexperimentloader.enabled", false),
            Map.entry("identity.fxaccounts.enabled", false),
            Map.entry("dom.push.connection.enabled", false),
            // What still reaches out (release builds ignore services.settings.server; more may come with
            // updates) goes to a proxy on a loopback port where nothing listens, and fails there: the test's pages on 127.0.0.1 never go through a proxy.
            Map.entry("network.proxy.type", 1),
            Map.entry("network.proxy.http", "127.0.0.1"),
            Map.entry("network.proxy.http_port", 9),
            Map.entry("network.proxy.ssl", "127.0.0.1"),
            Map.entry("network.proxy.ssl_port", 9),
            Map.entry("network.proxy.allow_hijacking_localhost", false),
            Map.entry("network.trr.mode", 5),
            // And any host name Firefox still looks up resolves to loopback, with no DNS query.
            Map.entry("network.dns.forceResolve", "127.0.0.1"));

    private final Process process;
    private final Path profile;
    private final Path output;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> console = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private String context;

    private HeadlessFirefox(Process process, Path profile, Path output, WebSocket.Builder builder, URI url)
            throws InterruptedException {
        this.process = process;
        this.profile = profile;
        this.output = output;
        try {
            this.socket = builder.buildAsync(url, new Listener()).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot connect to Firefox's WebDriver BiDi at " + url, e);
        }
    }

    /**
     * Starts a browser inside {@code network} and opens a WebDriver BiDi session on it; skips the test loudly (fails
     * it under CI) when Firefox ESR is not installed. In the namespace, {@code 127.0.0.1:port} of each of
     * {@code hostPorts} reaches this JVM's {@code 127.0.0.1:port} (the test server's HTTP port: pages, WHIP/WHEP,
     * signalling); its WebRTC reaches a server whose media listen on {@link NetworkNamespace#hostAddress()}.
     */
    public static HeadlessFirefox start(NetworkNamespace network, int... hostPorts) {
        Path firefox = ExternalTools.require("firefox-esr (Debian package firefox-esr)", "/usr/bin/firefox-esr");
        for (int port : hostPorts) {
            network.exposeHostPort(port);
        }
        Path profile = null;
        Process process = null;
        try {
            profile = Files.createTempDirectory("lianmai-firefox-");
            Files.writeString(profile.resolve("user.js"), userJs());
            Path output = profile.resolve("firefox.log");
            // A port free on this side now, so the bridge can take the same number here: the remote agent refuses
            // a Host header with another port. (Inside, only another browser of the namespace could hold it.)
            int port = ServerProcesses.freePort();
            process = new ProcessBuilder(network.command(firefox.toString(), "--headless", "--no-remote", "--profile",
                    profile.toString(), "--remote-debugging-port", Integer.toString(port), "about:blank"))
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            URI url = awaitListening(process, output).resolve("/session");
            network.reachNamespacePort(url.getPort());
            HeadlessFirefox browser = new HeadlessFirefox(process, profile, output,
                    HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)), url);
            browser.command("session.new", object().set("capabilities", object()));
            browser.command("session.subscribe", object().set("events",
                    JsonNodeFactory.instance.arrayNode().add("log.entryAdded")));
            JsonNode tree = browser.command("browsingContext.getTree", object());
            browser.context = tree.path("contexts").path(0).path("context").asText();
            return browser;
        } catch (IOException | RuntimeException | InterruptedException | AssertionError e) {
            if (process != null) {
                stopQuietly(process);
            }
            deleteQuietly(profile);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof AssertionError a ? a : new AssertionError("cannot start Firefox", e);
        }
    }

    /**
     * Runs {@code javascript} (statements) in every page this browser opens from now on, before the page's own
     * scripts (BiDi {@code script.addPreloadScript}): tests observe browser APIs from there, as
     * {@link HeadlessChromium#onEveryPage} does in Chromium.
     */
    public void onEveryPage(String javascript) {
        command("script.addPreloadScript", object().put("functionDeclaration", "() => {" + javascript + "\n}"));
    }

    /** Opens {@code url} in the browser's tab and waits until it has loaded ({@code wait: complete}). */
    public void open(String url) {
        command("browsingContext.navigate", object().put("context", context).put("url", url).put("wait", "complete"));
    }

    /**
     * Evaluates the JavaScript expression {@code javascript} in the page and returns its value; a Promise is awaited.
     * A thrown exception fails the test with its message and the page's console.
     *
     * <p>The value comes back as BiDi serializes it (a "remote value") and is decoded to plain JSON: {@code string},
     * {@code boolean}, {@code number} (with {@code NaN}, {@code Infinity} and {@code -0} as their strings),
     * {@code bigint} (as its decimal string), {@code null} and {@code undefined} (as JSON null), {@code array}
     * (and a {@code Set}'s members) as an array, {@code object} and {@code map} with string keys as an object;
     * anything else (DOM nodes, functions, dates, …, or what lies deeper than BiDi serialized) as its BiDi
     * {@code type} name. Return plain data, e.g. {@code JSON.parse(JSON.stringify(x))}, for anything richer.
     */
    public JsonNode script(String javascript) {
        JsonNode result = command("script.evaluate", object().put("expression", javascript)
                .put("awaitPromise", true).set("target", object().put("context", context)));
        if (!"success".equals(result.path("type").asText())) {
            throw new AssertionError("script failed: " + result.path("exceptionDetails").path("text").asText()
                    + " — in: " + javascript + "; console: " + console());
        }
        return decode(result.path("result"));
    }

    /** Polls {@code condition} until true or {@code timeout}; fails with {@code what} and the page's console. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, timeout, condition, () -> "Firefox console: " + console());
    }

    /** What the page logged to its console so far (BiDi {@code log.entryAdded}), the last 200 lines. */
    public List<String> console() {
        synchronized (console) {
            return List.copyOf(console);
        }
    }

    /** Ends the session, stops Firefox (at most 5 s before killing it) and deletes its profile. */
    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            socket.abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopQuietly(process);
            deleteQuietly(profile);
        }
    }

    private JsonNode command(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode message = object().put("id", id).put("method", method);
        message.set("params", params);
        try {
            socket.sendText(message.toString(), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode answer = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if ("error".equals(answer.path("type").asText())) {
                throw new AssertionError("Firefox refused " + method + ": " + answer.path("error").asText() + " "
                        + answer.path("message").asText());
            }
            return answer.path("result");
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no answer from Firefox to " + method + " within " + COMMAND_TIMEOUT
                    + (process.isAlive() ? "" : " (Firefox exited: " + tail() + ")"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during " + method, e);
        } finally {
            pending.remove(id);
        }
    }

    private void received(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.get(message.path("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
        } else if ("log.entryAdded".equals(message.path("method").asText())) {
            synchronized (console) {
                if (console.size() == MAX_CONSOLE_LINES) {
                    console.remove(0);
                }
                JsonNode entry = message.path("params");
                console.add(entry.path("level").asText() + " " + entry.path("text").asText());
            }
        }
    }

    /** Decodes a BiDi remote value (WebDriver BiDi §7.5, "script.RemoteValue") to JSON; see {@link #script}. */
    static JsonNode decode(JsonNode remote) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode value = remote.path("value");
        switch (remote.path("type").asText()) {
            case "undefined", "null":
                return nodes.nullNode();
            case "string", "bigint":
                return nodes.textNode(value.asText());
            case "boolean":
                return nodes.booleanNode(value.asBoolean());
            case "number":
                return value.isNumber() ? value : nodes.textNode(value.asText());
            case "array", "set": {
                ArrayNode array = nodes.arrayNode();
                if (!value.isArray()) {
                    return nodes.textNode(remote.path("type").asText());
                }
                value.forEach(item -> array.add(decode(item)));
                return array;
            }
            case "object", "map": {
                if (!value.isArray()) {
                    return nodes.textNode(remote.path("type").asText());
                }
                ObjectNode object = nodes.objectNode();
                for (JsonNode pair : value) {
                    JsonNode key = pair.path(0);
                    object.set(key.isTextual() ? key.asText() : key.path("value").asText(), decode(pair.path(1)));
                }
                return object;
            }
            default:
                return nodes.textNode(remote.path("type").asText());
        }
    }

    private static URI awaitListening(Process process, Path output) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            String log = Files.exists(output) ? Files.readString(output) : "";
            int at = log.indexOf(LISTENING);
            int end = at < 0 ? -1 : log.indexOf('\n', at);
            if (end > 0) {
                return URI.create(log.substring(at + LISTENING.length(), end).trim());
            }
            if (!process.isAlive()) {
                throw new AssertionError("Firefox exited with " + process.exitValue() + ": " + log);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Firefox's remote agent did not listen within " + START_TIMEOUT + ": "
                + Files.readString(output));
    }

    private static String userJs() {
        StringBuilder js = new StringBuilder();
        PREFS.forEach((name, value) -> js.append("user_pref(\"").append(name).append("\", ")
                .append(value instanceof String s ? JsonNodeFactory.instance.textNode(s).toString() : value)
                .append(");\n"));
        return js.toString();
    }

    private String tail() {
        try {
            String log = Files.readString(output);
            return log.substring(Math.max(0, log.length() - 2000));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static void stopQuietly(Process process) {
        try {
            ServerProcesses.stop(process);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temp profile is harmless.
        }
    }

    /** Collects a message's parts (the JDK hands long text over in pieces) and hands whole messages on. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                received(text);
            }
            webSocket.request(1);
            return null;
        }
    }
}
