package io.lianmai.server.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** Where callback URLs may point: public addresses only, every resolved address checked, unless allowed. */
class CallbackTargetPolicyTest {
    /** Resolves fixed names only: no lookup leaves the machine. */
    private static InetAddress[] resolve(String host) throws UnknownHostException {
        return switch (host) {
            case "public.example" -> new InetAddress[] {InetAddress.getByName("203.0.113.7")};
            case "internal.example" -> new InetAddress[] {InetAddress.getByName("10.1.2.3")};
            case "mixed.example" -> new InetAddress[] {InetAddress.getByName("203.0.113.7"),
                    InetAddress.getByName("169.254.169.254")};
            default -> throw new UnknownHostException(host);
        };
    }

    private final CallbackTargetPolicy strict = new CallbackTargetPolicy(false, CallbackTargetPolicyTest::resolve);
    private final CallbackTargetPolicy open = new CallbackTargetPolicy(true, CallbackTargetPolicyTest::resolve);

    @Test
    void publicTargetsPass() throws Exception {
        assertThat(strict.check("https://public.example/trtc?x=1").getHost()).isEqualTo("public.example");
        assertThat(strict.check("http://203.0.113.9:8080/cb").getPort()).isEqualTo(8080);
    }

    @Test
    void privateLoopbackAndMetadataTargetsAreRefusedUnlessAllowed() throws Exception {
        assertThatThrownBy(() -> strict.check("http://internal.example/cb"))
                .hasMessageContaining("private (10.0.0.0/8)").hasMessageNotContaining("10.1.2.3");
        assertThatThrownBy(() -> strict.check("http://mixed.example/cb")).hasMessageContaining("link-local");
        assertThatThrownBy(() -> strict.check("http://[::1]:9/cb")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> strict.check("http://[::ffff:127.0.0.1]/cb")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> strict.check("http://nowhere.example/cb")).hasMessageContaining("cannot resolve");

        assertThat(open.check("http://127.0.0.1:9/cb").getHost()).isEqualTo("127.0.0.1");
        assertThat(open.check("http://internal.example/cb").getHost()).isEqualTo("internal.example");
    }

    @Test
    void onlyAbsoluteHttpUrlsWithoutCredentials() {
        assertThatThrownBy(() -> open.check("ftp://public.example/cb")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> open.check("/relative")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> open.check("http://u:secret@public.example/")).hasMessageContaining("user name")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> open.check("http://bad host/")).hasMessageContaining("not a valid URL");
    }
}
