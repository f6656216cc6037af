package io.lianmai.server.signal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.room.MemberInfo;
import io.lianmai.room.RoomEvent;
import io.lianmai.room.StreamState;
import io.lianmai.server.ice.IceServers;
import io.lianmai.server.live.LiveEndpoints;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the signalling protocol's JSON frames (docs/protocol.md, Framing). Parsing goes only through
 * {@link #decode}, which validates the envelope strictly and never throws anything but {@link ProtocolException}.
 * Thread-safe.
 */
final class ProtocolCodec {
    /** Version of the protocol this server speaks. */
    static final int VERSION = 1;
    /** Largest frame accepted, in UTF-8 bytes. */
    static final int MAX_FRAME_BYTES = 64 * 1024;

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Parses and validates one text frame into a request. */
    SignalRequest decode(String text) throws ProtocolException {
        int bytes = utf8Length(text);
        if (bytes > MAX_FRAME_BYTES) {
            throw new ProtocolException(0, "frame is " + bytes + " bytes; at most " + MAX_FRAME_BYTES);
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(0, "frame is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(0, "a frame must be one JSON object");
        }
        JsonNode idNode = root.get("id");
        long id = idNode != null && idNode.isIntegralNumber() && idNode.canConvertToLong() && idNode.longValue() > 0
                ? idNode.longValue() : 0;
        JsonNode version = root.get("v");
        if (version == null || !version.isIntegralNumber()) {
            throw new ProtocolException(id, "\"v\" is required: this server speaks version " + VERSION);
        }
        if (!version.canConvertToInt() || version.intValue() != VERSION) {
            throw new ProtocolException(id, "protocol version " + version + " is not supported; this server speaks "
                    + VERSION);
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(id, "\"type\" is required (a string)");
        }
        if (!type.textValue().equals("request")) {
            throw new ProtocolException(id, "clients send frames of type \"request\", not \"" + shorten(
                    type.textValue()) + "\"");
        }
        if (id == 0) {
            throw new ProtocolException(0, "a request needs \"id\": a positive integer, unique on this socket");
        }
        JsonNode action = root.get("action");
        if (action == null || !action.isTextual()) {
            throw new ProtocolException(id, "\"action\" is required (a string)");
        }
        SignalAction known = SignalAction.fromWire(action.textValue()).orElseThrow(() -> new ProtocolException(id,
                "unknown action \"" + shorten(action.textValue()) + "\""));
        JsonNode data = root.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            throw new ProtocolException(id, "\"data\" must be an object");
        }
        ObjectNode fields = data == null || data.isNull() ? mapper.createObjectNode() : (ObjectNode) data;
        return new SignalRequest(id, known, fields);
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    String success(long id, ObjectNode data) {
        ObjectNode frame = envelope("response").put("id", id).put("ok", true);
        frame.set("data", data);
        return frame.toString();
    }

    String failure(long id, int code, String message) {
        ObjectNode frame = envelope("response").put("id", id).put("ok", false);
        frame.putObject("error").put("code", code).put("message", message);
        return frame.toString();
    }

    /** An {@code error} event, for a frame whose request id could not be read. */
    String errorEvent(int code, String message) {
        ObjectNode data = object().put("code", code).put("message", message);
        return event("error", data);
    }

    String event(String name, ObjectNode data) {
        ObjectNode frame = envelope("event").put("event", name);
        frame.set("data", data);
        return frame.toString();
    }

    /**
     * The signed playback query of a room member's stream ({@code txSecret=…&txTime=…}), told to members as the
     * stream's {@code play}; empty when the stream has no live output name.
     */
    @FunctionalInterface
    interface PlayQueries {
        Optional<String> forStream(UserId userId, StreamType streamType);
    }

    /** The protocol's event for a room event; stream events carry the stream's signed {@code play} query. */
    String event(RoomEvent event, PlayQueries play) {
        ObjectNode data = object().put("userID", event.userId().value());
        String name;
        if (event instanceof RoomEvent.UserJoin join) {
            name = "userJoin";
            data.put("role", join.role().wireName());
        } else if (event instanceof RoomEvent.UserLeave leave) {
            name = "userLeave";
            data.put("reason", leave.reason().wireName());
        } else if (event instanceof RoomEvent.UserRole role) {
            name = "userRole";
            data.put("role", role.role().wireName());
        } else if (event instanceof RoomEvent.StreamAdd add) {
            name = "streamAdd";
            data.put("streamType", add.streamType().wireName()).put("audio", add.audio()).put("video", add.video());
            play.forStream(event.userId(), add.streamType()).ifPresent(query -> data.put("play", query));
        } else if (event instanceof RoomEvent.StreamUpdate update) {
            name = "streamUpdate";
            data.put("streamType", update.streamType().wireName()).put("audio", update.audio())
                    .put("video", update.video());
            play.forStream(event.userId(), update.streamType()).ifPresent(query -> data.put("play", query));
        } else if (event instanceof RoomEvent.StreamRemove remove) {
            name = "streamRemove";
            data.put("streamType", remove.streamType().wireName());
        } else if (event instanceof RoomEvent.CustomMessage message) {
            name = "customMessage";
            data.put("cmdID", message.cmdId()).put("data", message.data());
        } else if (event instanceof RoomEvent.NetQuality quality) {
            name = "netQuality";
            data.put("uplink", quality.uplink());
        } else {
            throw new IllegalArgumentException("no protocol event for " + event);
        }
        return event(name, data);
    }

    /** The protocol's {@code Member} list; each stream carries its signed {@code play} query. */
    ArrayNode members(List<MemberInfo> members, PlayQueries play) {
        ArrayNode array = mapper.createArrayNode();
        for (MemberInfo member : members) {
            ObjectNode node = array.addObject().put("userID", member.userId().value())
                    .put("role", member.role().wireName());
            ObjectNode streams = node.putObject("streams");
            member.main().ifPresent(main -> stream(streams.putObject("main"), main, true,
                    play.forStream(member.userId(), StreamType.MAIN)));
            member.aux().ifPresent(aux -> stream(streams.putObject("aux"), aux, false,
                    play.forStream(member.userId(), StreamType.AUX)));
        }
        return array;
    }

    /**
     * {@code enter}'s {@code iceServers}, as {@code RTCPeerConnection}'s configuration takes them:
     * {@code [{"urls": [...], "username"?, "credential"?}]}.
     */
    ArrayNode iceServers(List<IceServers.IceServer> servers) {
        ArrayNode array = mapper.createArrayNode();
        for (IceServers.IceServer server : servers) {
            ObjectNode node = array.addObject();
            ArrayNode urls = node.putArray("urls");
            server.urls().forEach(urls::add);
            server.credential().ifPresent(c -> node.put("username", c.username()).put("credential", c.credential()));
        }
        return array;
    }

    /**
     * The {@code layers} event's data: {@code {"streamType", "mid", "active": [rid, ...]}}, the simulcast layers of
     * the member's own publication to send (the others are paused).
     */
    ObjectNode layers(StreamType streamType, String mid, List<String> activeRids) {
        ObjectNode node = object().put("streamType", streamType.wireName()).put("mid", mid);
        ArrayNode active = node.putArray("active");
        activeRids.forEach(active::add);
        return node;
    }

    /** {@code enter}'s {@code live}: {@code {"rtmp": base or null, "flv": base}}. */
    ObjectNode live(LiveEndpoints.Bases bases) {
        ObjectNode node = object();
        node.put("rtmp", bases.rtmp().orElse(null));
        node.put("flv", bases.flv());
        return node;
    }

    private static void stream(ObjectNode node, StreamState state, boolean withAudio, Optional<String> play) {
        if (withAudio) {
            node.put("audio", state.audio());
        }
        node.put("video", state.video());
        play.ifPresent(query -> node.put("play", query));
    }

    private ObjectNode envelope(String type) {
        return object().put("v", VERSION).put("type", type);
    }

    private static String shorten(String text) {
        return text.length() > 32 ? text.substring(0, 32) + "…" : text;
    }

    private static int utf8Length(String text) {
        if (text.length() * 3L <= MAX_FRAME_BYTES) {
            return text.length(); // cannot exceed the limit; the exact count does not matter
        }
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
