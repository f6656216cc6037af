package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.auth.UserSigVerifier;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The development UserSig endpoint: off by default (and says so), and when on it signs valid UserSigs. */
class DevUserSigIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void offByDefaultWithAClearMessage() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpResponse<String> response = get(server, "/api/dev/usersig?userID=alice");

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("--dev").contains("own backend");
        }
    }

    @Test
    void whenEnabledItSignsAUserSigThatVerifies() throws Exception {
        try (TestServer server = TestServer.start(Map.of("dev.userSigEndpoint", "true"))) {
            HttpResponse<String> response = get(server, "/api/dev/usersig?userID=alice");
            HttpResponse<String> badUser = get(server, "/api/dev/usersig?userID=al%20ice");

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.get("sdkAppID").asLong()).isEqualTo(server.sdkAppId());
            String key = server.server().apps().find(new SdkAppId(server.sdkAppId())).orElseThrow().secretKey();
            new UserSigVerifier(Clock.systemUTC()).verify(new SdkAppId(server.sdkAppId()), key, "alice",
                    body.get("userSig").asText());
            assertThat(badUser.statusCode()).isEqualTo(400);
        }
    }

    private static HttpResponse<String> get(TestServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
