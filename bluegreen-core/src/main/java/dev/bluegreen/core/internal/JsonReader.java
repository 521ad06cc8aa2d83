package dev.bluegreen.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259) for the stores' documents (the ZooKeeper znodes, the state file), into
 * {@link Map} (keys in order), {@link List}, {@link String}, {@link Long}, {@link Boolean} and {@code null}; the
 * reading side of {@link JsonWriter}.
 *
 * <p>Stricter than the RFC where the stores' documents allow it, so that a damaged document is reported rather than
 * half-read: numbers must be integers that fit a {@code long}, object keys must be unique, nesting is at most
 * {@value #MAX_DEPTH} deep, and nothing but whitespace may follow the value. Errors are
 * {@link IllegalArgumentException}s that give the offset (and line and column) and what was expected there.
 *
 * <p>Stateless entry point; each call parses one document.
 */
public final class JsonReader {

    private static final int MAX_DEPTH = 16;

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON document.
     *
     * @param text the document
     * @return the value
     * @throws IllegalArgumentException if the text is not one JSON value, or breaks a rule above
     */
    public static Object parse(String text) {
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        Object value = reader.value(0);
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw reader.error("the end of the document");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " levels of nesting");
        }
        if (pos >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield integer();
                }
                throw error("a value");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        pos++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek('}')) {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        for (;;) {
            skipWhitespace();
            if (!peek('"')) {
                throw error("a member name in double quotes");
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(depth + 1);
            if (members.containsKey(key)) {
                pos = keyAt;
                throw error("no second member named \"" + key + "\"");
            }
            members.put(key, value);
            skipWhitespace();
            if (peek(',')) {
                pos++;
            } else if (peek('}')) {
                pos++;
                return Collections.unmodifiableMap(members);
            } else {
                throw error("',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        pos++;
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek(']')) {
            pos++;
            return Collections.unmodifiableList(items);
        }
        for (;;) {
            skipWhitespace();
            items.add(value(depth + 1));
            skipWhitespace();
            if (peek(',')) {
                pos++;
            } else if (peek(']')) {
                pos++;
                return Collections.unmodifiableList(items);
            } else {
                throw error("',' or ']'");
            }
        }
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        for (;;) {
            if (pos >= text.length()) {
                throw error("the closing '\"' of a string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("no unescaped control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= text.length()) {
                throw error("an escape sequence");
            }
            char escape = text.charAt(pos + 1);
            pos += 2;
            switch (escape) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(hex4());
                default -> {
                    pos -= 2;
                    throw error("a valid escape sequence");
                }
            }
        }
    }

    private char hex4() {
        if (pos + 4 > text.length()) {
            throw error("four hex digits");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0) {
                throw error("four hex digits");
            }
            value = value * 16 + digit;
        }
        pos += 4;
        return (char) value;
    }

    private Long integer() {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        int digitsStart = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        int digits = pos - digitsStart;
        if (digits == 0 || (digits > 1 && text.charAt(digitsStart) == '0')) {
            pos = start;
            throw error("an integer without leading zeros");
        }
        if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos = start;
            throw error("an integer (no fraction or exponent)");
        }
        try {
            return Long.parseLong(text, start, pos, 10);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("an integer that fits 64 bits");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("a value");
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private IllegalArgumentException error(String expected) {
        String found = pos >= text.length() ? "the end of the document"
                : "'" + printable(text.charAt(pos)) + "'";
        return new IllegalArgumentException("not valid JSON at offset " + pos + " (" + lineAndColumn() + "): found "
                + found + " (expected: " + expected + ")");
    }

    /** Where {@link #pos} is, for people: line and column, both from 1. */
    private String lineAndColumn() {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (pos - lineStart + 1);
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
