package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.server.config.CdnConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where CDN relays may push: every special range refused by default, names judged by what they resolve to. */
class CdnTargetPolicyTest {
    private static final CdnConfig DEFAULT = CdnConfig.DEFAULT;
    /** Names the fake resolver knows; anything else is unknown. Nothing here ever asks a real DNS server. */
    private static final Map<String, List<String>> DNS = Map.of(
            "cdn.example.com", List.of("203.0.113.10"),
            "metadata.attacker.example", List.of("169.254.169.254"),
            "mixed.attacker.example", List.of("203.0.113.11", "10.0.0.7"),
            "ingest.internal", List.of("10.20.0.5"),
            "v6.attacker.example", List.of("::ffff:127.0.0.1"));
    private final List<String> lookups = new ArrayList<>();

    @Test
    void everySpecialRangeIsRefusedByDefault() {
        CdnTargetPolicy policy = policy(DEFAULT);
        Map<String, String> refused = Map.ofEntries(
                Map.entry("127.0.0.1", "127.0.0.1 is a loopback (127.0.0.0/8) address"),
                Map.entry("127.8.9.10", "a loopback (127.0.0.0/8)"),
                Map.entry("169.254.169.254", "169.254.169.254 is a link-local (169.254.0.0/16) address"),
                Map.entry("10.1.2.3", "a private (10.0.0.0/8)"),
                Map.entry("172.16.0.1", "a private (172.16.0.0/12)"),
                Map.entry("172.31.255.255", "a private (172.16.0.0/12)"),
                Map.entry("192.168.1.1", "a private (192.168.0.0/16)"),
                Map.entry("100.64.0.1", "a carrier-grade NAT (100.64.0.0/10)"),
                Map.entry("0.0.0.0", "a 'this network' (0.0.0.0/8)"),
                Map.entry("224.0.0.251", "a multicast (224.0.0.0/4)"),
                Map.entry("255.255.255.255", "a reserved or broadcast (240.0.0.0/4)"),
                Map.entry("::1", "a loopback (::1)"),
                Map.entry("::", "an unspecified (::)"),
                Map.entry("fe80::1", "a link-local (fe80::/10)"),
                Map.entry("fd00::1", "a unique local (fc00::/7)"),
                Map.entry("ff02::1", "a multicast (ff00::/8)"),
                Map.entry("::ffff:169.254.169.254", "a link-local (169.254.0.0/16)"),
                Map.entry("64:ff9b::a9fe:a9fe", "a link-local (169.254.0.0/16)"),
                Map.entry("2002:7f00:1::1", "a loopback (127.0.0.0/8)"));
        refused.forEach((host, why) -> assertThatThrownBy(() -> policy.check(host, 1935))
                .as(host).isInstanceOf(CdnTargetPolicy.DeniedException.class)
                .hasMessageContaining(why).hasMessageContaining("cdn.allowPrivateTargets"));
        assertThat(lookups).as("literals are never looked up").isEmpty();
    }

    @Test
    void aPublicAddressOrNameIsAllowedAndTheCheckedAddressIsTheOneToConnectTo() throws Exception {
        CdnTargetPolicy policy = policy(DEFAULT);

        assertThat(policy.check("203.0.113.9", 1935)).isEqualTo(new InetSocketAddress("203.0.113.9", 1935));
        InetSocketAddress resolved = policy.check("cdn.example.com", 19350);

        assertThat(resolved.getAddress().getHostAddress()).isEqualTo("203.0.113.10");
        assertThat(resolved.getPort()).isEqualTo(19350);
        assertThat(resolved.isUnresolved()).isFalse();
        assertThat(lookups).containsExactly("cdn.example.com");
    }

    @Test
    void aNameIsJudgedByEveryAddressItResolvesToWithoutEchoingThem() {
        CdnTargetPolicy policy = policy(DEFAULT);

        assertThatThrownBy(() -> policy.check("metadata.attacker.example", 1935))
                .hasMessageStartingWith("metadata.attacker.example resolves to a link-local (169.254.0.0/16) address")
                .hasMessageNotContaining("169.254.169.254");
        assertThatThrownBy(() -> policy.check("mixed.attacker.example", 1935))
                .hasMessageContaining("resolves to a private (10.0.0.0/8) address");
        assertThatThrownBy(() -> policy.check("V6.Attacker.Example", 1935))
                .hasMessageContaining("a loopback (127.0.0.0/8)");
        assertThatThrownBy(() -> policy.check("nowhere.example", 1935)).hasMessage("cannot resolve nowhere.example");
    }

    @Test
    void localhostThroughTheSystemResolverIsRefused() {
        CdnTargetPolicy policy = new CdnTargetPolicy(DEFAULT);

        assertThatThrownBy(() -> policy.check("localhost", 1935))
                .isInstanceOf(CdnTargetPolicy.DeniedException.class)
                .hasMessageStartingWith("localhost resolves to a loopback");
    }

    @Test
    void theOperatorMayAllowPrivateTargetsOrSomeOfThem() throws Exception {
        CdnTargetPolicy all = policy(new CdnConfig(true, List.of(), List.of(), 10, 50, 1000));
        CdnTargetPolicy some = policy(new CdnConfig(false, List.of("10.0.0.0/16", "ingest.internal", "::1"),
                List.of(), 10, 50, 1000));

        assertThat(all.check("127.0.0.1", 1935).getPort()).isEqualTo(1935);
        assertThat(all.check("169.254.169.254", 80)).isNotNull();
        assertThat(some.check("10.0.200.1", 1935)).isNotNull();
        assertThat(some.check("ingest.internal", 1935).getAddress().getHostAddress()).isEqualTo("10.20.0.5");
        assertThat(some.check("::1", 1935)).isNotNull();
        assertThatThrownBy(() -> some.check("10.1.0.1", 1935)).hasMessageContaining("a private (10.0.0.0/8)");
        assertThatThrownBy(() -> some.check("127.0.0.1", 1935)).hasMessageContaining("loopback");
    }

    @Test
    void deniedHostsWinOverEverything() {
        CdnTargetPolicy policy = policy(new CdnConfig(true, List.of("cdn.example.com"),
                List.of("203.0.113.0/24", "evil.example"), 10, 50, 1000));

        assertThatThrownBy(() -> policy.check("203.0.113.77", 1935)).hasMessage("203.0.113.77 is an address in "
                + "cdn.deniedHosts");
        assertThatThrownBy(() -> policy.check("cdn.example.com", 1935)).hasMessage("cdn.example.com resolves to "
                + "an address in cdn.deniedHosts");
        assertThatThrownBy(() -> policy.check("EVIL.example", 1935)).hasMessage("EVIL.example is in "
                + "cdn.deniedHosts");
        assertThat(lookups).as("a denied name is not even looked up").containsExactly("cdn.example.com");
    }

    @Test
    void malformedListEntriesAreRejectedAtStart() {
        for (String entry : List.of("10.0.0.0/33", "10.0.0.0/x", "bad_name!", "::1/129")) {
            assertThatThrownBy(() -> new CdnTargetPolicy(new CdnConfig(false, List.of(entry), List.of(), 1, 1, 1)))
                    .as(entry).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private CdnTargetPolicy policy(CdnConfig config) {
        return new CdnTargetPolicy(config, host -> {
            lookups.add(host);
            if (CdnTargetPolicy.isLiteral(host)) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            List<String> addresses = DNS.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] result = new InetAddress[addresses.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = InetAddress.getByName(addresses.get(i));
            }
            return result;
        });
    }
}
