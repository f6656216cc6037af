package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a node sends a client: the redirect URL of a request on another node, and its signalling URL. */
class ClusterNodeTest {
    private static ClusterNode at(String url) {
        return new ClusterNode("node-b", url, "http://10.0.0.2:8080/", 5000, 1935, 0, 0, 0, 0, 0, false, 0, "test");
    }

    @Test
    void aRequestGoesToTheSamePathAndQueryOnTheNode() {
        String uri = "/live/1400000001_r7_alice_main.flv?txSecret=ab%2Fcd&txTime=65A0B1C2";
        assertThat(at("https://b.rtc.example.com/").urlFor(uri))
                .isEqualTo("https://b.rtc.example.com/live/1400000001_r7_alice_main.flv?txSecret=ab%2Fcd&txTime=65A0B1C2");
        assertThat(at("https://b.rtc.example.com").urlFor(uri)).as("a base URL without its trailing slash")
                .isEqualTo("https://b.rtc.example.com/live/1400000001_r7_alice_main.flv?txSecret=ab%2Fcd&txTime=65A0B1C2");
        assertThat(at("http://127.0.0.1:8081/").urlFor("/whip?strRoomID=a%20b"))
                .isEqualTo("http://127.0.0.1:8081/whip?strRoomID=a%20b");
        assertThat(at("http://127.0.0.1:8081/").urlFor("/whep")).isEqualTo("http://127.0.0.1:8081/whep");
    }

    @Test
    void aBaseUrlWithAPathKeepsIt() {
        assertThat(at("https://rtc.example.com/b/").urlFor("/live/s.m3u8?x=1"))
                .isEqualTo("https://rtc.example.com/b/live/s.m3u8?x=1");
    }

    @Test
    void anAbsoluteFormRequestTargetGivesItsPathAndQueryOnly() {
        assertThat(at("https://b.example.com/").urlFor("http://a.example.com:8080/live/s.flv?txTime=1"))
                .isEqualTo("https://b.example.com/live/s.flv?txTime=1");
        assertThat(at("https://b.example.com/").urlFor("http://a.example.com")).isEqualTo("https://b.example.com/");
    }

    @Test
    void theSignallingUrlFollowsTheScheme() {
        assertThat(at("https://b.example.com").webSocketUrl()).isEqualTo("wss://b.example.com/ws");
        assertThat(at("http://127.0.0.1:8081/").webSocketUrl()).isEqualTo("ws://127.0.0.1:8081/ws");
    }
}
