package io.lianmai.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OfferedKindsTest {
    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

    @Test
    void mediaTypesAreReadFromEverySectionInAnyCase() {
        assertThat(OfferedKinds.of(HEAD + "m=VIDEO 9 UDP/TLS/RTP/SAVPF 96\r\n")).isEqualTo(new OfferedKinds(false, true));
        assertThat(OfferedKinds.of(HEAD + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                + "m=Audio 9 UDP/TLS/RTP/SAVPF 111\r\n")).isEqualTo(new OfferedKinds(true, false));
    }

    @Test
    void rejectedAndNonAudioVideoSectionsNeedNothing() {
        assertThat(OfferedKinds.of(HEAD + "m=video 0 UDP/TLS/RTP/SAVPF 96\r\nm=text 9 RTP/AVP 98\r\n"))
                .isEqualTo(new OfferedKinds(false, false));
        assertThat(OfferedKinds.of(HEAD + "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=bundle-only\r\n"))
                .as("bundle-only is not rejected").isEqualTo(new OfferedKinds(false, true));
    }

    @Test
    void anOfferThatDoesNotParseIsRefusedOrTakenAsEverything() {
        assertThatThrownBy(() -> OfferedKinds.of("v=0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid SDP");
        assertThat(OfferedKinds.tryOf("garbage\nm=video")).isEmpty();
        assertThat(OfferedKinds.tryOf("garbage").orElse(OfferedKinds.EVERYTHING)).isEqualTo(OfferedKinds.EVERYTHING);
    }
}
