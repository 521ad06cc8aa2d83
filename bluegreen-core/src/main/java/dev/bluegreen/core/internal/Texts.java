package dev.bluegreen.core.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Text helpers for validation and refusal messages.
 *
 * <p>Stateless; safe to use from any thread.
 */
public final class Texts {

    /** The longest duration a setting may have ({@link #requireAtMostAYear}): 365 days. */
    public static final Duration MAX_DURATION = Duration.ofDays(365);

    /** How much of an over-long value an error message shows. */
    private static final int SHOWN_PREFIX = 40;

    private Texts() {
    }

    /**
     * Checks a short free-text value given by a caller, such as who made a change and why: it goes into log
     * lines and audit records, so it must say something, fit on one line and stay short.
     *
     * <p>The length is counted in characters as a reader counts them, Unicode code points: an emoji, which Java
     * holds as two {@code char}s (a surrogate pair), is one. Stored as JSON in UTF-8, a code point takes at most 4
     * bytes, or 6 for a lone surrogate, which the JSON writer escapes; one {@code char} could take 6 too, so the
     * bytes a stored value may take are bounded as they were when the limit counted {@code char}s.
     *
     * @param name the parameter or component name, for the messages
     * @param value the value to check
     * @param maxLength the most characters (code points) allowed
     * @return {@code value}
     * @throws NullPointerException naming {@code name} if {@code value} is {@code null}
     * @throws IllegalArgumentException if {@code value} is blank, longer than {@code maxLength} or holds a control
     *         character; the message shows the value escaped (and shortened if long) and what was expected
     */
    public static String requireShortText(String name, String value, int maxLength) {
        requireNonNull(value, name);
        int length = length(value);
        if (value.isBlank() || length > maxLength || hasControlChar(value)) {
            boolean tooLong = length > maxLength;
            String shown = tooLong ? quote(value, SHOWN_PREFIX) + " (" + length + " characters; "
                    : quote(value) + " (";
            throw new IllegalArgumentException(name + ": " + shown
                    + "expected: not blank, at most " + maxLength + " characters, no control characters)");
        }
        return value;
    }

    /**
     * The length of a text in characters as a reader counts them: Unicode code points, so that an emoji (a surrogate
     * pair in Java) counts one, as does a lone surrogate.
     *
     * @param text the text, not {@code null}
     * @return how many code points it holds
     */
    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * Quotes a user-supplied value for an error message, escaping it as {@link #escapeControls} does, so that a bad
     * value can't break a log line or hide what was wrong with it.
     *
     * @param text the value, may be {@code null}
     * @return the value in single quotes, or {@code null} unquoted
     */
    public static String quote(String text) {
        return text == null ? "null" : quote(text, text.length());
    }

    /**
     * As {@link #quote(String)}, showing at most the first {@code maxShown} characters (code points, as
     * {@link #length} counts them: a surrogate pair is shown whole or not at all) followed by {@code ...}, so that a
     * huge bad value doesn't flood a log line.
     *
     * @param text the value, may be {@code null}
     * @param maxShown how many characters of the value to show at most
     * @return the (start of the) value in single quotes, or {@code null} unquoted
     */
    public static String quote(String text, int maxShown) {
        if (text == null) {
            return "null";
        }
        // Fewer chars than maxShown: fewer code points too, without counting them.
        int shown = text.length() <= maxShown || length(text) <= maxShown ? text.length()
                : text.offsetByCodePoints(0, maxShown);
        StringBuilder sb = appendEscaped(new StringBuilder(shown + 5).append('\''), text, 0, shown);
        if (shown < text.length()) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }

    /**
     * A text for a log line with each character that could break the line written as a {@code \\uXXXX} escape:
     * the ISO controls (C0, DEL, C1) and the Unicode line and paragraph separators U+2028 and U+2029, which log
     * viewers and line splitters that follow Unicode also take for line ends.
     *
     * @param text the text, not {@code null}
     * @return {@code text} itself when it holds no such character, else its escaped copy
     */
    public static String escapeControls(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (breaksLine(text.charAt(i))) {
                StringBuilder escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
                return appendEscaped(escaped, text, i, text.length()).toString();
            }
        }
        return text;
    }

    /** Appends {@code text}'s characters {@code from} (inclusive) to {@code to} (exclusive), escaped. */
    private static StringBuilder appendEscaped(StringBuilder out, String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (breaksLine(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out;
    }

    private static boolean breaksLine(char c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029;
    }

    /**
     * Shortens a text to at most {@code maxLength} characters (code points, as {@link #length} counts them), ending
     * it with {@code ...} if it was cut; for generated descriptions that embed a caller's value of unbounded length.
     * A surrogate pair is kept whole or cut whole.
     *
     * @param text the text, not {@code null}
     * @param maxLength the most characters to return, at least 3
     * @return {@code text} if short enough, else its start and {@code ...}
     */
    public static String abbreviate(String text, int maxLength) {
        // Fewer chars than the limit: fewer code points too, without counting them.
        if (text.length() <= maxLength || length(text) <= maxLength) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxLength - 3)) + "...";
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

    /**
     * A duration for a message, as a user writes one on the command line or in a Spring Boot property: a whole number
     * in the largest unit that holds it exactly, {@code d}, {@code h}, {@code m}, {@code s}, {@code ms}, {@code us}
     * or {@code ns} ({@code 0s}, {@code 1500ms}, {@code 1m}, {@code -5s}); ISO-8601 only beyond about 292 years, which
     * nanoseconds can't count. ({@code Duration.toString()} gives {@code PT1.5S}, which says the same to fewer
     * readers.)
     *
     * @param duration the duration, may be {@code null}
     * @return the duration as text, or {@code null} unquoted
     */
    public static String duration(Duration duration) {
        if (duration == null) {
            return "null";
        }
        if (duration.isZero()) {
            return "0s";
        }
        try {
            if (duration.isNegative()) {
                return "-" + duration(duration.negated());
            }
            long nanos = duration.toNanos();
            for (DurationUnit unit : DurationUnit.values()) {
                if (nanos % unit.nanos == 0) {
                    return nanos / unit.nanos + unit.suffix;
                }
            }
            return nanos + "ns";
        } catch (ArithmeticException e) {
            // Beyond 292 years in nanoseconds: whole seconds at least, as one writes such a value ("999999999d").
            return duration.getNano() == 0 ? wholeSeconds(duration.getSeconds()) : duration.toString();
        }
    }

    private static String wholeSeconds(long seconds) {
        for (DurationUnit unit : DurationUnit.values()) {
            long unitSeconds = unit.nanos / 1_000_000_000L;
            if (unitSeconds > 0 && seconds % unitSeconds == 0) {
                return seconds / unitSeconds + unit.suffix;
            }
        }
        return seconds + "s";
    }

    /**
     * Checks a duration that must be more than zero, such as a timeout or an interval.
     *
     * @param name the setting's name, for the messages
     * @param value the duration to check
     * @return {@code value}
     * @throws NullPointerException naming {@code name} if {@code value} is {@code null}
     * @throws IllegalArgumentException if {@code value} is zero or negative, or longer than {@link #MAX_DURATION}; the
     *         message names the setting and shows the value as {@link #duration} writes it
     */
    public static Duration requirePositive(String name, Duration value) {
        requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + duration(value) + " (expected: > 0)");
        }
        return requireAtMostAYear(name, value);
    }

    /**
     * Checks that a setting's duration is at most {@link #MAX_DURATION}: any wait the proxy or the admin object
     * makes is far shorter, and one of a few hundred years would overflow a deadline in nanoseconds, failing later
     * and far from the setting (every connection closed, or a switch refused, with "long overflow").
     *
     * @param name the setting's name, for the message
     * @param value its value
     * @return {@code value}
     * @throws IllegalArgumentException if it is longer, naming the setting, the value and the limit
     */
    public static Duration requireAtMostAYear(String name, Duration value) {
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + ": " + duration(value) + " (expected: at most "
                    + duration(MAX_DURATION) + ")");
        }
        return value;
    }

    /** The units {@link #duration} writes, largest first, with their suffixes. */
    private enum DurationUnit {
        DAYS(86_400_000_000_000L, "d"),
        HOURS(3_600_000_000_000L, "h"),
        MINUTES(60_000_000_000L, "m"),
        SECONDS(1_000_000_000L, "s"),
        MILLIS(1_000_000L, "ms"),
        MICROS(1_000L, "us");

        final long nanos;
        final String suffix;

        DurationUnit(long nanos, String suffix) {
            this.nanos = nanos;
            this.suffix = suffix;
        }
    }
}
