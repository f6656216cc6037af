package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link DescribeLiveRooms#quality}: TRTC's network quality scale from the loss and round trip the server sees. */
class DescribeLiveRoomsTest {
    @Test
    void qualityIsTheWorseOfLossAndRoundTrip() {
        assertThat(DescribeLiveRooms.quality(-1, -1)).as("nothing measured").isZero();
        assertThat(DescribeLiveRooms.quality(0, -1)).isEqualTo(1);
        assertThat(DescribeLiveRooms.quality(-1, 50)).isEqualTo(1);
        assertThat(DescribeLiveRooms.quality(1.9, 99)).isEqualTo(1);
        assertThat(DescribeLiveRooms.quality(2, 10)).isEqualTo(2);
        assertThat(DescribeLiveRooms.quality(0, 150)).isEqualTo(2);
        assertThat(DescribeLiveRooms.quality(7, 10)).isEqualTo(3);
        assertThat(DescribeLiveRooms.quality(0, 500)).isEqualTo(4);
        assertThat(DescribeLiveRooms.quality(25, 10)).isEqualTo(5);
        assertThat(DescribeLiveRooms.quality(0, 2000)).isEqualTo(5);
    }
}
