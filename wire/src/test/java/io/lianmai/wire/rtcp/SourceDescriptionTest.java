package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceDescriptionTest {
    private final SourceDescription sdes = new SourceDescription();

    private List<String> items(byte[] bytes) {
        List<String> seen = new ArrayList<>();
        assertThat(sdes.wrap(bytes, 0, bytes.length)).isTrue();
        while (sdes.nextChunk()) {
            seen.add("ssrc " + Long.toHexString(sdes.chunkSsrc()));
            while (sdes.nextItem()) {
                seen.add(sdes.itemType() + "=" + new String(bytes, sdes.itemOffset(), sdes.itemLength(),
                        StandardCharsets.US_ASCII));
            }
        }
        return seen;
    }

    @Test
    void readsAChromeStyleCname() {
        byte[] bytes = Hex.bytes(RtcpIteratorTest.SDES);
        assertThat(items(bytes)).containsExactly("ssrc 5e3c91a7", "1=abcdefghijklmnop");
        assertThat(sdes.isMalformed()).isFalse();
        assertThat(sdes.sourceCount()).isEqualTo(1);
    }

    @Test
    void walksSeveralChunksWithSeveralItems() {
        // chunk 1: CNAME "a", NAME "bob", end + 3 null octets to the boundary; chunk 2: CNAME "xy", end, 3 nulls
        byte[] bytes = Hex.bytes("82 ca 00 07 | 00 00 00 01 | 01 01 61 02 03 62 6f 62 | 00 00 00 00"
                + " | 00 00 00 02 | 01 02 78 79 | 00 00 00 00");
        assertThat(items(bytes)).containsExactly("ssrc 1", "1=a", "2=bob", "ssrc 2", "1=xy");
        assertThat(sdes.isMalformed()).isFalse();
    }

    @Test
    void nextChunkSkipsUnreadItems() {
        byte[] bytes = Hex.bytes("82 ca 00 07 | 00 00 00 01 | 01 01 61 02 03 62 6f 62 | 00 00 00 00"
                + " | 00 00 00 02 | 01 02 78 79 | 00 00 00 00");
        assertThat(sdes.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(sdes.nextChunk()).isTrue();
        assertThat(sdes.nextChunk()).isTrue();
        assertThat(sdes.chunkSsrc()).isEqualTo(2);
        assertThat(sdes.nextItem()).isTrue();
        assertThat(sdes.itemEquals(Hex.ascii("xy"))).isTrue();
        assertThat(sdes.itemEquals(Hex.ascii("x"))).isFalse();
        assertThat(sdes.nextChunk()).isFalse();
    }

    @Test
    void cnameWriterRoundTrips() {
        byte[] cname = Hex.ascii("lianmai-sfu-01");
        byte[] bytes = new byte[64];
        int length = SourceDescription.writeCname(bytes, 4, 0x77, cname);
        assertThat(length).isEqualTo(SourceDescription.lengthForCname(cname.length)).isEqualTo(28);
        assertThat(length % 4).isZero();
        assertThat(sdes.wrap(bytes, 4, length)).isTrue();
        assertThat(sdes.nextChunk()).isTrue();
        assertThat(sdes.chunkSsrc()).isEqualTo(0x77);
        assertThat(sdes.nextItem()).isTrue();
        assertThat(sdes.itemType()).isEqualTo(SourceDescription.CNAME);
        assertThat(sdes.itemEquals(cname)).isTrue();
        assertThat(sdes.nextItem()).isFalse();
        assertThat(sdes.nextChunk()).isFalse();
        assertThat(sdes.isMalformed()).isFalse();

        for (int size = 0; size < 12; size++) {
            byte[] name = new byte[size];
            java.util.Arrays.fill(name, (byte) 'c');
            int written = SourceDescription.writeCname(bytes, 0, 1, name);
            assertThat(written % 4).isZero();
            assertThat(items(java.util.Arrays.copyOf(bytes, written))).hasSize(2);
            assertThat(sdes.isMalformed()).isFalse();
        }
        assertThat(SourceDescription.writeCname(bytes, 0, 1, new byte[256])).isEqualTo(-1);
        assertThat(SourceDescription.writeCname(new byte[20], 0, 1, new byte[12])).isEqualTo(-1);
    }

    @Test
    void truncatedChunksAndItemsAreMalformed() {
        for (String hex : new String[] {
            "81 ca 00 01 | 00 00 00 01",             // no terminating null item
            "81 ca 00 02 | 00 00 00 01 | 01 05 61 62", // item longer than the packet
            "82 ca 00 02 | 00 00 00 01 | 00 00 00 00", // second chunk missing
            "81 ca 00 02 | 00 00 00 01 | 01 02 61 62", // text fills the packet, no null item
        }) {
            byte[] bytes = Hex.bytes(hex);
            items(bytes);
            assertThat(sdes.isMalformed()).as(hex).isTrue();
        }
        assertThat(sdes.wrap(Hex.bytes("81 cb 00 00"), 0, 4)).as("a BYE").isFalse();
    }
}
