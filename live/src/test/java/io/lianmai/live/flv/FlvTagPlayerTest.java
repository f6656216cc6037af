package io.lianmai.live.flv;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Taking FLV tags apart: exact round trips of what {@link FlvTags} writes, and garbage never thrown or leaked. */
class FlvTagPlayerTest {
    private final List<String> tags = new ArrayList<>();
    private final List<ByteBuf> bodies = new ArrayList<>();
    private final FlvTagPlayer player = new FlvTagPlayer() {
        @Override
        protected boolean onTag(int type, long timestamp, ByteBuf body) {
            tags.add(type + "@" + timestamp + "/" + body.readableBytes());
            bodies.add(body);
            return true;
        }

        @Override
        protected boolean accepting() {
            return true;
        }

        @Override
        public void end() {
        }
    };

    @Test
    void theFileHeaderIsSkippedAndTagsComeBackWhole() {
        ByteBuf header = FlvTags.header(UnpooledByteBufAllocator.DEFAULT, true, true);
        ByteBuf body = Unpooled.wrappedBuffer(new byte[] {0x17, 1, 2, 3});
        ByteBuf tag = FlvTags.tag(UnpooledByteBufAllocator.DEFAULT, FlvTags.VIDEO, 0xFF000001L, body);

        assertThat(player.offer(header)).isTrue();
        assertThat(player.offer(tag)).isTrue();

        assertThat(tags).containsExactly("9@4278190081/4");
        assertThat(bodies.get(0).getByte(0)).isEqualTo((byte) 0x17);
        assertThat(header.refCnt()).isZero();
        bodies.get(0).release();
        assertThat(tag.refCnt()).as("the body was a retained slice of the tag").isZero();
    }

    @Property(tries = 1000)
    void garbageIsIgnoredOrSplitNeverThrownOrLeaked(@ForAll("garbage") byte[] bytes) {
        ByteBuf buffer = Unpooled.wrappedBuffer(bytes);

        assertThat(player.offer(buffer)).isTrue();

        for (ByteBuf body : bodies) {
            assertThat(body.readableBytes()).isEqualTo(bytes.length - 15);
            body.release();
        }
        if (bytes.length > 0) { // Unpooled.EMPTY_BUFFER is never released
            assertThat(buffer.refCnt()).isZero();
        }
        assertThat(tags.size()).isLessThanOrEqualTo(1);
        tags.clear();
        bodies.clear();
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().list().ofMaxSize(64).map(FlvTagPlayerTest::toArray);
        // Tag-shaped: a plausible type and a size that matches or not.
        Arbitrary<byte[]> shaped = Arbitraries.integers().between(0, 40).flatMap(size -> Arbitraries.of(8, 9, 18, 7)
                .flatMap(type -> Arbitraries.integers().between(-2, 2).map(skew -> {
                    byte[] out = new byte[Math.max(0, 11 + size + 4 + skew)];
                    if (out.length >= 4) {
                        out[0] = (byte) (int) type;
                        out[1] = (byte) (size >> 16);
                        out[2] = (byte) (size >> 8);
                        out[3] = (byte) (int) size;
                    }
                    return out;
                })));
        return Arbitraries.oneOf(random, shaped);
    }

    private static byte[] toArray(List<Byte> list) {
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
