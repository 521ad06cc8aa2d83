package dev.bluegreen.proxy.internal.codec;

import io.netty.handler.codec.DateFormatter;
import java.util.Calendar;
import java.util.Date;
import java.util.function.Function;

/**
 * Header field values as text, read and written the way {@code DefaultHttpHeaders} does it, for
 * {@link ArrayHttpHeaders}: a number or an HTTP date is read from a value's text (no answer for text that is not
 * one), and a date or any other object added as a value is written as text.
 */
final class FieldValues {

    private FieldValues() {
    }

    /** {@code value} read by {@code parser}, or {@code null} if there is no value or it is not a number. */
    static <T> T parsed(String value, Function<String, T> parser) {
        if (value == null) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /** The time an HTTP date (RFC 9110 §5.6.7) stands for, in epoch milliseconds, or {@code null} if not a date. */
    static Long timeMillis(String value) {
        Date date = DateFormatter.parseHttpDate(value);
        return date == null ? null : date.getTime();
    }

    /** The text of a value to add: a {@code CharSequence} as it is, a date as an HTTP date, else its string. */
    static CharSequence text(Object value) {
        if (value instanceof CharSequence sequence) {
            return sequence;
        }
        if (value instanceof Date date) {
            return DateFormatter.format(date);
        }
        if (value instanceof Calendar calendar) {
            return DateFormatter.format(calendar.getTime());
        }
        return value.toString();
    }
}
