package io.lianmai.live.amf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AMF0 ECMA array (marker 0x08, AMF0 section 2.10): an associative array, a U32 count then properties as in an
 * object. The count is only a hint (encoders write 0 or wrong counts), so the decoder reads to the object end.
 * {@code onMetaData} arrives as one.
 */
public record Amf0EcmaArray(Map<String, Amf0Value> properties) implements Amf0Value {
    public Amf0EcmaArray {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public Amf0Value get(String key) {
        return properties.get(key);
    }
}
