package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveEndpointsTest {
    @Test
    void basesFollowTheHostTheClientUsed() {
        LiveEndpoints endpoints = new LiveEndpoints(Optional.empty(), () -> 1935, PlaybackUrls.NONE);
        LiveEndpoints.Bases bases = endpoints.forAuthority(false, "192.168.1.20:8800");
        assertThat(bases.rtmp()).contains("rtmp://192.168.1.20:1935/live");
        assertThat(bases.flv()).isEqualTo("http://192.168.1.20:8800/live");
    }

    @Test
    void aTlsClientGetsHttpsFlvAndAHostWithoutPortStaysWithoutOne() {
        LiveEndpoints endpoints = new LiveEndpoints(Optional.empty(), () -> 1935, PlaybackUrls.NONE);
        LiveEndpoints.Bases bases = endpoints.forAuthority(true, "rtc.example.com");
        assertThat(bases.rtmp()).contains("rtmp://rtc.example.com:1935/live");
        assertThat(bases.flv()).isEqualTo("https://rtc.example.com/live");
    }

    @Test
    void theConfiguredPublicUrlWinsOverTheHostHeader() {
        LiveEndpoints endpoints = new LiveEndpoints(Optional.of("https://rtc.example.com/lianmai/"), () -> 19350,
                PlaybackUrls.NONE);
        LiveEndpoints.Bases bases = endpoints.forAuthority(false, "10.0.0.5:8800");
        assertThat(bases.rtmp()).contains("rtmp://rtc.example.com:19350/live");
        assertThat(bases.flv()).isEqualTo("https://rtc.example.com/lianmai/live");
    }

    @Test
    void ipv6HostsKeepTheirBrackets() {
        LiveEndpoints endpoints = new LiveEndpoints(Optional.empty(), () -> 1935, PlaybackUrls.NONE);
        LiveEndpoints.Bases bases = endpoints.forAuthority(false, "[::1]:8800");
        assertThat(bases.rtmp()).contains("rtmp://[::1]:1935/live");
        assertThat(bases.flv()).isEqualTo("http://[::1]:8800/live");
    }

    @Test
    void rtmpOffLeavesOnlyFlv() {
        LiveEndpoints endpoints = new LiveEndpoints(Optional.empty(), () -> -1, PlaybackUrls.NONE);
        LiveEndpoints.Bases bases = endpoints.forAuthority(false, "127.0.0.1:8800");
        assertThat(bases.rtmp()).isEmpty();
        assertThat(bases.flv()).isEqualTo("http://127.0.0.1:8800/live");
    }
}
