package dev.bluegreen.core.internal;

/**
 * A minimal JSON writer (RFC 8259) for the project's few fixed documents (the admin endpoint's, the ZooKeeper
 * store's): objects, arrays, strings, numbers, booleans and null, written in order, compact. A JSON library would
 * not pay for itself here. Not thread-safe; one per document.
 */
public final class JsonWriter {

    private final StringBuilder out = new StringBuilder(256);
    private final boolean htmlSafe;
    private boolean needsComma;

    /** A writer that escapes what RFC 8259 §7 requires (and DEL): for stored documents, byte for byte stable. */
    public JsonWriter() {
        this(false);
    }

    private JsonWriter(boolean htmlSafe) {
        this.htmlSafe = htmlSafe;
    }

    /**
     * A writer that also escapes {@code <}, {@code >}, {@code &}, U+2028 and U+2029, so that a value can never close a
     * {@code <script>} block if a page embeds the document: for documents served over HTTP.
     */
    public static JsonWriter htmlSafe() {
        return new JsonWriter(true);
    }

    /** Opens an object. */
    public JsonWriter beginObject() {
        separate();
        out.append('{');
        needsComma = false;
        return this;
    }

    /** Closes the object. */
    public JsonWriter endObject() {
        out.append('}');
        needsComma = true;
        return this;
    }

    /** Opens an array. */
    public JsonWriter beginArray() {
        separate();
        out.append('[');
        needsComma = false;
        return this;
    }

    /** Closes the array. */
    public JsonWriter endArray() {
        out.append(']');
        needsComma = true;
        return this;
    }

    /** Writes a member name; the value follows with the next call. */
    public JsonWriter name(String name) {
        separate();
        string(name);
        out.append(':');
        needsComma = false;
        return this;
    }

    /** Writes a string, or {@code null}. */
    public JsonWriter value(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        needsComma = true;
        return this;
    }

    /** Writes an integer. */
    public JsonWriter value(long value) {
        separate();
        out.append(value);
        needsComma = true;
        return this;
    }

    /**
     * Writes a number with a fraction, such as a ratio; one that JSON can't hold (NaN, an infinity) is written
     * {@code null}.
     */
    public JsonWriter value(double value) {
        separate();
        out.append(Double.isFinite(value) ? Double.toString(value) : "null");
        needsComma = true;
        return this;
    }

    /** Writes a boolean. */
    public JsonWriter value(boolean value) {
        separate();
        out.append(value);
        needsComma = true;
        return this;
    }

    /** Writes a member with a string (or {@code null}) value. */
    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    /** Writes a member with an integer value. */
    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    /** Writes a member with a number value that may have a fraction. */
    public JsonWriter field(String name, double value) {
        return name(name).value(value);
    }

    /** Writes a member with a boolean value. */
    public JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    private void separate() {
        if (needsComma) {
            out.append(',');
            needsComma = false;
        }
    }

    private void string(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (htmlSafe && (c == '<' || c == '>' || c == '&' || c == 0x2028
                            || c == 0x2029)) || isLoneSurrogate(value, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Whether the char at {@code i} is half of no surrogate pair: UTF-8 can't encode it (an encoder writes {@code ?}
     * instead, altering the text), so it goes out escaped, which JSON allows and a reader gives back as it was.
     */
    private static boolean isLoneSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
