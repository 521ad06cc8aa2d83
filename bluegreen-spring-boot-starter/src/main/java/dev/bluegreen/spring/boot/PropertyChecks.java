package dev.bluegreen.spring.boot;

import dev.bluegreen.core.internal.Texts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Turns the library's refusal of a value into Boot's {@link InvalidConfigurationPropertyValueException}, which Boot
 * reports at startup as "Invalid value 'x' for configuration property 'bluegreen.y'" with the library's reason.
 * Stateless.
 */
final class PropertyChecks {

    private PropertyChecks() {
    }

    /**
     * Applies a property's value, blaming the property if the library refuses it. A {@link Duration} is shown as a
     * user writes it ({@code -5s}, not {@code PT-5S}), as the library's reason shows it ({@link Texts#duration}).
     *
     * @param property the property's name, as in {@code bluegreen.proxy.threads}
     * @param value its value, for the message
     * @param apply applies the value; may throw {@link IllegalArgumentException}
     * @return what {@code apply} returned
     * @throws InvalidConfigurationPropertyValueException if {@code apply} threw {@link IllegalArgumentException}
     */
    static <T> T check(String property, Object value, Supplier<T> apply) {
        try {
            return apply.get();
        } catch (IllegalArgumentException e) {
            throw refused(property, value, e.getMessage());
        }
    }

    /**
     * Boot's refusal of a property's value, the value shown as a user writes it: a {@link Duration} as {@code -5s}
     * ({@link Texts#duration}), where Boot would show ISO-8601 ({@code PT-5S}), as the library's reasons do too.
     *
     * @param property the property's name
     * @param value its value
     * @param reason why it is refused, with what was expected
     * @return the exception, to throw
     */
    static InvalidConfigurationPropertyValueException refused(String property, Object value, String reason) {
        Object shown = value instanceof Duration duration ? Texts.duration(duration) : value;
        return new InvalidConfigurationPropertyValueException(property, shown, reason);
    }

    /**
     * A size property's bytes for a limit the proxy holds in an {@code int} (the request line, the header section).
     *
     * @param property the property's name, for the message
     * @param size its value
     * @throws InvalidConfigurationPropertyValueException if the size is above {@link Integer#MAX_VALUE} bytes
     */
    static int intBytes(String property, DataSize size) {
        if (size.toBytes() > Integer.MAX_VALUE) {
            throw new InvalidConfigurationPropertyValueException(property, size,
                    "expected: at most " + Integer.MAX_VALUE + " bytes");
        }
        return (int) size.toBytes();
    }

    /**
     * Parses {@code HOST:PORT} for a listening socket, port 0-65535 (0 picks a free one); an IPv6 host in brackets.
     *
     * @param property the property's name, for the message
     * @param text the value
     * @return an unresolved address
     * @throws InvalidConfigurationPropertyValueException if it is not {@code HOST:PORT}
     */
    static InetSocketAddress listenAddress(String property, String text) {
        String expected = "expected: HOST:PORT with a port of 0-65535, an IPv6 host in brackets";
        if (text == null || text.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(property, text, expected);
        }
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        String host = colon > 0 ? trimmed.substring(0, colon) : "";
        String port = colon > 0 ? trimmed.substring(colon + 1) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = "";
        }
        if (host.isBlank() || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                || Integer.parseInt(port) > 65535) {
            throw new InvalidConfigurationPropertyValueException(property, text, expected);
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
    }

    /**
     * Refuses settings given while the switch that turns them on is off: more likely a forgotten line than a wish for
     * nothing.
     *
     * @param prefix  the settings' prefix, ending in a dot, as in {@code bluegreen.health.}; its switch is
     *                {@code PREFIXenabled}
     * @param changed the settings set to other than their defaults, by name below the prefix, in order
     * @throws InvalidConfigurationPropertyValueException naming the first of them, if any
     */
    static void refuseGivenWhileOff(String prefix, Map<String, Object> changed) {
        if (!changed.isEmpty()) {
            Map.Entry<String, Object> first = changed.entrySet().iterator().next();
            throw refused(prefix + first.getKey(), first.getValue(), "given without " + prefix
                    + "enabled=true (expected: both)");
        }
    }

    /**
     * Adds a property to {@code changed} if its value is not its default: for the refusal of settings given while
     * the switch that turns them on is off.
     *
     * @param changed the properties found changed so far, by name
     * @param name the property's name
     * @param value its value
     * @param defaultValue its default
     */
    static void putIfChanged(Map<String, Object> changed, String name, Object value, Object defaultValue) {
        if (!Objects.equals(value, defaultValue)) {
            changed.put(name, value);
        }
    }
}
