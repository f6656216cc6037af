package io.lianmai.live.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes AMF0 values (Adobe AMF 0 specification, section 2) from untrusted bytes. Every length is checked against
 * the bytes that remain before anything is read or allocated; nesting depth and the total number of values are
 * capped so that a 16 MiB message cannot become gigabytes of objects. Anything wrong is an {@link AmfException}.
 */
public final class Amf0Decoder {
    /** Deep enough for any real command or metadata (they nest two or three levels). */
    public static final int DEFAULT_MAX_DEPTH = 32;
    /** Metadata and commands carry tens of values; 64 Ki leaves room and bounds memory per message. */
    public static final int DEFAULT_MAX_VALUES = 65_536;

    private final int maxDepth;
    private final int maxValues;
    private int values;

    private Amf0Decoder(int maxDepth, int maxValues) {
        this.maxDepth = maxDepth;
        this.maxValues = maxValues;
    }

    /** Decodes every value from the reader index to the writer index of {@code buf}, advancing the reader index. */
    public static List<Amf0Value> decode(ByteBuf buf) {
        return decode(buf, DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUES);
    }

    /** As {@link #decode(ByteBuf)} with explicit limits. */
    public static List<Amf0Value> decode(ByteBuf buf, int maxDepth, int maxValues) {
        Amf0Decoder decoder = new Amf0Decoder(maxDepth, maxValues);
        List<Amf0Value> out = new ArrayList<>();
        while (buf.isReadable()) {
            out.add(decoder.value(buf, 0));
        }
        return out;
    }

    private Amf0Value value(ByteBuf buf, int depth) {
        if (++values > maxValues) {
            throw new AmfException("more than " + maxValues + " AMF0 values");
        }
        int at = buf.readerIndex();
        need(buf, 1, "type marker");
        int marker = buf.readUnsignedByte();
        switch (marker) {
            case Amf0Marker.NUMBER:
                need(buf, 8, "number");
                return new Amf0Number(buf.readDouble());
            case Amf0Marker.BOOLEAN:
                need(buf, 1, "boolean");
                return new Amf0Boolean(buf.readByte() != 0);
            case Amf0Marker.STRING:
                return new Amf0String(utf8(buf, shortLength(buf)));
            case Amf0Marker.LONG_STRING:
                return new Amf0String(utf8(buf, longLength(buf, 1)));
            case Amf0Marker.NULL:
                return Amf0Null.INSTANCE;
            case Amf0Marker.UNDEFINED:
            case Amf0Marker.UNSUPPORTED:
                return Amf0Undefined.INSTANCE;
            case Amf0Marker.OBJECT:
                return new Amf0Object(properties(buf, nested(depth, at)));
            case Amf0Marker.ECMA_ARRAY:
                need(buf, 4, "ECMA array count");
                buf.skipBytes(4);
                return new Amf0EcmaArray(properties(buf, nested(depth, at)));
            case Amf0Marker.STRICT_ARRAY: {
                // Each element takes at least one byte, so a count beyond the remaining bytes is a lie.
                int count = longLength(buf, 1);
                int inner = nested(depth, at);
                List<Amf0Value> elements = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    elements.add(value(buf, inner));
                }
                return new Amf0StrictArray(elements);
            }
            case Amf0Marker.DATE:
                need(buf, 10, "date");
                return new Amf0Date(buf.readDouble(), buf.readShort());
            case Amf0Marker.OBJECT_END:
                throw new AmfException("object-end marker outside an object at offset " + at);
            default:
                throw new AmfException("unsupported AMF0 marker 0x" + Integer.toHexString(marker) + " at offset " + at);
        }
    }

    private int nested(int depth, int at) {
        if (depth + 1 > maxDepth) {
            throw new AmfException("AMF0 nesting deeper than " + maxDepth + " at offset " + at);
        }
        return depth + 1;
    }

    private Map<String, Amf0Value> properties(ByteBuf buf, int depth) {
        Map<String, Amf0Value> properties = new LinkedHashMap<>();
        while (true) {
            String key = utf8(buf, shortLength(buf));
            if (key.isEmpty()) {
                need(buf, 1, "object-end marker");
                if (buf.getUnsignedByte(buf.readerIndex()) == Amf0Marker.OBJECT_END) {
                    buf.skipBytes(1);
                    return properties;
                }
            }
            properties.put(key, value(buf, depth));
        }
    }

    private static int shortLength(ByteBuf buf) {
        need(buf, 2, "string length");
        return buf.readUnsignedShort();
    }

    private static int longLength(ByteBuf buf, int bytesPerUnit) {
        need(buf, 4, "32-bit length");
        long length = buf.readUnsignedInt();
        if (length * bytesPerUnit > buf.readableBytes()) {
            throw new AmfException("length " + length + " at offset " + (buf.readerIndex() - 4)
                    + " exceeds the " + buf.readableBytes() + " bytes that remain");
        }
        return (int) length;
    }

    private static String utf8(ByteBuf buf, int length) {
        need(buf, length, "string");
        String s = buf.toString(buf.readerIndex(), length, StandardCharsets.UTF_8);
        buf.skipBytes(length);
        return s;
    }

    private static void need(ByteBuf buf, int bytes, String what) {
        if (buf.readableBytes() < bytes) {
            throw new AmfException("truncated AMF0 " + what + " at offset " + buf.readerIndex() + ": need " + bytes
                    + " bytes, " + buf.readableBytes() + " remain");
        }
    }
}
