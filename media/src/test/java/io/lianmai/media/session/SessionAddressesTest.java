package io.lianmai.media.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The bounded per-session address table. */
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

    private static InetSocketAddress port(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }
}
