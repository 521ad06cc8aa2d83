package dev.bluegreen.core.internal;

/**
 * Text helpers for validation and refusal messages.
 *
 * <p>Stateless; safe to use from any thread.
 */
public final class Texts {

    private Texts() {
    }

    /**
     * Quotes a user-supplied value for an error message, escaping control characters as {@code \\uXXXX} so
     * that a bad value can't break a log line or hide what was wrong with it.
     *
     * @param text the value, may be {@code null}
     * @return the value in single quotes, or {@code null} unquoted
     */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(text.length() + 2).append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    /**
     * Whether the text holds an ISO control character (U+0000-U+001F, U+007F-U+009F).
     *
     * @param text the text to scan, not {@code null}
     * @return {@code true} if any character is a control character
     */
    public static boolean hasControlChar(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts a noun for a message: {@code "1 backend"}, {@code "3 backends"}.
     *
     * @param count the count
     * @param noun the singular noun; the plural adds an {@code s}
     * @return the count and the noun
     */
    public static String count(int count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }
}
