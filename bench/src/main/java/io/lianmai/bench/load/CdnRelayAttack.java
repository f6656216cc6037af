package io.lianmai.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CDN relay as a server-side request forgery: {@code StartPublishCdnStream} (with the administrator's UserSig, as an
 * app's backend calls it) asking the server to push to loopback, the cloud metadata address and a private range.
 * Each must be refused when asked. Nothing ever connects anywhere: the relayed user does not exist, so even an
 * accepted task would wait for its stream, and any accepted task is stopped at once.
 */
final class CdnRelayAttack implements Attack {
    static final List<String> TARGETS = List.of("rtmp://127.0.0.1:1935/live/x", "rtmp://169.254.169.254/live/x",
            "rtmp://10.0.0.1/live/x");
    /** Errors that say the request itself was wrong, not that the target was refused: they prove nothing. */
    private static final Set<String> NOT_A_REFUSAL = Set.of("AuthFailure", "MissingParameter", "InvalidAction",
            "InternalError");

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String name() {
        return "cdn-relay";
    }

    @Override
    public String description(AttackScale scale) {
        return "StartPublishCdnStream to 127.0.0.1, 169.254.169.254 and 10.0.0.1 (administrator UserSig)";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "every target refused";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return 40;
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        String admin = context.signer.genUserSig("administrator", 3600);
        List<String> notRefused = new ArrayList<>();
        for (String target : TARGETS) {
            outcome.sent();
            String body = "{\"SdkAppId\":" + context.sdkAppId() + ",\"RoomId\":\"" + context.call.roomId()
                    + "\",\"RoomIdType\":0,\"WithTranscoding\":0,\"SingleSubscribeParams\":{\"UserMediaStream\":"
                    + "{\"UserInfo\":{\"UserId\":\"attack-nobody\"},\"StreamType\":0}},\"PublishCdnParams\":"
                    + "[{\"PublishCdnUrl\":\"" + target + "\",\"IsTencentCdn\":0}]}";
            JsonNode answer = call(context, "StartPublishCdnStream", admin, body);
            String host = target.substring(7, target.indexOf('/', 7));
            if (answer == null) {
                outcome.count(host + " no answer");
                notRefused.add(host + " no answer");
                continue;
            }
            JsonNode response = answer.path("Response");
            String code = response.path("Error").path("Code").asText("");
            if (!code.isEmpty() && !NOT_A_REFUSAL.contains(code)) {
                outcome.count(host + " refused " + code);
            } else if (!code.isEmpty()) {
                outcome.count(host + " " + code);
                notRefused.add(host + " answered " + code + " (" + response.path("Error").path("Message").asText()
                        + ")");
            } else {
                String task = response.path("TaskId").asText("");
                outcome.count(host + " accepted");
                notRefused.add(host + " accepted");
                call(context, "StopPublishCdnStream", admin, "{\"SdkAppId\":" + context.sdkAppId()
                        + ",\"TaskId\":\"" + task + "\"}");
            }
        }
        return notRefused.isEmpty() ? Verdict.pass("all " + TARGETS.size() + " refused")
                : Verdict.fail("not refused: " + String.join("; ", notRefused));
    }

    private JsonNode call(AttackContext context, String action, String userSig, String body) {
        try {
            HttpResponse<String> response = context.http.send(HttpRequest.newBuilder(
                    context.baseUrl().resolve("api/v1/" + action)).timeout(Duration.ofSeconds(10))
                    .header("content-type", "application/json").header("authorization", "Bearer " + userSig)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return json.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
