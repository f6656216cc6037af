package io.lianmai.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.trtc.v20190722.TrtcClient;
import io.lianmai.server.TestServer;
import io.lianmai.server.cli.CliContext;
import io.lianmai.server.cli.LianmaiCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls the server API at {@code POST /} of a test server: through Tencent's own Java SDK (a {@link TrtcClient}
 * pointed at the server), or signed by hand for what the SDK cannot be made to send (an old timestamp, a wrong
 * version, garbage). Credentials are made with {@code lianmai apikey create}, run in-process on the server's data
 * directory as an operator would run it beside the server.
 */
public final class CloudApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudApiClient() {
    }

    /** A SecretId and SecretKey as {@code apikey create} printed them. */
    public record Key(String secretId, String secretKey) {
    }

    /** Runs {@code lianmai args…} on the server's data directory; fails unless it exits 0. Returns its output. */
    public static String cli(TestServer server, String... args) {
        return cli(new CliContext(Map.of("LIANMAI_DATA_DIR", server.server().config().dataDir().toString()),
                server.server().config().dataDir(), Clock.systemUTC()), args);
    }

    /** Runs {@code lianmai args…} in {@code context} (in-process); fails unless it exits 0. Returns its output. */
    static String cli(CliContext context, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = LianmaiCommand.commandLine(context, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        if (status != 0) {
            throw new AssertionError("lianmai " + String.join(" ", args) + " exited " + status + ": " + err);
        }
        return out.toString();
    }

    /** {@code lianmai apikey create [--sdkappid ID]…}. */
    public static Key createKey(TestServer server, long... sdkAppIds) {
        List<String> args = new ArrayList<>(List.of("apikey", "create"));
        for (long id : sdkAppIds) {
            args.add("--sdkappid");
            args.add(Long.toString(id));
        }
        String out = cli(server, args.toArray(String[]::new));
        return new Key(field(out, "SecretId"), field(out, "SecretKey"));
    }

    static String field(String output, String label) {
        Matcher matcher = Pattern.compile(label + "\\s+(\\S+)").matcher(output);
        if (!matcher.find()) {
            throw new AssertionError(label + " not in: " + output);
        }
        return matcher.group(1);
    }

    /** Tencent's TRTC client with only its endpoint changed: {@code http://127.0.0.1:PORT}. */
    public static TrtcClient sdk(TestServer server, Key key) {
        return sdk(server.server().httpPort(), key);
    }

    /** Tencent's TRTC client pointed at a server on {@code 127.0.0.1:port} (a server process of the test's own). */
    public static TrtcClient sdk(int port, Key key) {
        HttpProfile http = new HttpProfile();
        http.setEndpoint("127.0.0.1:" + port);
        http.setProtocol("http://");
        http.setConnTimeout(5);
        http.setReadTimeout(10);
        ClientProfile profile = new ClientProfile();
        profile.setHttpProfile(http);
        return new TrtcClient(new Credential(key.secretId(), key.secretKey()), "ap-guangzhou", profile);
    }

    /** A request signed by hand as the SDKs sign it, with the given headers; {@code service} as the SDK derives. */
    static JsonNode signed(TestServer server, Key key, String action, String version, long timestamp, String body)
            throws IOException, InterruptedException {
        return signed(server.server().httpPort(), key, action, version, timestamp, body);
    }

    /** As above, to a server on {@code 127.0.0.1:port}. */
    static JsonNode signed(int port, Key key, String action, String version, long timestamp, String body)
            throws IOException, InterruptedException {
        String host = "127.0.0.1:" + port;
        String contentType = "application/json";
        String date = Instant.ofEpochSecond(timestamp).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String canonical = Tc3Signature.canonicalRequest(List.of("content-type", "host"), List.of(contentType, host),
                bytes);
        String toSign = Tc3Signature.stringToSign(timestamp, date, "127", canonical);
        String signature = Tc3Signature.signature(key.secretKey(), date, "127", toSign);
        String authorization = "TC3-HMAC-SHA256 Credential=" + key.secretId() + "/" + date
                + "/127/tc3_request, SignedHeaders=content-type;host, Signature=" + signature;
        return responseOf(post(URI.create("http://" + host + "/"), Map.of("Content-Type", contentType,
                "X-TC-Action", action, "X-TC-Version", version, "X-TC-Timestamp", Long.toString(timestamp),
                "X-TC-Region", "ap-guangzhou", "Authorization", authorization), bytes));
    }

    /** Posts {@code body} to {@code /} with exactly {@code headers}; returns the {@code Response} object. */
    static JsonNode raw(TestServer server, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        return responseOf(post(server, headers, body));
    }

    private static JsonNode responseOf(HttpResponse<String> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("Response");
    }

    static HttpResponse<String> post(TestServer server, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        return post(server.url("/"), headers, body);
    }

    private static HttpResponse<String> post(URI url, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
