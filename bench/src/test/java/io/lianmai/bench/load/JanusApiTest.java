package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The Janus HTTP API messages the generator sends are what Janus's VideoRoom expects, and every reply that is not
 * the expected one — garbage, an API error, a plugin error, a JSEP without SDP — becomes a {@link JanusException}
 * that quotes what came, with Janus's error code where there is one (428 is retried by the caller).
 */
class JanusApiTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void requestsCarryTheirTypeTransactionAndPlugin() throws Exception {
        assertThat(json.readTree(JanusApi.create("t1"))).isEqualTo(json.readTree(
                "{\"janus\":\"create\",\"transaction\":\"t1\"}"));
        assertThat(json.readTree(JanusApi.attach("t2"))).isEqualTo(json.readTree(
                "{\"janus\":\"attach\",\"transaction\":\"t2\",\"plugin\":\"janus.plugin.videoroom\"}"));
        assertThat(json.readTree(JanusApi.keepalive("t3")).path("janus").asText()).isEqualTo("keepalive");
        assertThat(json.readTree(JanusApi.destroy("t4")).path("janus").asText()).isEqualTo("destroy");
    }

    @Test
    void aPublisherJoinCarriesTheOfferAndASubscriberJoinNamesTheFeed() throws Exception {
        JsonNode join = json.readTree(JanusApi.message("t", JanusApi.joinPublisher(42, "pub0"), "offer", "v=0\r\n"));
        assertThat(join.at("/janus").asText()).isEqualTo("message");
        assertThat(join.at("/body/request").asText()).isEqualTo("joinandconfigure");
        assertThat(join.at("/body/ptype").asText()).isEqualTo("publisher");
        assertThat(join.at("/body/room").asLong()).isEqualTo(42);
        assertThat(join.at("/jsep/type").asText()).isEqualTo("offer");
        assertThat(join.at("/jsep/sdp").asText()).isEqualTo("v=0\r\n");

        JsonNode subscribe = json.readTree(JanusApi.message("t", JanusApi.joinSubscriber(42, 7), null, null));
        assertThat(subscribe.at("/body/ptype").asText()).isEqualTo("subscriber");
        assertThat(subscribe.at("/body/streams/0/feed").asLong()).isEqualTo(7);
        assertThat(subscribe.has("jsep")).isFalse();

        JsonNode room = JanusApi.createRoom(42, 100, "h264");
        assertThat(room.path("videocodec").asText()).isEqualTo("h264");
        assertThat(room.path("audiocodec").asText()).isEqualTo("opus");
        assertThat(room.path("publishers").asInt()).isEqualTo(100);
    }

    @Test
    void successRepliesGiveTheirIdAndEventsTheirJsep() {
        assertThat(JanusApi.successId(JanusApi.reply("{\"janus\":\"success\",\"transaction\":\"t\","
                + "\"data\":{\"id\":123456789012}}"))).isEqualTo(123456789012L);
        JanusApi.PluginEvent joined = JanusApi.pluginEvent(JanusApi.reply("{\"janus\":\"event\",\"sender\":1,"
                + "\"transaction\":\"t\",\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\",\"data\":"
                + "{\"videoroom\":\"joined\",\"room\":42,\"id\":99}},\"jsep\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}"));
        assertThat(joined).isEqualTo(new JanusApi.PluginEvent("joined", 99, "answer", "v=0"));
        assertThat(JanusApi.accepted(JanusApi.reply("{\"janus\":\"ack\",\"transaction\":\"t\"}"))).isNotNull();
    }

    @Test
    void garbageIsRefusedWithWhatCame() {
        for (String garbage : new String[] {"<html>502 Bad Gateway</html>", "", "[1,2]", "{\"no\":\"type\"}",
            "{\"janus\":", "null", "\u0000\u0001"}) {
            assertThatThrownBy(() -> JanusApi.reply(garbage)).as(garbage).isInstanceOf(JanusException.class)
                    .hasMessageContaining("Janus answered").extracting(e -> ((JanusException) e).code())
                    .isEqualTo(0);
        }
        assertThatThrownBy(() -> JanusApi.reply(null)).hasMessageContaining("(nothing)");
        assertThatThrownBy(() -> JanusApi.reply("x".repeat(10_000))).hasMessageContaining("…")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }

    @Test
    void errorsKeepJanusCode() {
        assertThatThrownBy(() -> JanusApi.reply("{\"janus\":\"error\",\"error\":{\"code\":458,"
                + "\"reason\":\"No such session 5\"}}")).isInstanceOf(JanusException.class)
                .hasMessageContaining("No such session 5").extracting(e -> ((JanusException) e).code())
                .isEqualTo(458);
        JsonNode noFeed = JanusApi.reply("{\"janus\":\"event\",\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\","
                + "\"data\":{\"videoroom\":\"event\",\"error_code\":428,\"error\":\"No such feed (7)\"}}}");
        assertThatThrownBy(() -> JanusApi.pluginEvent(noFeed)).hasMessageContaining("No such feed")
                .extracting(e -> ((JanusException) e).code()).isEqualTo(JanusApi.NO_SUCH_FEED);
        // A synchronous plugin error comes inside a success.
        JsonNode exists = JanusApi.reply("{\"janus\":\"success\",\"plugindata\":{\"data\":{\"videoroom\":\"event\","
                + "\"error_code\":427,\"error\":\"Room 42 already exists\"}}}");
        assertThatThrownBy(() -> JanusApi.accepted(exists)).extracting(e -> ((JanusException) e).code())
                .isEqualTo(JanusApi.ROOM_EXISTS);
    }

    @Test
    void repliesOfTheWrongShapeAreRefused() {
        assertThatThrownBy(() -> JanusApi.successId(JanusApi.reply("{\"janus\":\"success\",\"data\":{}}")))
                .hasMessageContaining("no id");
        assertThatThrownBy(() -> JanusApi.successId(JanusApi.reply("{\"janus\":\"ack\"}")))
                .hasMessageContaining("no id");
        assertThatThrownBy(() -> JanusApi.accepted(JanusApi.reply("{\"janus\":\"keepalive\"}")))
                .hasMessageContaining("neither acknowledged");
        assertThatThrownBy(() -> JanusApi.pluginEvent(JanusApi.reply("{\"janus\":\"event\"}")))
                .hasMessageContaining("no VideoRoom data");
        assertThatThrownBy(() -> JanusApi.pluginEvent(JanusApi.reply("{\"janus\":\"event\",\"plugindata\":"
                + "{\"data\":{\"videoroom\":\"attached\"}},\"jsep\":{\"type\":\"offer\"}}")))
                .hasMessageContaining("without SDP");
    }
}
