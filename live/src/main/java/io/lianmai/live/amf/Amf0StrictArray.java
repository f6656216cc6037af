package io.lianmai.live.amf;

import java.util.List;

/** AMF0 strict array (marker 0x0A, AMF0 section 2.12): a U32 count then that many values. */
public record Amf0StrictArray(List<Amf0Value> values) implements Amf0Value {
    public Amf0StrictArray {
        values = List.copyOf(values);
    }
}
