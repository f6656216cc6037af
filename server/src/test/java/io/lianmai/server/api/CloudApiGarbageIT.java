package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.server.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Garbage at {@code POST /}: headers and bodies no SDK sends, unsigned and signed. Every answer is Tencent's shape
 * with a refusal that is not {@code InternalError} (or the form refusal every POST route gives), and the server keeps
 * serving.
 */
class CloudApiGarbageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> ANSWERED = Set.of(200, 413, 415);
    private static TestServer server;
    private static CloudApiClient.Key key;

    @BeforeContainer
    static void start() {
        // Rate limiting would hide the signed bodies' own refusals: allow plenty.
        server = TestServer.start(Map.of("api.requestsPerSecond", "100000"));
        key = CloudApiClient.createKey(server);
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 150)
    void garbageHeadersAreRefusedInTencentsShape(@ForAll("headers") Map<String, String> headers,
            @ForAll byte[] body) throws Exception {
        HttpResponse<String> response;
        try {
            response = CloudApiClient.post(server, headers, body);
        } catch (IllegalArgumentException e) {
            return; // a header the JDK client refuses to send: nothing reached the server
        }
        assertThat(response.statusCode()).as(response.body()).isIn(ANSWERED);
        if (response.statusCode() == 200) {
            JsonNode error = JSON.readTree(response.body()).path("Response").path("Error");
            assertThat(error.path("Code").asText()).isNotBlank().isNotEqualTo("InternalError");
        }
    }

    @Property(tries = 200)
    void signedGarbageBodiesAreRefusedAsParameters(@ForAll("actions") String action,
            @ForAll("bodies") String body) throws Exception {
        JsonNode response = CloudApiClient.signed(server, key, action, "2019-07-22", Instant.now().getEpochSecond(),
                body);
        String code = response.path("Error").path("Code").asText();
        if (!code.isEmpty()) {
            assertThat(code).as(response.toString()).isNotEqualTo("InternalError")
                    .matches("(InvalidParameter|MissingParameter|FailedOperation|AuthFailure"
                            + "|ResourceNotFound|UnsupportedOperation|LimitExceeded).*");
        }
        assertThat(response.path("RequestId").asText()).isNotBlank();
    }

    @Provide
    Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> names = Arbitraries.of("Content-Type", "X-TC-Action", "X-TC-Version", "X-TC-Timestamp",
                "X-TC-Region", "Authorization", "X-TC-Content-SHA256", "X-TC-Token");
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.strings().ascii().ofMaxLength(200),
                Arbitraries.of("application/json", "2019-07-22", "DismissRoom", "RemoveUser", "UNSIGNED-PAYLOAD",
                        Long.toString(Instant.now().getEpochSecond()),
                        "TC3-HMAC-SHA256 Credential=" + key.secretId() + "/2020-01-01/127/tc3_request, "
                                + "SignedHeaders=content-type;host, Signature=" + "0".repeat(64)));
        return Arbitraries.maps(names, values).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> actions() {
        return Arbitraries.of("DismissRoom", "DismissRoomByStrRoomId", "RemoveUser", "RemoveUserByStrRoomId",
                "StartPublishCdnStream", "StopPublishCdnStream", "DescribeMediaStats", "DescribeRoomInfo",
                "DescribeUserInfo", "DescribeCallDetailInfo", "DescribeUserEvent",
                // The console's (CallbackUrl is left out: a URL-shaped one would be resolved through DNS).
                "DescribeApps", "CreateApp", "ModifyApp", "RotateAppKey", "DescribeLiveRooms", "DescribeNodeStats");
    }

    @Provide
    Arbitrary<String> bodies() {
        long app = server.sdkAppId();
        Arbitrary<String> scalars = Arbitraries.oneOf(Arbitraries.longs().map(Object::toString),
                Arbitraries.strings().ofMaxLength(80).map(s -> JSON.valueToTree(s).toString()),
                Arbitraries.of("null", "true", "[]", "{}", "[null]", "[\"a\",1,{}]", "1.5e300", "-1",
                        "4294967296", "\"" + "x".repeat(70) + "\""));
        Arbitrary<String> objects = Arbitraries.of("RoomId", "UserIds", "TaskId", "Limit", "WithTranscoding",
                "RoomIdType", "PublishCdnParams", "SingleSubscribeParams", "CommId", "StartTime", "EndTime",
                "PageNumber", "PageSize", "UserId", "DataType", "Name", "CallbackKey", "ClearCallback",
                "GraceSeconds").list().ofMaxSize(4)
                .flatMap(fields -> scalars.list().ofSize(fields.size()).map(values -> {
                    StringBuilder json = new StringBuilder("{\"SdkAppId\": " + app);
                    for (int i = 0; i < fields.size(); i++) {
                        json.append(", \"").append(fields.get(i)).append("\": ").append(values.get(i));
                    }
                    return json.append('}').toString();
                }));
        return Arbitraries.oneOf(objects, scalars, Arbitraries.strings().ofMaxLength(100),
                Arbitraries.strings().ofMaxLength(100).map(s -> new String(s.getBytes(StandardCharsets.UTF_8),
                        StandardCharsets.ISO_8859_1)));
    }
}
