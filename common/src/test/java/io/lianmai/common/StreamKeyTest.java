package io.lianmai.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StreamKeyTest {
    private static final StreamId ALICE = StreamId.parse("alice_main");

    @Test
    void formatsTheMediaPlanesKey() {
        assertThat(new StreamKey(new SdkAppId(1400000000L), RoomRef.parse("1234", null), ALICE))
                .hasToString("1400000000/r1234/alice_main");
        assertThat(new StreamKey(new SdkAppId(7), RoomRef.parse(null, "a b:c"), StreamId.parse("bob_aux")))
                .hasToString("7/s:a b:c/bob_aux");
    }

    @Test
    void parsesItBack() {
        StreamKey key = StreamKey.parse("7/s:a b:c/bob_aux");
        assertThat(key.app()).isEqualTo(new SdkAppId(7));
        assertThat(key.room()).isEqualTo(new RoomRef(0, Optional.of("a b:c")));
        assertThat(key.stream()).isEqualTo(StreamId.parse("bob_aux"));
    }

    @Test
    void garbageIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> StreamKey.parse("7/r1")).hasMessageContaining("{sdkAppID}/{roomKey}/{streamID}");
        assertThatThrownBy(() -> StreamKey.parse("0/r1/a_main")).hasMessageContaining("SDKAppID");
        assertThatThrownBy(() -> StreamKey.parse("7/1/a_main")).hasMessageContaining("room key");
        assertThatThrownBy(() -> StreamKey.parse("7/r01/a_main")).hasMessageContaining("room key");
        assertThatThrownBy(() -> StreamKey.parse("7/s:/a_main")).hasMessageContaining("strRoomID");
        assertThatThrownBy(() -> StreamKey.parse("7/r1/a/b_main")).hasMessageContaining("room key");
        assertThatThrownBy(() -> StreamKey.parse("7/r1/a_b")).hasMessageContaining("streamID");
    }

    @Property
    void formattedKeysParseBack(@ForAll("keys") StreamKey key) {
        assertThat(StreamKey.parse(key.toString())).isEqualTo(key);
    }

    /** Two different streams never share a key, whatever their rooms are called. */
    @Property
    void differentStreamsHaveDifferentKeys(@ForAll("keys") StreamKey a, @ForAll("keys") StreamKey b) {
        assertThat(a.toString().equals(b.toString())).isEqualTo(a.equals(b));
    }

    @Property
    void garbageEitherFailsClearlyOrReadsBackTheSame(@ForAll("garbage") String text) {
        StreamKey key;
        try {
            key = StreamKey.parse(text);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(StreamKey.parse(key.toString())).isEqualTo(key);
    }

    @Provide
    Arbitrary<StreamKey> keys() {
        Arbitrary<SdkAppId> apps = Arbitraries.longs().between(1, SdkAppId.MAX).map(SdkAppId::new);
        Arbitrary<RoomRef> rooms = Arbitraries.oneOf(
                Arbitraries.longs().between(1, RoomRef.MAX_ROOM_ID).map(id -> RoomRef.parse(Long.toString(id), null)),
                Arbitraries.strings().withCharRange('a', 'c').withChars(" _:s" + RoomRef.STR_ROOM_ID_SYMBOLS)
                        .ofMinLength(1).ofMaxLength(64).map(name -> RoomRef.parse(null, name)));
        Arbitrary<StreamId> streams = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'c').withChars("_-.@").ofMinLength(1).ofMaxLength(32),
                Arbitraries.of(StreamType.class)).as((user, type) -> StreamId.of(UserId.parse(user), type));
        return Combinators.combine(apps, rooms, streams).as(StreamKey::new);
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("17rs:/_amin ").ofMaxLength(24),
                keys().map(StreamKey::toString).map(s -> s.substring(0, s.length() / 2)));
    }
}
