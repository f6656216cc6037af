package io.lianmai.live.amf;

/** AMF0 null (marker 0x05, AMF0 section 2.7). */
public record Amf0Null() implements Amf0Value {
    public static final Amf0Null INSTANCE = new Amf0Null();
}
