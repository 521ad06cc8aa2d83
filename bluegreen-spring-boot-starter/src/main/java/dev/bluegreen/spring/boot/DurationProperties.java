package dev.bluegreen.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * The {@code bluegreen.*} properties that hold a {@link Duration}: which they are, how a duration is written in a
 * message, and the refusal of one given with an empty value. Stateless.
 */
final class DurationProperties {

    private static final String EXPECTED = "expected: a duration such as 300ms, 30s or 1m";

    private DurationProperties() {
    }

    /**
     * Every duration property with its default, read from a fresh {@link BlueGreenProperties} so that the two never
     * disagree. A new {@code Duration} property belongs here; {@code DurationPropertiesTest} fails until it is.
     *
     * @return the property names, as in {@code bluegreen.proxy.drain-timeout}, with their defaults, in a fixed order
     */
    static Map<String, Duration> defaults() {
        BlueGreenProperties defaults = new BlueGreenProperties();
        BlueGreenProxyProperties proxy = defaults.getProxy();
        Map<String, Duration> all = new LinkedHashMap<>();
        all.put("bluegreen.proxy.connect-timeout", proxy.getConnectTimeout());
        all.put("bluegreen.proxy.response-timeout", proxy.getResponseTimeout());
        all.put("bluegreen.proxy.idle-timeout", proxy.getIdleTimeout());
        all.put("bluegreen.proxy.drain-timeout", proxy.getDrainTimeout());
        all.put("bluegreen.proxy.rollback-window", proxy.getRollbackWindow());
        all.put("bluegreen.proxy.shutdown-grace-period", proxy.getShutdownGracePeriod());
        all.put("bluegreen.health.interval", defaults.getHealth().getInterval());
        all.put("bluegreen.health.timeout", defaults.getHealth().getTimeout());
        return all;
    }

    /**
     * Refuses a duration property set to an empty value. Boot binds an empty value to no value at all, which keeps
     * the default without a word; but {@code bluegreen.proxy.drain-timeout=} is more likely a value that went
     * missing than a wish for the default, which leaving the property out already expresses. Only the value as
     * written counts: a placeholder that resolves to nothing, such as {@code ${DRAIN_TIMEOUT:}}, asks for the
     * default on purpose and keeps it.
     *
     * @param environment the application's environment, read in the order Boot binds from it
     * @throws InvalidConfigurationPropertyValueException naming the first duration property whose value is empty
     */
    static void refuseEmpty(Environment environment) {
        Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
        defaults().forEach((property, defaultValue) -> {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
            for (ConfigurationPropertySource source : sources) {
                ConfigurationProperty found = source.getConfigurationProperty(name);
                if (found == null) {
                    continue;
                }
                // The first source that has the property is the one Boot binds; the later ones don't matter.
                if (found.getValue() instanceof CharSequence text && text.toString().isBlank()) {
                    throw new InvalidConfigurationPropertyValueException(property, text.toString(), "empty ("
                            + EXPECTED + "; leave the property out for the default, " + text(defaultValue) + ")");
                }
                break;
            }
        });
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
