package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImpairedPathTest {
    private static final long MS = 1_000_000L;

    @Test
    void lossDropsAboutTheGivenShare() {
        ImpairedPath path = new ImpairedPath(new Impairment(0.05, 0, 0, true, true), 42);
        byte[] packet = new byte[100];
        int dropped = 0;
        for (int i = 0; i < 100_000; i++) {
            if (path.admit(packet, 0, 100, i) == ImpairedPath.DROP) {
                dropped++;
            }
        }
        assertThat(dropped).isBetween(4_500, 5_500);
        assertThat(path.dropped()).isEqualTo(dropped);
    }

    @Test
    void jitterDelaysWithoutReordering() {
        ImpairedPath path = new ImpairedPath(new Impairment(0, 20 * MS, 0, true, true), 7);
        byte[] packet = new byte[16];
        byte[] out = new byte[SyntheticStream.BUFFER_LENGTH];
        int next = 0;
        for (int i = 0; i < 50; i++) {
            packet[0] = (byte) i;
            int verdict = path.admit(packet, 0, 16, i * MS);
            if (verdict == ImpairedPath.PASS) {
                assertThat(packet[0]).isEqualTo((byte) next++);
            }
            int len;
            while ((len = path.poll(i * MS, out)) >= 0) {
                assertThat(len).isEqualTo(16);
                assertThat(out[0]).isEqualTo((byte) next++);
            }
        }
        while (path.poll(Long.MAX_VALUE, out) >= 0) {
            assertThat(out[0]).isEqualTo((byte) next++);
        }
        assertThat(next).isEqualTo(50);
    }

    @Test
    void reorderedPacketsAreOvertakenAndStillDelivered() {
        ImpairedPath path = new ImpairedPath(new Impairment(0, 0, 0.2, true, true), 3);
        byte[] packet = new byte[16];
        byte[] out = new byte[SyntheticStream.BUFFER_LENGTH];
        int delivered = 0;
        boolean outOfOrder = false;
        int last = -1;
        for (int i = 0; i < 200; i++) {
            packet[0] = (byte) i;
            long now = i * MS;
            if (path.admit(packet, 0, 16, now) == ImpairedPath.PASS) {
                outOfOrder |= (packet[0] & 0xFF) < last;
                last = packet[0] & 0xFF;
                delivered++;
            }
            while (path.poll(now, out) >= 0) {
                outOfOrder |= (out[0] & 0xFF) < last;
                last = out[0] & 0xFF;
                delivered++;
            }
        }
        while (path.poll(Long.MAX_VALUE, out) >= 0) {
            delivered++;
        }
        assertThat(path.reordered()).isPositive();
        assertThat(outOfOrder).isTrue();
        assertThat(delivered + path.overflowed()).isEqualTo(200);
    }
}
