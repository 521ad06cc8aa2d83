package dev.bluegreen.proxy.internal.codec;

import io.netty.util.AsciiString;

/**
 * A field value read as a comma-separated list, the way Netty's {@code HttpHeaders.containsValue} reads it: each
 * element between commas with the characters up to a space dropped at both ends, an empty element counted except
 * after a final comma, letters compared ignoring ASCII case when asked. Without the iterator and substrings Netty's
 * makes. (Netty's trims a value only when it is a {@code String} or an {@code AsciiString}, or has a comma; this
 * trims any: the maps hold those two kinds, but for a value given as some other {@code CharSequence}.)
 */
final class FieldLists {

    private FieldLists() {
    }

    /** Whether an element of {@code list} is {@code element} (whose own spaces count). */
    static boolean hasElement(CharSequence list, CharSequence element, boolean ignoreCase) {
        int length = list.length();
        int start = 0;
        while (true) {
            int comma = AsciiString.indexOf(list, ',', start);
            int end = comma < 0 ? length : comma;
            if (trimmedIs(list, start, end, element, ignoreCase)) {
                return true;
            }
            if (comma < 0 || comma + 1 == length) {
                return false;
            }
            start = comma + 1;
        }
    }

    private static boolean trimmedIs(CharSequence list, int start, int end, CharSequence element, boolean ignoreCase) {
        while (start < end && list.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && list.charAt(end - 1) <= ' ') {
            end--;
        }
        if (end - start != element.length()) {
            return false;
        }
        for (int i = 0; i < end - start; i++) {
            char a = list.charAt(start + i);
            char b = element.charAt(i);
            if (a != b && (!ignoreCase || AsciiString.toLowerCase(a) != AsciiString.toLowerCase(b))) {
                return false;
            }
        }
        return true;
    }
}
