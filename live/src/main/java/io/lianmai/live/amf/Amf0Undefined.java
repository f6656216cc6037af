package io.lianmai.live.amf;

/** AMF0 undefined (marker 0x06, AMF0 section 2.8); the unsupported marker (0x0D, section 2.15) decodes to it too. */
public record Amf0Undefined() implements Amf0Value {
    public static final Amf0Undefined INSTANCE = new Amf0Undefined();
}
