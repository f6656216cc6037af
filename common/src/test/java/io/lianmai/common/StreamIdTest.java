package io.lianmai.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StreamIdTest {
    @Test
    void readsTheUserAndTheType() {
        assertThat(StreamId.parse("alice_main")).isEqualTo(StreamId.of(UserId.parse("alice"), StreamType.MAIN));
        // The userID is everything before the last '_'.
        assertThat(StreamId.parse("a_b_aux")).isEqualTo(StreamId.of(UserId.parse("a_b"), StreamType.AUX));
        assertThat(StreamId.parse("a_b_aux").toString()).isEqualTo("a_b_aux");
    }

    @Test
    void garbageIsRefusedWithWhatIsWrong() {
        for (String bad : new String[] {"", "alice", "alice_", "_main", "alice_MAIN", "alice_video", "alice-main"}) {
            assertThatThrownBy(() -> StreamId.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("streamID must be {userID}_main or {userID}_aux");
        }
        assertThatThrownBy(() -> StreamId.parse(null)).hasMessageContaining("got nothing");
        assertThatThrownBy(() -> StreamId.parse("b/alice_main")).hasMessageContaining("with a valid userID")
                .hasMessageContaining("'/'");
        assertThatThrownBy(() -> StreamId.parse("x".repeat(33) + "_main")).hasMessageContaining("at most 32");
    }

    @Property
    void formattedIdsParseBack(@ForAll("userIds") String user, @ForAll StreamType type) {
        StreamId id = StreamId.of(UserId.parse(user), type);
        assertThat(StreamId.parse(id.toString())).isEqualTo(id);
    }

    @Property
    void garbageEitherFailsClearlyOrReadsBackTheSame(@ForAll("garbage") String text) {
        StreamId id;
        try {
            id = StreamId.parse(text);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).startsWith("streamID must be");
            return;
        }
        assertThat(id.toString()).isEqualTo(text);
    }

    @Provide
    Arbitrary<String> userIds() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("_-.@")
                .ofMinLength(1).ofMaxLength(32);
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(50),
                Arbitraries.strings().withChars("ab_/ .@").ofMaxLength(12).map(s -> s + "_main"),
                Arbitraries.strings().withChars("ab_mainux").ofMaxLength(16));
    }
}
