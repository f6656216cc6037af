package io.lianmai.media.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The ICE-TCP per-source limiter (moved out of SessionAddressesTest with the split of MediaServer, issue 13). */
class TcpConnectionLimiterTest {
    @Test
    void tcpConnectionsAreCountedPerIpv4AddressAndPerIpv6Prefix() throws Exception {
        TcpConnectionLimiter limiter = new TcpConnectionLimiter(2);
        InetAddress v4 = InetAddress.getByName("198.51.100.7");
        InetAddress a = TcpConnectionLimiter.sourceOf(InetAddress.getByName("2001:db8:1:2::1"));
        InetAddress b = TcpConnectionLimiter.sourceOf(InetAddress.getByName("2001:db8:1:2:ffff::9"));
        InetAddress other = TcpConnectionLimiter.sourceOf(InetAddress.getByName("2001:db8:1:3::1"));
        assertThat(a).as("same /64").isEqualTo(b);

        assertThat(limiter.tryOpen(TcpConnectionLimiter.sourceOf(v4))).isTrue();
        assertThat(limiter.tryOpen(v4)).isTrue();
        assertThat(limiter.tryOpen(v4)).isFalse();
        assertThat(limiter.tryOpen(a)).isTrue();
        assertThat(limiter.tryOpen(b)).isTrue();
        assertThat(limiter.tryOpen(a)).isFalse();
        assertThat(limiter.tryOpen(other)).isTrue();
        assertThat(limiter.open()).isEqualTo(5);
        assertThat(limiter.refused()).isEqualTo(2);

        limiter.onClosed(v4);
        assertThat(limiter.tryOpen(v4)).isTrue();
        limiter.onClosed(v4);
        limiter.onClosed(v4);
        limiter.onClosed(v4);
        assertThat(limiter.open()).isEqualTo(3);
    }
}
