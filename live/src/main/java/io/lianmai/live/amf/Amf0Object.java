package io.lianmai.live.amf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AMF0 anonymous object (marker 0x03, AMF0 section 2.5): UTF-8 keyed properties ending with an empty key and the
 * object-end marker (0x09, section 2.11). Property order is kept because some peers (Flash) care.
 */
public record Amf0Object(Map<String, Amf0Value> properties) implements Amf0Value {
    public Amf0Object {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** The property {@code key} if it is a string, else null. */
    public String string(String key) {
        Amf0Value value = properties.get(key);
        return value == null ? null : value.asString();
    }

    /** The property {@code key} if it is a number, else NaN. */
    public double number(String key) {
        Amf0Value value = properties.get(key);
        return value == null ? Double.NaN : value.asNumber();
    }

    public Amf0Value get(String key) {
        return properties.get(key);
    }

    /** A builder that keeps insertion order. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Amf0Object} property by property. */
    public static final class Builder {
        private final Map<String, Amf0Value> properties = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String key, Amf0Value value) {
            properties.put(key, value);
            return this;
        }

        public Builder put(String key, String value) {
            return put(key, Amf0Value.of(value));
        }

        public Builder put(String key, double value) {
            return put(key, Amf0Value.of(value));
        }

        public Builder put(String key, boolean value) {
            return put(key, Amf0Value.of(value));
        }

        public Amf0Object build() {
            return new Amf0Object(properties);
        }
    }
}
