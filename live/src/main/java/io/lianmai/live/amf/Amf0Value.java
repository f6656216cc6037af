package io.lianmai.live.amf;

/**
 * One AMF0 value (Action Message Format 0, Adobe "AMF 0 File Format Specification", section 2). Decoded by
 * {@link Amf0Decoder}, written by {@link Amf0Encoder}.
 */
public sealed interface Amf0Value
        permits Amf0Number, Amf0Boolean, Amf0String, Amf0Object, Amf0Null, Amf0Undefined, Amf0EcmaArray,
        Amf0StrictArray, Amf0Date {

    /** The string if this is an {@link Amf0String}, else null. */
    default String asString() {
        return this instanceof Amf0String s ? s.value() : null;
    }

    /** The number if this is an {@link Amf0Number}, else NaN. */
    default double asNumber() {
        return this instanceof Amf0Number n ? n.value() : Double.NaN;
    }

    static Amf0Value of(String value) {
        return value == null ? Amf0Null.INSTANCE : new Amf0String(value);
    }

    static Amf0Value of(double value) {
        return new Amf0Number(value);
    }

    static Amf0Value of(boolean value) {
        return new Amf0Boolean(value);
    }
}
