package io.lianmai.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.auth.UserSigSigner;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's view of its players' bandwidth estimation, read through the REST API's {@code DescribeMediaStats}
 * with the app's administrator UserSig (signed with the secret the run already has): per WHEP session, the estimate
 * of its downlink and the layer counters. Read at the window's start and end; the report takes the differences.
 *
 * @param players by session id (the last segment of the WHEP Location)
 * @param failure why the read failed (an older server, a refused UserSig), else null
 */
record ServerMediaStats(Map<String, Player> players, String failure) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACTION = "DescribeMediaStats";

    /** One player as the server sees it; the counters grow from its session's start. */
    record Player(String estimator, long estimateBps, int allocatedLayer, int currentLayer, long layerSwitches,
            long pauses, long probesStarted, long probesRaised, long paddingPackets, long paddingBytes,
            long packetsSent, long octetsSent) {
    }

    /** A failed read: the report says why instead of the server's figures. */
    static ServerMediaStats unavailable(String why) {
        return new ServerMediaStats(Map.of(), why);
    }

    boolean available() {
        return failure == null;
    }

    /** Calls {@code POST /api/v1/DescribeMediaStats} on {@code target} (waits up to 10 s). */
    static ServerMediaStats read(ServerTarget target, UserSigSigner signer, HttpClient http)
            throws InterruptedException {
        String body = "{\"SdkAppId\": " + target.sdkAppId() + "}";
        HttpRequest request = HttpRequest.newBuilder(target.baseUrl().resolve("api/v1/" + ACTION))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + signer.genUserSig("administrator", 3600))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return unavailable(ACTION + " answered HTTP " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            return unavailable(ACTION + " failed: " + e);
        }
    }

    /** Reads an answer's body ({@code {"Response": {...}}}). */
    static ServerMediaStats parse(String body) throws IOException {
        JsonNode response = JSON.readTree(body).path("Response");
        if (response.has("Error")) {
            return unavailable(ACTION + ": " + response.at("/Error/Code").asText() + " "
                    + response.at("/Error/Message").asText());
        }
        Map<String, Player> players = new HashMap<>();
        for (JsonNode p : response.path("Players")) {
            players.put(p.path("SessionId").asText(), new Player(p.path("Estimator").asText(),
                    p.path("EstimateBps").asLong(-1), p.path("AllocatedLayer").asInt(-2),
                    p.path("CurrentLayer").asInt(-1), p.path("LayerSwitches").asLong(), p.path("Pauses").asLong(),
                    p.path("ProbesStarted").asLong(), p.path("ProbesRaised").asLong(),
                    p.path("PaddingPackets").asLong(), p.path("PaddingBytes").asLong(),
                    p.path("PacketsSent").asLong(), p.path("OctetsSent").asLong()));
        }
        return new ServerMediaStats(players, null);
    }
}
