package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.room.RoomKey;
import org.junit.jupiter.api.Test;

class PlaybackUrlsTest {
    @Test
    void aNumericRoomsStreamHasTrtcsLiveName() {
        RoomKey room = new RoomKey(new SdkAppId(1400000000L), RoomRef.parse("1234", null).key());

        assertThat(PlaybackUrls.streamName(room, StreamId.parse("a_b_main"))).contains("1400000000_1234_a_b_main");
        assertThat(PlaybackUrls.streamName(room, StreamId.parse("bob_aux"))).contains("1400000000_1234_bob_aux");
    }

    @Test
    void aStringRoomOrAnUnknownStreamTypeHasNone() {
        RoomKey strRoom = new RoomKey(new SdkAppId(1400000000L), RoomRef.parse(null, "1234").key());
        RoomKey room = new RoomKey(new SdkAppId(1400000000L), RoomRef.parse("1234", null).key());

        assertThat(PlaybackUrls.streamName(strRoom, StreamId.parse("alice_main"))).isEmpty();
    }
}
