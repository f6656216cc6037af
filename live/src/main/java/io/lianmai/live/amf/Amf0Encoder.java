package io.lianmai.live.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes AMF0 values (Adobe AMF 0 specification, section 2) to a {@link ByteBuf}. */
public final class Amf0Encoder {
    private Amf0Encoder() {
    }

    /** Appends {@code values} in order at the writer index of {@code out}. */
    public static void encode(ByteBuf out, Amf0Value... values) {
        for (Amf0Value value : values) {
            encode(out, value);
        }
    }

    /** Appends {@code values} in order at the writer index of {@code out}. */
    public static void encode(ByteBuf out, Iterable<? extends Amf0Value> values) {
        for (Amf0Value value : values) {
            encode(out, value);
        }
    }

    /** Appends one value; a Java null is written as AMF0 null. */
    public static void encode(ByteBuf out, Amf0Value value) {
        if (value == null || value instanceof Amf0Null) {
            out.writeByte(Amf0Marker.NULL);
        } else if (value instanceof Amf0Number n) {
            out.writeByte(Amf0Marker.NUMBER).writeDouble(n.value());
        } else if (value instanceof Amf0Boolean b) {
            out.writeByte(Amf0Marker.BOOLEAN).writeByte(b.value() ? 1 : 0);
        } else if (value instanceof Amf0String s) {
            byte[] utf8 = s.value().getBytes(StandardCharsets.UTF_8);
            if (utf8.length <= 0xFFFF) {
                out.writeByte(Amf0Marker.STRING).writeShort(utf8.length);
            } else {
                out.writeByte(Amf0Marker.LONG_STRING).writeInt(utf8.length);
            }
            out.writeBytes(utf8);
        } else if (value instanceof Amf0Undefined) {
            out.writeByte(Amf0Marker.UNDEFINED);
        } else if (value instanceof Amf0Object o) {
            out.writeByte(Amf0Marker.OBJECT);
            properties(out, o.properties());
        } else if (value instanceof Amf0EcmaArray a) {
            out.writeByte(Amf0Marker.ECMA_ARRAY).writeInt(a.properties().size());
            properties(out, a.properties());
        } else if (value instanceof Amf0StrictArray a) {
            out.writeByte(Amf0Marker.STRICT_ARRAY).writeInt(a.values().size());
            for (Amf0Value element : a.values()) {
                encode(out, element);
            }
        } else if (value instanceof Amf0Date d) {
            out.writeByte(Amf0Marker.DATE).writeDouble(d.epochMillis()).writeShort(d.timeZone());
        } else {
            throw new AmfException("cannot encode " + value.getClass().getName());
        }
    }

    private static void properties(ByteBuf out, Map<String, Amf0Value> properties) {
        for (Map.Entry<String, Amf0Value> e : properties.entrySet()) {
            int length = ByteBufUtil.utf8Bytes(e.getKey());
            if (length == 0 || length > 0xFFFF) {
                throw new AmfException("AMF0 property name must be 1..65535 UTF-8 bytes, got " + length);
            }
            out.writeShort(length);
            out.writeCharSequence(e.getKey(), StandardCharsets.UTF_8);
            encode(out, e.getValue());
        }
        out.writeShort(0).writeByte(Amf0Marker.OBJECT_END);
    }
}
