package io.lianmai.live.amf;

/** AMF0 number (marker 0x00, AMF0 section 2.2): an IEEE 754 double, big-endian. */
public record Amf0Number(double value) implements Amf0Value {
}
