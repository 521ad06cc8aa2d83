package dev.bluegreen.core.internal;

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
public final class JsonObject {

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
    public static JsonObject of(String where, Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException((where.isEmpty() ? "the document" : where) + ": " + describe(value)
                    + " (expected: an object)");
        }
        return new JsonObject(where, (Map<String, Object>) value);
    }

    /**
     * A string member.
     *
     * @param name the member's name
     * @return its value
     * @throws IllegalArgumentException if it is missing or not a string
     */
    public String string(String name) {
        Object value = require(name);
        if (!(value instanceof String text)) {
            throw wrongType(name, value, "a string");
        }
        return text;
    }

    /**
     * A string member that may be {@code null}; it must be present all the same.
     *
     * @param name the member's name
     * @return its value, or {@code null}
     * @throws IllegalArgumentException if it is missing or neither a string nor null
     */
    public String nullableString(String name) {
        Object value = require(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw wrongType(name, value, "a string or null");
        }
        return text;
    }

    /**
     * A boolean member.
     *
     * @param name the member's name
     * @return its value
     * @throws IllegalArgumentException if it is missing or not a boolean
     */
    public boolean bool(String name) {
        Object value = require(name);
        if (!(value instanceof Boolean flag)) {
            throw wrongType(name, value, "true or false");
        }
        return flag;
    }

    /**
     * An integer member.
     *
     * @param name the member's name
     * @return its value
     * @throws IllegalArgumentException if it is missing or not an integer
     */
    public long integer(String name) {
        Object value = require(name);
        if (!(value instanceof Long number)) {
            throw wrongType(name, value, "an integer");
        }
        return number;
    }

    /**
     * An integer member within bounds.
     *
     * @param name the member's name
     * @param min the least value allowed
     * @param max the greatest value allowed
     * @return its value
     * @throws IllegalArgumentException if it is missing, not an integer or out of bounds
     */
    public int integer(String name, int min, int max) {
        long value = integer(name);
        if (value < min || value > max) {
            throw new IllegalArgumentException(path(name) + ": " + value + " (expected: " + min + "-" + max + ")");
        }
        return (int) value;
    }

    /**
     * An object member.
     *
     * @param name the member's name
     * @return it, for reading, with its path
     * @throws IllegalArgumentException if it is missing or not an object
     */
    public JsonObject object(String name) {
        return of(path(name), require(name));
    }

    /**
     * An array member.
     *
     * @param name the member's name
     * @return its items
     * @throws IllegalArgumentException if it is missing or not an array
     */
    public List<?> array(String name) {
        Object value = require(name);
        if (!(value instanceof List<?> items)) {
            throw wrongType(name, value, "an array");
        }
        return items;
    }

    /**
     * The path of a member of this object, for messages and nested objects.
     *
     * @param name the member's name
     * @return its path, as in {@code blue.backends[0].port}
     */
    public String path(String name) {
        return where.isEmpty() ? name : where + "." + name;
    }

    /**
     * Where this object is in its document.
     *
     * @return its path, empty for the document itself
     */
    public String where() {
        return where;
    }

    /**
     * Checks that every member was read.
     *
     * @throws IllegalArgumentException naming the first member that was not
     */
    public void finish() {
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
