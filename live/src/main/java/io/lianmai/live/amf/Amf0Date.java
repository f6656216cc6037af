package io.lianmai.live.amf;

/** AMF0 date (marker 0x0B, AMF0 section 2.13): milliseconds since the epoch as a double, and a reserved S16 zone. */
public record Amf0Date(double epochMillis, short timeZone) implements Amf0Value {
}
