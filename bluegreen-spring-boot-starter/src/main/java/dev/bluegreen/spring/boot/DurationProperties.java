package dev.bluegreen.spring.boot;

import java.time.Duration;

/**
 * The {@code bluegreen.*} properties that hold a {@link Duration}: how a duration is written in a message.
 * Stateless.
 */
final class DurationProperties {

    private DurationProperties() {
    }

    /**
     * A duration as a user writes it in a property, in the largest unit Boot reads that holds it whole: {@code 0s},
     * {@code -5s}, {@code 1500ms}, {@code 1m}, {@code 2d}; ISO-8601 only for what those units can't hold.
     *
     * @param duration the duration
     * @return its text
     */
    static String text(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        try {
            if (duration.isNegative()) {
                return "-" + text(duration.negated());
            }
            long nanos = duration.toNanos();
            for (Unit unit : Unit.values()) {
                if (nanos % unit.nanos == 0) {
                    return nanos / unit.nanos + unit.suffix;
                }
            }
            return nanos + "ns";
        } catch (ArithmeticException e) {
            // Beyond about 292 years in nanoseconds: no value anyone sets, but the message still shows it.
            return duration.toString();
        }
    }

    /** The units of Boot's simple duration format, largest first. */
    private enum Unit {
        DAYS(86_400_000_000_000L, "d"),
        HOURS(3_600_000_000_000L, "h"),
        MINUTES(60_000_000_000L, "m"),
        SECONDS(1_000_000_000L, "s"),
        MILLIS(1_000_000L, "ms"),
        MICROS(1_000L, "us");

        final long nanos;
        final String suffix;

        Unit(long nanos, String suffix) {
            this.nanos = nanos;
            this.suffix = suffix;
        }
    }
}
