package io.lianmai.bench.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The messages of Janus's HTTP API (https://janus.conf.meetecho.com/docs/rest.html) and its VideoRoom plugin that
 * the load generator sends, and the reading of Janus's replies. Reading is strict: a reply that is not JSON, has no
 * {@code janus} type, or is an error throws a {@link JanusException} that says what came, so a flow fails with the
 * reason instead of waiting for something that will not come.
 */
final class JanusApi {
    static final String VIDEOROOM = "janus.plugin.videoroom";
    /** VideoRoom's "No such feed": a subscriber that came before the publisher's feed was set up retries. */
    static final int NO_SUCH_FEED = 428;
    /** VideoRoom's "Room already exists". */
    static final int ROOM_EXISTS = 427;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUOTE_LIMIT = 200;

    private JanusApi() {
    }

    /** {@code {"janus":"create"}}: a new session. */
    static String create(String transaction) {
        return request("create", transaction).toString();
    }

    /** {@code {"janus":"attach"}}: a handle on the VideoRoom plugin. */
    static String attach(String transaction) {
        return request("attach", transaction).put("plugin", VIDEOROOM).toString();
    }

    /** {@code {"janus":"keepalive"}}: keeps a session past Janus's session timeout. */
    static String keepalive(String transaction) {
        return request("keepalive", transaction).toString();
    }

    /** {@code {"janus":"destroy"}}: ends a session and its handles. */
    static String destroy(String transaction) {
        return request("destroy", transaction).toString();
    }

    /** A plugin message with {@code body} and, when {@code jsepType} is not null, a JSEP of that type. */
    static String message(String transaction, ObjectNode body, String jsepType, String sdp) {
        ObjectNode message = request("message", transaction);
        message.set("body", body);
        if (jsepType != null) {
            message.putObject("jsep").put("type", jsepType).put("sdp", sdp);
        }
        return message.toString();
    }

    /**
     * VideoRoom {@code create}: room {@code room} for up to {@code publishers} publishers, one video codec
     * ({@code h264} or {@code vp8}) and Opus, Janus's defaults otherwise (no bitrate cap, no periodic FIR).
     */
    static ObjectNode createRoom(long room, int publishers, String videoCodec) {
        ObjectNode body = JSON.createObjectNode().put("request", "create").put("room", room)
                .put("publishers", publishers).put("videocodec", videoCodec).put("audiocodec", "opus");
        return body.put("permanent", false).put("description", "lianmai bench");
    }

    /** VideoRoom {@code destroy} of {@code room}. */
    static ObjectNode destroyRoom(long room) {
        return JSON.createObjectNode().put("request", "destroy").put("room", room);
    }

    /** VideoRoom {@code joinandconfigure} as a publisher (sent with the offer). */
    static ObjectNode joinPublisher(long room, String display) {
        return JSON.createObjectNode().put("request", "joinandconfigure").put("room", room)
                .put("ptype", "publisher").put("display", display).put("audio", true).put("video", true);
    }

    /** VideoRoom {@code join} as a subscriber of {@code feed}'s streams; Janus answers with its offer. */
    static ObjectNode joinSubscriber(long room, long feed) {
        ObjectNode body = JSON.createObjectNode().put("request", "join").put("room", room)
                .put("ptype", "subscriber");
        body.putArray("streams").addObject().put("feed", feed);
        return body;
    }

    /** VideoRoom {@code start} (sent with the subscriber's answer). */
    static ObjectNode start() {
        return JSON.createObjectNode().put("request", "start");
    }

    private static ObjectNode request(String type, String transaction) {
        return JSON.createObjectNode().put("janus", type).put("transaction", transaction);
    }

    /**
     * Reads one reply: a JSON object with a {@code janus} type that is not {@code error}.
     *
     * @throws JanusException for anything else, quoting it
     */
    static JsonNode reply(String body) {
        JsonNode reply;
        try {
            reply = body == null ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new JanusException("Janus answered something that is not JSON: " + quote(body));
        }
        if (reply == null || !reply.isObject() || !reply.path("janus").isTextual()) {
            throw new JanusException("Janus answered no Janus message: " + quote(body));
        }
        if (reply.path("janus").asText().equals("error")) {
            JsonNode error = reply.path("error");
            throw new JanusException(error.path("code").asInt(), "Janus error " + error.path("code").asInt() + ": "
                    + error.path("reason").asText("(no reason)"));
        }
        return reply;
    }

    /** The new id in a {@code success} reply to create or attach ({@code data.id}). */
    static long successId(JsonNode reply) {
        JsonNode id = reply.path("data").path("id");
        if (!reply.path("janus").asText().equals("success") || !id.canConvertToLong() || id.asLong() <= 0) {
            throw new JanusException("Janus answered no id: " + quote(reply.toString()));
        }
        return id.asLong();
    }

    /** Checks a plugin message was taken: {@code ack} (an event follows) or {@code success} (synchronous). */
    static JsonNode accepted(JsonNode reply) {
        String type = reply.path("janus").asText();
        if (!type.equals("ack") && !type.equals("success")) {
            throw new JanusException("Janus neither acknowledged nor answered the message: "
                    + quote(reply.toString()));
        }
        if (type.equals("success")) {
            pluginEvent(reply); // a synchronous plugin error throws here
        }
        return reply;
    }

    /**
     * What the VideoRoom said in an {@code event} (or a synchronous {@code success}).
     *
     * @param videoroom the plugin's verb: {@code joined}, {@code attached}, {@code event}, {@code created}
     * @param id the publisher's feed id in {@code joined}, else 0
     * @param jsepType {@code offer}, {@code answer}, or null without JSEP
     * @param sdp the JSEP's SDP, or null
     */
    record PluginEvent(String videoroom, long id, String jsepType, String sdp) {
    }

    /**
     * Reads a VideoRoom event.
     *
     * @throws JanusException with the plugin's {@code error_code} when it reports an error, or 0 when the event is
     *     not from the VideoRoom
     */
    static PluginEvent pluginEvent(JsonNode reply) {
        JsonNode data = reply.path("plugindata").path("data");
        if (!data.isObject()) {
            throw new JanusException("Janus sent no VideoRoom data: " + quote(reply.toString()));
        }
        if (data.has("error_code") || data.has("error")) {
            int code = data.path("error_code").asInt();
            throw new JanusException(code, "VideoRoom error " + code + ": " + data.path("error").asText("(none)"));
        }
        JsonNode jsep = reply.path("jsep");
        String type = jsep.path("type").isTextual() ? jsep.path("type").asText() : null;
        String sdp = jsep.path("sdp").isTextual() ? jsep.path("sdp").asText() : null;
        if (type != null && sdp == null) {
            throw new JanusException("Janus sent a JSEP " + type + " without SDP");
        }
        return new PluginEvent(data.path("videoroom").asText(""), data.path("id").asLong(0), type, sdp);
    }

    static String quote(String text) {
        if (text == null) {
            return "(nothing)";
        }
        String line = text.replaceAll("\\s+", " ").trim();
        return "'" + (line.length() > QUOTE_LIMIT ? line.substring(0, QUOTE_LIMIT) + "…" : line) + "'";
    }
}
