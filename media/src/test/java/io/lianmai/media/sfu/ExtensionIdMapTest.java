package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExtensionIdMapTest {
    private static final String LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    private static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    private static final String TWCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    @Test
    void sharedExtensionsTakeTheSubscribersIds() {
        ExtensionIdMap map = ExtensionIdMap.between(Map.of(MID, 4, LEVEL, 1), Map.of(MID, 1, LEVEL, 2), Set.of(1, 2));
        assertThat(map.map(4)).isEqualTo(1);
        assertThat(map.map(1)).isEqualTo(2);
        assertThat(map.isIdentity()).isFalse();
        assertThat(ExtensionIdMap.between(Map.of(MID, 1), Map.of(MID, 1), Set.of(1)).isIdentity()).isTrue();
    }

    @Test
    void anExtensionTheSubscriberLacksMovesToAnIdUnusedInItsWholeSession() {
        // This m-line negotiated only mid (1); another of the subscriber's m-lines uses 14, 13 and 12. A receiver
        // with one map for the bundle would read 14 as that m-line's extension, so 11 is the id nobody knows.
        ExtensionIdMap map = ExtensionIdMap.between(Map.of(MID, 1, TWCC, 3), Map.of(MID, 1), Set.of(1, 12, 13, 14));
        assertThat(map.map(3)).isEqualTo(11);
        assertThat(map.map(1)).isEqualTo(1);
        assertThat(map.map(0)).isZero();
    }
}
