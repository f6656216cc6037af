package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacketCacheTest {
    private final PacketCache cache = new PacketCache(8, 1000);

    @Test
    void returnsWhatWasStored() {
        byte[] packet = {1, 2, 3, 4, 5};
        cache.store(70, packet, 1, 3, 0);
        byte[] out = new byte[10];

        assertThat(cache.copyTo(70, out, 2, 10)).isEqualTo(3);
        assertThat(out).startsWith(0, 0, 2, 3, 4);
    }

    @Test
    void overwrittenExpiredAndUnknownAreMisses() {
        byte[] packet = new byte[100];
        cache.store(1, packet, 0, 100, 0);
        cache.store(9, packet, 0, 100, 0);
        cache.store(2, packet, 0, 100, 0);
        byte[] out = new byte[1500];

        assertThat(cache.copyTo(1, out, 0, 0)).as("overwritten by 9").isEqualTo(-1);
        assertThat(cache.copyTo(9, out, 0, 0)).isEqualTo(100);
        assertThat(cache.copyTo(2, out, 0, 1001)).as("too old").isEqualTo(-1);
        assertThat(cache.copyTo(3, out, 0, 0)).isEqualTo(-1);
        assertThat(cache.copyTo(9, new byte[50], 0, 0)).as("no room in out").isEqualTo(-1);
    }

    @Test
    void refusesOversizedPacketsAndBadCapacities() {
        assertThat(cache.store(1, new byte[2000], 0, 2000, 0)).isFalse();
        assertThatThrownBy(() -> new PacketCache(100, 1)).hasMessageContaining("power of two");
    }
}
