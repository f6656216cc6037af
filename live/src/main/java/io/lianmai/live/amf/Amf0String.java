package io.lianmai.live.amf;

import java.util.Objects;

/**
 * AMF0 string (marker 0x02, AMF0 section 2.4, 16-bit length) and long string (marker 0x0C, section 2.14, 32-bit
 * length) as one value: they differ only in the width of the length, so the encoder picks the marker from the UTF-8
 * length and callers never have to.
 */
public record Amf0String(String value) implements Amf0Value {
    public Amf0String {
        Objects.requireNonNull(value, "value");
    }
}
