package io.lianmai.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class IceCandidateTest {

    @Test
    void priorityFollowsRfc8445() {
        assertThat(IceCandidate.priority(126, 65535, 1)).isEqualTo(2130706431L);
        assertThat(IceCandidate.priority(0, 0, 256)).isZero();
        assertThatThrownBy(() -> IceCandidate.priority(127, 0, 1)).hasMessageContaining("type preference 0..126");
        assertThatThrownBy(() -> IceCandidate.priority(126, 0, 0)).hasMessageContaining("component 1..256");
    }

    @Test
    void hostCandidatesForIpv4AndIpv6PreferUdpAndTheFirstAddress() throws Exception {
        List<IceCandidate> candidates = IceCandidate.hostCandidates(
                List.of(InetAddress.getByName("203.0.113.5"), InetAddress.getByName("2001:db8:0:0:1:0:0:1")),
                8801, 8801);

        assertThat(candidates).extracting(IceCandidate::toCandidateString).containsExactly(
                "candidate:1 1 udp 2130706431 203.0.113.5 8801 typ host",
                "candidate:2 1 tcp 1520435199 203.0.113.5 8801 typ host tcptype passive",
                "candidate:3 1 udp 2130706175 2001:db8::1:0:0:1 8801 typ host",
                "candidate:4 1 tcp 1520434943 2001:db8::1:0:0:1 8801 typ host tcptype passive");
        long lowestUdp = candidates.stream().filter(c -> c.transport() == IceCandidate.Transport.UDP)
                .mapToLong(IceCandidate::priority).min().orElseThrow();
        long highestTcp = candidates.stream().filter(c -> c.transport() == IceCandidate.Transport.TCP)
                .mapToLong(IceCandidate::priority).max().orElseThrow();
        assertThat(lowestUdp).isGreaterThan(highestTcp);
        assertThat(candidates.get(0).toSdpLine()).isEqualTo("a=candidate:1 1 udp 2130706431 203.0.113.5 8801 typ host");
    }

    @Test
    void loopbackWorksAndTcpIsOptional() throws Exception {
        List<IceCandidate> candidates = IceCandidate.hostCandidates(
                List.of(InetAddress.getLoopbackAddress(), InetAddress.getByName("::1")), 40000);

        assertThat(candidates).extracting(IceCandidate::toCandidateString).containsExactly(
                "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
                "candidate:2 1 udp 2130706175 ::1 40000 typ host");
        assertThat(candidates.get(1).socketAddress()).contains(new InetSocketAddress("::1", 40000));
    }

    @Test
    void hostCandidatesRefuseWhatClientsCannotReach() throws Exception {
        assertThatThrownBy(() -> IceCandidate.hostCandidates(List.of(InetAddress.getByName("0.0.0.0")), 8801))
                .hasMessageContaining("public IP");
        assertThatThrownBy(() -> IceCandidate.hostCandidates(List.of(InetAddress.getByName("::")), 8801))
                .hasMessageContaining("public IP");
        assertThatThrownBy(() -> IceCandidate.hostCandidates(List.of(), 8801)).hasMessageContaining("1..64");
        assertThatThrownBy(() -> IceCandidate.hostCandidates(List.of(InetAddress.getLoopbackAddress()), 0))
                .hasMessageContaining("UDP port");
        assertThatThrownBy(() -> IceCandidate.hostCandidates(List.of(InetAddress.getLoopbackAddress()), 1, 70000))
                .hasMessageContaining("TCP port");
    }

    @Test
    void ipv6IsFormattedPerRfc5952() throws Exception {
        assertThat(IceCandidate.formatAddress(InetAddress.getByName("2001:db8:0:0:0:0:2:1")))
                .isEqualTo("2001:db8::2:1");
        assertThat(IceCandidate.formatAddress(InetAddress.getByName("2001:db8:0:1:1:1:1:1")))
                .isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(IceCandidate.formatAddress(InetAddress.getByName("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
        assertThat(IceCandidate.formatAddress(InetAddress.getByName("2001:db8:0:0:1:0:0:1")))
                .isEqualTo("2001:db8::1:0:0:1");
        assertThat(IceCandidate.formatAddress(InetAddress.getByName("::"))).isEqualTo("::");
        assertThat(IceCandidate.formatAddress(InetAddress.getByName("fe80::1%1"))).isEqualTo("fe80::1");
        assertThat(IceCandidate.formatAddress(InetAddress.getByName("1:0:0:0:0:0:0:0"))).isEqualTo("1::");
    }

    @Test
    void browserCandidatesParse() throws Exception {
        IceCandidate chrome = IceCandidate.parse("candidate:3317136567 1 udp 2122260223 192.168.1.20 54400 typ host"
                + " generation 0 ufrag EsAw network-id 1 network-cost 10");
        assertThat(chrome.foundation()).isEqualTo("3317136567");
        assertThat(chrome.component()).isEqualTo(1);
        assertThat(chrome.transport()).isEqualTo(IceCandidate.Transport.UDP);
        assertThat(chrome.priority()).isEqualTo(2122260223L);
        assertThat(chrome.address()).isEqualTo("192.168.1.20");
        assertThat(chrome.port()).isEqualTo(54400);
        assertThat(chrome.type()).isEqualTo(IceCandidate.Type.HOST);
        assertThat(chrome.extensions()).containsExactly(Map.entry("generation", "0"), Map.entry("ufrag", "EsAw"),
                Map.entry("network-id", "1"), Map.entry("network-cost", "10"));
        assertThat(chrome.socketAddress()).contains(new InetSocketAddress("192.168.1.20", 54400));

        IceCandidate mdns = IceCandidate.parse("a=candidate:1 1 UDP 2122252543 "
                + "4b1c2e3f-1a2b-4c3d-8e9f-0a1b2c3d4e5f.local 61234 typ host");
        assertThat(mdns.address()).endsWith(".local");
        assertThat(mdns.socketAddress()).isEmpty();

        IceCandidate tcp = IceCandidate.parse("candidate:2 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active");
        assertThat(tcp.transport()).isEqualTo(IceCandidate.Transport.TCP);
        assertThat(tcp.tcpType()).contains(IceCandidate.TcpType.ACTIVE);

        IceCandidate srflx = IceCandidate.parse("candidate:842163049 1 udp 1677729535 203.0.113.9 40001 typ srflx"
                + " raddr 0.0.0.0 rport 0 generation 0");
        assertThat(srflx.type()).isEqualTo(IceCandidate.Type.SRFLX);
        assertThat(srflx.relatedAddress()).contains("0.0.0.0");
        assertThat(srflx.relatedPort()).isZero();

        IceCandidate v6 = IceCandidate.parse("candidate:5 1 udp 2122197247 2001:db8::7 50000 typ host");
        assertThat(v6.socketAddress()).contains(new InetSocketAddress("2001:db8::7", 50000));
    }

    @Test
    void formattedCandidatesParseBackToThemselves() throws Exception {
        for (IceCandidate candidate : IceCandidate.hostCandidates(List.of(InetAddress.getByName("198.51.100.1"),
                InetAddress.getByName("2001:db8::5")), 8801, 8802)) {
            IceCandidate parsed = IceCandidate.parse(candidate.toSdpLine());
            assertThat(parsed).isEqualTo(candidate).hasSameHashCodeAs(candidate);
            assertThat(parsed.toString()).isEqualTo(candidate.toCandidateString());
        }
    }

    @Test
    void garbageIsRejectedWithTheField() {
        assertRejected("", "must start with 'candidate:'");
        assertRejected("candidate:1 1 udp 2130706431 1.2.3.4 8801 typ", "at least 8 fields");
        assertRejected("candidate:1 1 sctp 2130706431 1.2.3.4 8801 typ host", "transport must be udp or tcp");
        assertRejected("candidate:1 0 udp 2130706431 1.2.3.4 8801 typ host", "component must be 1..256");
        assertRejected("candidate:1 1 udp 99999999999 1.2.3.4 8801 typ host", "priority must have 1..10 digits");
        assertRejected("candidate:1 1 udp 9999999999 1.2.3.4 8801 typ host", "priority must be 0..4294967295");
        assertRejected("candidate:1 1 udp -1 1.2.3.4 8801 typ host", "priority must be a decimal number");
        assertRejected("candidate:1 1 udp 1 1.2.3.400 8801 typ host", "is not an IPv4 address");
        assertRejected("candidate:1 1 udp 1 1.2.3 8801 typ host", "is not an IPv4 address");
        assertRejected("candidate:1 1 udp 1 2001:db8::zz 8801 typ host", "is not an IPv6 address");
        assertRejected("candidate:1 1 udp 1 1:2 8801 typ host", "is not an IPv6 address");
        assertRejected("candidate:1 1 udp 1 evil_host 8801 typ host", "neither an IP address nor a host name");
        assertRejected("candidate:1 1 udp 1 1.2.3.4 65536 typ host", "port must be 0..65535");
        assertRejected("candidate:1 1 udp 1 1.2.3.4 8801 type host", "expected 'typ'");
        assertRejected("candidate:1 1 udp 1 1.2.3.4 8801 typ hots", "candidate type must be");
        assertRejected("candidate:1 1 udp 1 1.2.3.4 8801 typ host generation", "no value");
        assertRejected("candidate:1 1 udp 1 1.2.3.4 8801 typ host tcptype passive", "udp candidate cannot");
        assertRejected("candidate:1 1 tcp 1 1.2.3.4 8801 typ host tcptype sideways", "tcptype must be");
        assertRejected("candidate:a_b 1 udp 1 1.2.3.4 8801 typ host", "foundation must be");
        assertRejected("candidate:1 1 udp 1 1.2.3.4 8801 typ host raddr x_y rport 1", "raddr");
        assertRejected("candidate:" + "1".repeat(2000), "exceeds 1024");
    }

    @Property(tries = 2000)
    void randomTextYieldsOnlyIceCandidateException(@ForAll("candidateish") String text) {
        try {
            IceCandidate candidate = IceCandidate.parse(text);
            assertThat(IceCandidate.parse(candidate.toCandidateString())).isEqualTo(candidate);
            candidate.socketAddress();
        } catch (IceCandidateException e) {
            assertThat(e.getMessage()).startsWith("bad ICE candidate");
        }
    }

    @Provide
    Arbitrary<String> candidateish() {
        Arbitrary<String> tokens = Arbitraries.oneOf(
                Arbitraries.of("candidate:1", "1", "udp", "tcp", "UDP", "typ", "host", "srflx", "relay", "raddr",
                        "rport", "tcptype", "passive", "active", "generation", "0", "2130706431", "::1", "1.2.3.4",
                        "x.local", "fe80::1%eth0", "::ffff:1.2.3.4", "65535", "", "-", ":"),
                Arbitraries.strings().ofMaxLength(12));
        return Arbitraries.oneOf(
                tokens.list().ofMinSize(1).ofMaxSize(16).map(list -> String.join(" ", list)),
                tokens.list().ofMinSize(7).ofMaxSize(16).map(list -> "candidate:" + String.join(" ", list)),
                Arbitraries.strings().ofMaxLength(200));
    }

    private static void assertRejected(String line, String messagePart) {
        assertThatThrownBy(() -> IceCandidate.parse(line)).isInstanceOf(IceCandidateException.class)
                .hasMessageContaining(messagePart);
    }
}
