package dev.bluegreen.zookeeper.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict access to one parsed JSON object: each member is read once by name and type, and
 * {@link #finish()} refuses members nobody read, so a document with a misspelt or unknown member is reported
 * instead of silently ignored. Errors are {@link IllegalArgumentException}s naming the member by its path, as in
 * {@code blue.backends[0].port}.
 *
 * <p>Not thread-safe; one per object being read.
 */
final class JsonObject {

    private final String where;
    private final Map<String, Object> members;
    private final Set<String> read = new LinkedHashSet<>();

    private JsonObject(String where, Map<String, Object> members) {
        this.where = where;
        this.members = members;
    }

    /**
     * Wraps a parsed value that must be an object.
     *
     * @param where the path of the value, for messages; empty for the document itself
     * @param value the parsed value
     * @return the object
     * @throws IllegalArgumentException if the value is not an object
     */
    @SuppressWarnings("unchecked")
    static JsonObject of(String where, Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException((where.isEmpty() ? "the document" : where) + ": " + describe(value)
                    + " (expected: an object)");
        }
        return new JsonObject(where, (Map<String, Object>) value);
    }

    String string(String name) {
        Object value = require(name);
        if (!(value instanceof String text)) {
            throw wrongType(name, value, "a string");
        }
        return text;
    }

    /** A string member that may be {@code null}; it must be present all the same. */
    String nullableString(String name) {
        Object value = require(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw wrongType(name, value, "a string or null");
        }
        return text;
    }

    boolean bool(String name) {
        Object value = require(name);
        if (!(value instanceof Boolean flag)) {
            throw wrongType(name, value, "true or false");
        }
        return flag;
    }

    long integer(String name) {
        Object value = require(name);
        if (!(value instanceof Long number)) {
            throw wrongType(name, value, "an integer");
        }
        return number;
    }

    int integer(String name, int min, int max) {
        long value = integer(name);
        if (value < min || value > max) {
            throw new IllegalArgumentException(path(name) + ": " + value + " (expected: " + min + "-" + max + ")");
        }
        return (int) value;
    }

    JsonObject object(String name) {
        return of(path(name), require(name));
    }

    List<?> array(String name) {
        Object value = require(name);
        if (!(value instanceof List<?> items)) {
            throw wrongType(name, value, "an array");
        }
        return items;
    }

    /** The path of a member of this object, for messages and nested objects. */
    String path(String name) {
        return where.isEmpty() ? name : where + "." + name;
    }

    /**
     * Checks that every member was read.
     *
     * @throws IllegalArgumentException naming the first member that was not
     */
    void finish() {
        for (String name : members.keySet()) {
            if (!read.contains(name)) {
                throw new IllegalArgumentException(path(name) + ": an unknown member (expected only: "
                        + String.join(", ", read) + ")");
            }
        }
    }

    private Object require(String name) {
        if (!members.containsKey(name)) {
            throw new IllegalArgumentException(path(name) + ": missing");
        }
        read.add(name);
        return members.get(name);
    }

    private IllegalArgumentException wrongType(String name, Object value, String expected) {
        return new IllegalArgumentException(path(name) + ": " + describe(value) + " (expected: " + expected + ")");
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Long) {
            return "the number " + value;
        }
        if (value instanceof Boolean) {
            return "the literal " + value;
        }
        return value instanceof List ? "an array" : "an object";
    }
}
