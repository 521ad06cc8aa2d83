package dev.bluegreen.proxy.internal.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Reads and removes one cookie in a request's {@code Cookie} fields (RFC 6265 §4.2.1:
 * {@code name=value; name2=value2}), leaving the others exactly as the client sent them, and reads the cookie a
 * response's {@code Set-Cookie} fields set (§4.1.1) or removes those fields. Lenient about spaces and several
 * {@code Cookie} fields, as browsers and clients vary; stateless.
 */
public final class Cookies {

    private Cookies() {
    }

    /** The value of the first cookie named {@code name} (quotes removed), or {@code null}. */
    public static String value(HttpHeaders headers, String name) {
        List<String> fields = headers.getAll(HttpHeaderNames.COOKIE);
        for (int f = 0; f < fields.size(); f++) {
            String field = fields.get(f);
            int start = 0;
            while (start < field.length()) {
                int end = field.indexOf(';', start);
                if (end < 0) {
                    end = field.length();
                }
                String value = valueIfNamed(field, start, end, name);
                if (value != null) {
                    return value;
                }
                start = end + 1;
            }
        }
        return null;
    }

    /** Removes every cookie named {@code name}; a {@code Cookie} field left empty is removed. */
    public static void remove(HttpHeaders headers, String name) {
        List<String> fields = headers.getAll(HttpHeaderNames.COOKIE);
        if (fields.isEmpty() || value(headers, name) == null) {
            return;
        }
        headers.remove(HttpHeaderNames.COOKIE);
        for (String field : fields) {
            StringBuilder kept = new StringBuilder(field.length());
            int start = 0;
            while (start < field.length()) {
                int end = field.indexOf(';', start);
                if (end < 0) {
                    end = field.length();
                }
                String pair = field.substring(start, end).strip();
                if (!pair.isEmpty() && valueIfNamed(field, start, end, name) == null) {
                    if (kept.length() > 0) {
                        kept.append("; ");
                    }
                    kept.append(pair);
                }
                start = end + 1;
            }
            if (kept.length() > 0) {
                headers.add(HttpHeaderNames.COOKIE, kept.toString());
            }
        }
    }

    /** The value a response's {@code Set-Cookie} fields give the cookie {@code name}, or {@code null}. */
    public static String setCookieValue(HttpHeaders headers, String name) {
        List<String> fields = headers.getAll(HttpHeaderNames.SET_COOKIE);
        for (int f = 0; f < fields.size(); f++) {
            String field = fields.get(f);
            int end = field.indexOf(';');
            String value = valueIfNamed(field, 0, end < 0 ? field.length() : end, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** Removes the {@code Set-Cookie} fields that set the cookie {@code name}; the others stay, in their order. */
    public static void removeSetCookie(HttpHeaders headers, String name) {
        if (setCookieValue(headers, name) == null) {
            return;
        }
        List<String> fields = headers.getAll(HttpHeaderNames.SET_COOKIE);
        headers.remove(HttpHeaderNames.SET_COOKIE);
        for (String field : fields) {
            int end = field.indexOf(';');
            if (valueIfNamed(field, 0, end < 0 ? field.length() : end, name) == null) {
                headers.add(HttpHeaderNames.SET_COOKIE, field);
            }
        }
    }

    private static String valueIfNamed(String field, int start, int end, String name) {
        while (start < end && field.charAt(start) == ' ') {
            start++;
        }
        int equals = start + name.length();
        if (equals >= end || field.charAt(equals) != '=' || !field.regionMatches(start, name, 0, name.length())) {
            return null;
        }
        int valueStart = equals + 1;
        int valueEnd = end;
        while (valueEnd > valueStart && field.charAt(valueEnd - 1) == ' ') {
            valueEnd--;
        }
        if (valueEnd - valueStart >= 2 && field.charAt(valueStart) == '"' && field.charAt(valueEnd - 1) == '"') {
            valueStart++;
            valueEnd--;
        }
        return field.substring(valueStart, valueEnd);
    }
}
