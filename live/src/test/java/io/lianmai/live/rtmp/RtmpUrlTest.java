package io.lianmai.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** RTMP URLs as CDNs hand them out, each rejection, and garbage (jqwik): a URL or IllegalArgumentException only. */
class RtmpUrlTest {
    @Test
    void aTencentStylePushUrl() {
        RtmpUrl url = RtmpUrl.parse("rtmp://12345.livepush.myqcloud.com/live/1400_8_anchor_main?txSecret=abc&txTime=6F");

        assertThat(url.host()).isEqualTo("12345.livepush.myqcloud.com");
        assertThat(url.port()).isEqualTo(1935);
        assertThat(url.app()).isEqualTo("live");
        assertThat(url.streamName()).isEqualTo("1400_8_anchor_main?txSecret=abc&txTime=6F");
        assertThat(url.tcUrl()).isEqualTo("rtmp://12345.livepush.myqcloud.com:1935/live");
        assertThat(url.redacted()).doesNotContain("abc").endsWith("/live/1400_8_anchor_main?<query>");
        assertThat(url.toString()).doesNotContain("txSecret");
    }

    @Test
    void portsIpv6AndNestedStreamPaths() {
        assertThat(RtmpUrl.parse("RTMP://127.0.0.1:19350/app/s")).isEqualTo(new RtmpUrl("127.0.0.1", 19350, "app", "s"));
        assertThat(RtmpUrl.parse("rtmp://[::1]:1936/live/x")).isEqualTo(new RtmpUrl("::1", 1936, "live", "x"));
        assertThat(RtmpUrl.parse("rtmp://[::1]/live/x").tcUrl()).isEqualTo("rtmp://[::1]:1935/live");
        // FFmpeg's split: the first segment is the app, the rest is the stream name.
        assertThat(RtmpUrl.parse("rtmp://h/live/a/b?k=v")).isEqualTo(new RtmpUrl("h", 1935, "live", "a/b?k=v"));
    }

    @Test
    void rejections() {
        assertRejected(null, "empty");
        assertRejected("http://h/live/s", "only rtmp:// URLs are supported, not scheme http");
        assertRejected("rtmps://h/live/s", "not scheme rtmps");
        assertRejected("srt://h:9000?streamid=x", "not scheme srt");
        assertRejected("rtmp://h", "no application and stream");
        assertRejected("rtmp://h/live", "needs an application and a stream name");
        assertRejected("rtmp://h/live/", "needs an application and a stream name");
        assertRejected("rtmp://h//s", "needs an application and a stream name");
        assertRejected("rtmp:///live/s", "no host");
        assertRejected("rtmp://h:0/live/s", "port must be 1..65535");
        assertRejected("rtmp://h:65536/live/s", "port must be 1..65535");
        assertRejected("rtmp://h:-1/live/s", "port must be 1..65535");
        assertRejected("rtmp://h:/live/s", "port must be 1..65535");
        assertRejected("rtmp://u:p@h/live/s", "user info");
        assertRejected("rtmp://[::1/live/s", "unterminated IPv6");
        assertRejected("rtmp://h/live/s s", "space");
        assertRejected("rtmp://h/live/流", "non-ASCII");
        assertRejected("rtmp://h/live/" + "x".repeat(3000), "longer than 2048");
    }

    private static void assertRejected(String url, String message) {
        assertThatThrownBy(() -> RtmpUrl.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Property(tries = 2000)
    void garbageIsAUrlOrARejection(@ForAll("garbage") String text) {
        try {
            RtmpUrl url = RtmpUrl.parse(text);
            assertThat(url.port()).isBetween(1, 65535);
            assertThat(url.host()).isNotEmpty();
            assertThat(url.app()).isNotEmpty().doesNotContain("/", "?");
            assertThat(url.streamName()).isNotEmpty();
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 500)
    void componentsSurviveARoundTrip(@ForAll("names") String host, @ForAll @IntRange(min = 1, max = 65535) int port,
                                     @ForAll("names") String app, @ForAll("names") String stream,
                                     @ForAll("names") String query) {
        RtmpUrl url = RtmpUrl.parse("rtmp://" + host + ":" + port + "/" + app + "/" + stream + "?" + query);

        assertThat(url).isEqualTo(new RtmpUrl(host.toLowerCase(java.util.Locale.ROOT), port, app,
                stream + "?" + query));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abcXYZ019-_.").ofMinLength(1).ofMaxLength(20);
    }

    @Provide
    Arbitrary<String> garbage() {
        Arbitrary<String> random = Arbitraries.strings().all().ofMaxLength(80);
        Arbitrary<String> urlish = Arbitraries.strings().withChars("rtmp:/[]?@&=.:0123456789ahl \u0000\u00e9")
                .ofMaxLength(60).map(s -> "rtmp://" + s);
        return Arbitraries.oneOf(random, urlish);
    }
}
