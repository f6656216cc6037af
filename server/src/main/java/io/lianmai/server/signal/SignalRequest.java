package io.lianmai.server.signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One validated {@code request} frame: its id, action and {@code data}, with typed readers that turn a missing or
 * mistyped field into a {@link ProtocolException} naming it.
 *
 * @param id positive, unique per socket
 * @param action what is asked
 * @param data the action's parameters (an empty object when the frame had none)
 */
record SignalRequest(long id, SignalAction action, ObjectNode data) {

    String string(String name) throws ProtocolException {
        return optionalString(name).orElseThrow(() -> missing(name, "a string"));
    }

    Optional<String> optionalString(String name) throws ProtocolException {
        JsonNode node = data.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw wrongType(name, "a string");
        }
        return Optional.of(node.textValue());
    }

    Optional<Boolean> optionalBoolean(String name) throws ProtocolException {
        JsonNode node = data.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw wrongType(name, "true or false");
        }
        return Optional.of(node.booleanValue());
    }

    Optional<Long> optionalInteger(String name, long min, long max) throws ProtocolException {
        JsonNode node = data.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min
                || node.longValue() > max) {
            throw wrongType(name, "an integer " + min + ".." + max);
        }
        return Optional.of(node.longValue());
    }

    long integer(String name, long min, long max) throws ProtocolException {
        return optionalInteger(name, min, max).orElseThrow(() -> missing(name, "an integer " + min + ".." + max));
    }

    private ProtocolException missing(String name, String kind) {
        return new ProtocolException(id, action.wireName() + ": data." + name + " is required (" + kind + ")");
    }

    private ProtocolException wrongType(String name, String kind) {
        return new ProtocolException(id, action.wireName() + ": data." + name + " must be " + kind);
    }
}
