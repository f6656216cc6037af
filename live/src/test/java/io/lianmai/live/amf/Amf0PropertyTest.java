package io.lianmai.live.amf;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Encode→decode is the identity; random and mutated bytes only ever raise {@link AmfException}, and terminate. */
class Amf0PropertyTest {

    @Property(tries = 2000)
    void roundTrip(@ForAll("values") List<Amf0Value> values) {
        ByteBuf buf = Unpooled.buffer();
        Amf0Encoder.encode(buf, values);
        assertThat(Amf0Decoder.decode(buf)).isEqualTo(values);
    }

    @Property(tries = 5000)
    void randomBytesFailOnlyWithAmfException(@ForAll @Size(max = 300) byte[] bytes) {
        decodeGarbage(bytes);
    }

    @Property(tries = 3000)
    void truncatedAndMutatedValidInput(@ForAll("values") List<Amf0Value> values,
                                       @ForAll @IntRange(min = 0, max = 100_000) int cut,
                                       @ForAll @IntRange(min = 0, max = 100_000) int flipAt,
                                       @ForAll byte flip) {
        ByteBuf buf = Unpooled.buffer();
        Amf0Encoder.encode(buf, values);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        if (bytes.length > 0) {
            bytes[flipAt % bytes.length] ^= flip;
        }
        decodeGarbage(Arrays.copyOf(bytes, cut % (bytes.length + 1)));
    }

    private static void decodeGarbage(byte[] bytes) {
        try {
            Amf0Decoder.decode(Unpooled.wrappedBuffer(bytes));
        } catch (AmfException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<List<Amf0Value>> values() {
        return value(3).list().ofMaxSize(5);
    }

    private static Arbitrary<Amf0Value> value(int depth) {
        Arbitrary<Amf0Value> scalar = Arbitraries.oneOf(
                Arbitraries.doubles().map(d -> (Amf0Value) new Amf0Number(d)),
                Arbitraries.of(true, false).map(b -> (Amf0Value) new Amf0Boolean(b)),
                Arbitraries.strings().ofMaxLength(20).map(s -> (Amf0Value) new Amf0String(s)),
                Arbitraries.just((Amf0Value) Amf0Null.INSTANCE),
                Arbitraries.just((Amf0Value) Amf0Undefined.INSTANCE),
                Arbitraries.doubles().map(d -> (Amf0Value) new Amf0Date(d, (short) 0)));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<Amf0Value> inner = Arbitraries.lazy(() -> value(depth - 1));
        Arbitrary<Map<String, Amf0Value>> props = Arbitraries.maps(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), inner).ofMaxSize(4);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalar),
                net.jqwik.api.Tuple.of(1, props.map(m -> (Amf0Value) new Amf0Object(m))),
                net.jqwik.api.Tuple.of(1, props.map(m -> (Amf0Value) new Amf0EcmaArray(m))),
                net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(4).map(l -> (Amf0Value) new Amf0StrictArray(l))));
    }
}
