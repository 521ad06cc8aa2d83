package dev.bluegreen.examples;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendProtocol;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The command-line value types and their picocli converters. Each converter turns the library's
 * {@link IllegalArgumentException} into a {@link TypeConversionException}, so that picocli reports
 * {@code Invalid value for option '--blue' (...): backend: "nonsense" (expected: host:port)} and exits with 2.
 *
 * <p>The {@code parse...} methods are plain functions, usable without picocli. All of it is stateless and
 * thread-safe.
 */
public final class Converters {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ns|us|ms|s|m|h|d)");

    /**
     * How the list options split their value: at each comma but a last one. picocli splits as
     * {@link String#split(String)} does, which drops an empty last item silently ({@code --blue a:1,} would be one
     * backend); a trailing comma left on the last item is refused by that item's converter instead.
     */
    public static final String LIST_SPLIT = ",(?!$)";

    private Converters() {
    }

    /**
     * An address to listen on: a host name or IP address and a port, where port 0 picks a free port.
     *
     * @param host the host name or IP address, an IPv6 address without brackets
     * @param port 0-65535
     */
    public record ListenAddress(String host, int port) {

        /**
         * Validates the components.
         *
         * @param host the host
         * @param port the port
         * @throws NullPointerException if {@code host} is {@code null}
         * @throws IllegalArgumentException if the host is blank or the port is out of range
         */
        public ListenAddress {
            requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host: \"" + host + "\" (expected: a host name or IP address)");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
        }

        /**
         * The address as a URL authority, IPv6 hosts in brackets (RFC 3986 section 3.2.2).
         *
         * @return for example {@code 127.0.0.1:8080} or {@code [::1]:8080}
         */
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * Parses {@code HOST:PORT} for a listening socket; an IPv6 host goes in brackets, as in {@code [::1]:8080}.
     *
     * @param text the text to parse
     * @return the address
     * @throws NullPointerException if {@code text} is {@code null}
     * @throws IllegalArgumentException if the text is not {@code HOST:PORT} with a port of 0-65535
     */
    public static ListenAddress parseListenAddress(String text) {
        requireNonNull(text, "text");
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        String expected = "\"" + text + "\" (expected: HOST:PORT with a port of 0-65535, an IPv6 host in brackets)";
        if (colon <= 0) {
            throw new IllegalArgumentException("address: " + expected);
        }
        String host = trimmed.substring(0, colon);
        String portText = trimmed.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            throw new IllegalArgumentException("address: " + expected);
        }
        // Digits only: Integer.parseInt would also accept a sign.
        if (host.isBlank() || portText.isEmpty() || portText.length() > 5
                || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("address: " + expected);
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw new IllegalArgumentException("address: " + expected);
        }
        return new ListenAddress(host, port);
    }

    /**
     * Parses a duration written as a whole number and a unit: {@code 500ms}, {@code 2s}, {@code 1m} or
     * {@code 1h}, and {@code ns}, {@code us} and {@code d} as well: the units of Spring Boot's durations, in which
     * the library's messages show a duration. ISO-8601 ({@code PT2S}) is accepted too.
     *
     * @param text the text to parse
     * @return the duration, which may be zero
     * @throws NullPointerException if {@code text} is {@code null}
     * @throws IllegalArgumentException if the text is not a duration in one of those forms
     */
    public static Duration parseDuration(String text) {
        requireNonNull(text, "text");
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = DURATION.matcher(trimmed);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ns" -> Duration.ofNanos(amount);
                case "us" -> Duration.ofNanos(amount * 1_000);
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (trimmed.startsWith("pt")) {
            try {
                Duration parsed = Duration.parse(trimmed);
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (RuntimeException e) {
                // Falls through to the message below, which says what is accepted.
            }
        }
        throw new IllegalArgumentException("duration: \"" + text
                + "\" (expected: a whole number and a unit, as in 500ms, 2s, 1m or 1h; also ns, us and d)");
    }

    /** Converts one {@code HOST:PORT} item of a pool with {@link Backend#parse(String)}. */
    public static final class BackendConverter implements ITypeConverter<Backend> {
        /** Creates the converter; picocli does this. */
        public BackendConverter() {
        }

        /**
         * {@inheritDoc}
         *
         * @throws TypeConversionException if the value is not a valid backend
         */
        @Override
        public Backend convert(String value) {
            try {
                return Backend.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts {@code blue} or {@code green}, in any case, with {@link Colour#parse(String)}. */
    public static final class ColourConverter implements ITypeConverter<Colour> {
        /** Creates the converter; picocli does this. */
        public ColourConverter() {
        }

        /**
         * {@inheritDoc}
         *
         * @throws TypeConversionException if the value names neither colour
         */
        @Override
        public Colour convert(String value) {
            try {
                return Colour.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts {@code http1}, {@code h2c} or {@code h2}, in any case, with {@link BackendProtocol#parse(String)}. */
    public static final class BackendProtocolConverter implements ITypeConverter<BackendProtocol> {
        /** Creates the converter; picocli does this. */
        public BackendProtocolConverter() {
        }

        /**
         * {@inheritDoc}
         *
         * @throws TypeConversionException if the value names no protocol
         */
        @Override
        public BackendProtocol convert(String value) {
            try {
                return BackendProtocol.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts a TCP port to listen on, 0-65535, where 0 picks a free port. */
    public static final class PortConverter implements ITypeConverter<Integer> {
        /** Creates the converter; picocli does this. */
        public PortConverter() {
        }

        /**
         * {@inheritDoc}
         *
         * @throws TypeConversionException if the value is not a number of 0-65535
         */
        @Override
        public Integer convert(String value) {
            String trimmed = value.trim();
            if (trimmed.isEmpty() || trimmed.length() > 5 || !trimmed.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(trimmed) > 65535) {
                throw new TypeConversionException("port: \"" + value + "\" (expected: 0-65535)");
            }
            return Integer.parseInt(trimmed);
        }
    }

    /** Converts a duration with {@link #parseDuration(String)}. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        /** Creates the converter; picocli does this. */
        public DurationConverter() {
        }

        /**
         * {@inheritDoc}
         *
         * @throws TypeConversionException if the value is not a duration
         */
        @Override
        public Duration convert(String value) {
            try {
                return parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts a listening address with {@link #parseListenAddress(String)}. */
    public static final class ListenAddressConverter implements ITypeConverter<ListenAddress> {
        /** Creates the converter; picocli does this. */
        public ListenAddressConverter() {
        }

        /**
         * {@inheritDoc}
         *
         * @throws TypeConversionException if the value is not {@code HOST:PORT}
         */
        @Override
        public ListenAddress convert(String value) {
            try {
                return parseListenAddress(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
