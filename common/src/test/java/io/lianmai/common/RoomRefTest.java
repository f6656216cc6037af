package io.lianmai.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RoomRefTest {
    @Test
    void trtcsCharacterSetIsAcceptedAndNothingElse() {
        String all = "azAZ09 !#$%&()+-:;<=.>?@[]^_{}|~,";
        assertThat(RoomRef.parse(null, all).key()).isEqualTo("s:" + all);
        for (String bad : new String[] {"a/b", "a\\b", "a\"b", "a'b", "a*b", "a`b", "a\tb", "a\nb", "é", "a".repeat(65)}) {
            assertThatThrownBy(() -> RoomRef.parse(null, bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("strRoomID");
        }
    }

    /** Whatever a client sends, an accepted room's key has no '/', so a stream key cannot name another room. */
    @Property
    void anAcceptedStrRoomIdNeverCarriesASlash(@ForAll String strRoomId) {
        try {
            RoomRef room = RoomRef.parse(null, strRoomId);
            assertThat(room.key()).doesNotContain("/").doesNotContain("\\");
        } catch (IllegalArgumentException refused) {
            // Refused with a reason: fine.
        }
    }
}
