package io.lianmai.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.server.TestServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls {@code POST /api/v1/{Action}} of a test server as a TRTC backend would. */
public final class RestApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private RestApiClient() {
    }

    /** The administrator's UserSig for the test server's default app. */
    public static String adminSig(TestServer server) {
        return server.signer().genUserSig("administrator", 3600);
    }

    /** Posts {@code body} to {@code action} with {@code Authorization: Bearer userSig} (none when null). */
    public static JsonNode call(TestServer server, String action, String userSig, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = post(server, action, userSig, body);
        if (response.statusCode() != 200) {
            throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("Response");
    }

    public static HttpResponse<String> post(TestServer server, String action, String userSig, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url("/api/v1/" + action))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (userSig != null) {
            request.header("authorization", "Bearer " + userSig);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A StartPublishCdnStream body relaying {@code userId}'s main stream of {@code roomId} to {@code url}. */
    public static String startBody(long sdkAppId, String roomId, int roomIdType, String userId, String url) {
        return """
                {"SdkAppId": %d, "RoomId": "%s", "RoomIdType": %d, "WithTranscoding": 0,
                 "AgentParams": {"UserId": "cdn_agent", "UserSig": "ignored", "MaxIdleTime": 30},
                 "SingleSubscribeParams": {"UserMediaStream": {"UserInfo": {"UserId": "%s"}, "StreamType": 0}},
                 "PublishCdnParams": [{"PublishCdnUrl": "%s", "IsTencentCdn": 0}]}
                """.formatted(sdkAppId, roomId, roomIdType, userId, url);
    }
}
