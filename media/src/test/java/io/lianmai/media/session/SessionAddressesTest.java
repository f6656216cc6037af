package io.lianmai.media.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The bounded per-session address table and the ICE-TCP per-source limiter. */
class SessionAddressesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aNewAddressEvictsTheOldestButNeverTheOneMediaGoesTo() {
        SessionAddresses table = new SessionAddresses(3);
        InetSocketAddress nominated = new InetSocketAddress(LOOPBACK, 1000);
        assertThat(table.onValidCheck(nominated, 0, null)).isNull();
        assertThat(table.onValidCheck(port(1001), 1, nominated)).isNull();
        assertThat(table.onValidCheck(port(1002), 2, nominated)).isNull();

        assertThat(table.onValidCheck(port(1003), 3, nominated)).as("oldest unselected").isEqualTo(port(1001));
        assertThat(table.onValidCheck(port(1002), 4, nominated)).as("known: refreshed, nothing evicted").isNull();
        assertThat(table.onValidCheck(port(1004), 5, nominated)).isEqualTo(port(1003));
        for (int port = 2000; port < 12_000; port++) {
            InetSocketAddress evicted = table.onValidCheck(port(port), 10 + port, nominated);
            assertThat(evicted).isNotNull().isNotEqualTo(nominated);
        }
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.get(0)).isEqualTo(nominated);
    }

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

    private static InetSocketAddress port(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }
}
