package io.lianmai.live.amf;

/** AMF0 boolean (marker 0x01, AMF0 section 2.3): one byte, zero is false. */
public record Amf0Boolean(boolean value) implements Amf0Value {
}
