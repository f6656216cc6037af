package io.lianmai.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LiveStreamNameTest {
    @Test
    void readsTrtcsCdnStreamName() {
        LiveStreamName name = LiveStreamName.parse("1400000000_1234_a_b_main");
        assertThat(name.app()).isEqualTo(new SdkAppId(1400000000L));
        assertThat(name.room()).isEqualTo(RoomRef.parse("1234", null));
        assertThat(name.stream()).isEqualTo(StreamId.parse("a_b_main"));
        assertThat(name).hasToString("1400000000_1234_a_b_main");
        assertThat(name.streamKey()).hasToString("1400000000/r1234/a_b_main");
    }

    @Test
    void aStringRoomIsWrittenAsIs() {
        LiveStreamName name = new LiveStreamName(new SdkAppId(7), RoomRef.parse(null, "lobby"),
                StreamId.parse("bob_aux"));
        assertThat(name).hasToString("7_lobby_bob_aux");
    }

    @Test
    void garbageIsRefusedWithWhatIsWrong() {
        for (String bad : new String[] {"", "cam", "1_2", "1_2_main", "1__alice_main", "1_2__main"}) {
            assertThatThrownBy(() -> LiveStreamName.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be");
        }
        assertThatThrownBy(() -> LiveStreamName.parse("x_2_alice_main")).hasMessageContaining("SDKAppID");
        assertThatThrownBy(() -> LiveStreamName.parse("1_lobby_alice_main")).hasMessageContaining("roomID");
        assertThatThrownBy(() -> LiveStreamName.parse("1_0_alice_main")).hasMessageContaining("roomID");
        assertThatThrownBy(() -> LiveStreamName.parse("1_2_alice_video")).hasMessageContaining("streamID");
        assertThatThrownBy(() -> LiveStreamName.parse("1_2_al ice_main")).hasMessageContaining("valid userID");
    }

    @Property
    void formattedNamesParseBack(@ForAll("names") LiveStreamName name) {
        assertThat(LiveStreamName.parse(name.toString())).isEqualTo(name);
    }

    @Property
    void garbageEitherFailsClearlyOrNamesAValidStream(@ForAll("garbage") String text) {
        LiveStreamName name;
        try {
            name = LiveStreamName.parse(text);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(name.streamKey().toString()).doesNotContain("//");
        assertThat(LiveStreamName.parse(name.toString())).isEqualTo(name);
    }

    @Provide
    Arbitrary<LiveStreamName> names() {
        return Combinators.combine(Arbitraries.longs().between(1, SdkAppId.MAX).map(SdkAppId::new),
                Arbitraries.longs().between(1, RoomRef.MAX_ROOM_ID).map(id -> RoomRef.parse(Long.toString(id), null)),
                Arbitraries.strings().withCharRange('a', 'c').withChars("_-.@").ofMinLength(1).ofMaxLength(32),
                Arbitraries.of(StreamType.class))
                .as((app, room, user, type) -> new LiveStreamName(app, room, StreamId.of(UserId.parse(user), type)));
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("120_abmainux /").ofMaxLength(24));
    }
}
