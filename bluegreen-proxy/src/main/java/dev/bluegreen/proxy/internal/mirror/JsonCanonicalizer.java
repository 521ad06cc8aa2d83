package dev.bluegreen.proxy.internal.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a JSON document (RFC 8259) into a canonical form, without some members, for comparing two answers by what
 * they say rather than how they spell it: members named in the ignored set are left out at any depth, the remaining
 * members of each object are sorted by name, white space is dropped. Strings and numbers are kept as written (two
 * spellings of one number still differ). Nesting deeper than {@value #MAX_DEPTH} levels counts as not JSON. Stateless
 * apart from one parse; not thread-safe.
 */
final class JsonCanonicalizer {

    /** How deep the parser goes before it gives up: a bounded stack on the event loop whatever the input. */
    static final int MAX_DEPTH = 64;

    private final Set<String> ignored;
    private String text;
    private int at;

    /** @param ignored the member names to leave out */
    JsonCanonicalizer(Set<String> ignored) {
        this.ignored = ignored;
    }

    /** The canonical form of {@code json}, or {@code null} if it is not one JSON value. */
    String canonical(String json) {
        text = json;
        at = 0;
        try {
            StringBuilder out = new StringBuilder(json.length());
            value(out, 0);
            skipWhiteSpace();
            return at == text.length() ? out.toString() : null;
        } catch (NotJson | IndexOutOfBoundsException | NumberFormatException e) {
            return null;
        } finally {
            text = null;
        }
    }

    private void value(StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new NotJson();
        }
        skipWhiteSpace();
        char c = text.charAt(at);
        switch (c) {
            case '{' -> object(out, depth);
            case '[' -> array(out, depth);
            case '"' -> out.append(text, at, endOfString());
            case 't' -> literal(out, "true");
            case 'f' -> literal(out, "false");
            case 'n' -> literal(out, "null");
            default -> number(out);
        }
    }

    private void object(StringBuilder out, int depth) {
        at++;
        List<Map.Entry<String, String>> members = new ArrayList<>();
        skipWhiteSpace();
        if (text.charAt(at) == '}') {
            at++;
        } else {
            while (true) {
                skipWhiteSpace();
                if (text.charAt(at) != '"') {
                    throw new NotJson();
                }
                int start = at;
                int end = endOfString();
                String name = decode(start + 1, end - 1);
                skipWhiteSpace();
                expect(':');
                StringBuilder member = new StringBuilder();
                value(member, depth + 1);
                if (!ignored.contains(name)) {
                    members.add(Map.entry(name, text.substring(start, end) + ":" + member));
                }
                skipWhiteSpace();
                if (text.charAt(at) == ',') {
                    at++;
                } else {
                    expect('}');
                    break;
                }
            }
        }
        members.sort(Map.Entry.comparingByKey());
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
            out.append(i == 0 ? "" : ",").append(members.get(i).getValue());
        }
        out.append('}');
    }

    private void array(StringBuilder out, int depth) {
        at++;
        out.append('[');
        skipWhiteSpace();
        if (text.charAt(at) == ']') {
            at++;
            out.append(']');
            return;
        }
        while (true) {
            value(out, depth + 1);
            skipWhiteSpace();
            if (text.charAt(at) == ',') {
                at++;
                out.append(',');
            } else {
                expect(']');
                out.append(']');
                return;
            }
        }
    }

    /** Moves past the string that starts here; @return the index after its closing quote */
    private int endOfString() {
        int i = at + 1;
        while (true) {
            char c = text.charAt(i);
            if (c == '"') {
                at = i + 1;
                return at;
            }
            if (c < 0x20) {
                throw new NotJson();
            }
            i += c == '\\' ? 2 : 1;
        }
    }

    /** The value of the string between {@code from} and {@code to} (quotes excluded), escapes resolved. */
    private String decode(int from, int to) {
        if (text.indexOf('\\', from) < 0 || text.indexOf('\\', from) >= to) {
            return text.substring(from, to);
        }
        StringBuilder name = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                name.append(c);
                continue;
            }
            char escaped = text.charAt(++i);
            switch (escaped) {
                case 'b' -> name.append('\b');
                case 'f' -> name.append('\f');
                case 'n' -> name.append('\n');
                case 'r' -> name.append('\r');
                case 't' -> name.append('\t');
                case 'u' -> {
                    name.append((char) Integer.parseInt(text, i + 1, i + 5, 16));
                    i += 4;
                }
                default -> name.append(escaped);
            }
        }
        return name.toString();
    }

    private void literal(StringBuilder out, String word) {
        if (!text.startsWith(word, at)) {
            throw new NotJson();
        }
        at += word.length();
        out.append(word);
    }

    private void number(StringBuilder out) {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        if (at == start) {
            throw new NotJson();
        }
        out.append(text, start, at);
    }

    private void expect(char c) {
        if (text.charAt(at) != c) {
            throw new NotJson();
        }
        at++;
    }

    private void skipWhiteSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    /** The document is not JSON; thrown without a stack trace, it only unwinds the parse. */
    private static final class NotJson extends RuntimeException {

        private static final long serialVersionUID = 1L;

        NotJson() {
            super(null, null, false, false);
        }
    }
}
