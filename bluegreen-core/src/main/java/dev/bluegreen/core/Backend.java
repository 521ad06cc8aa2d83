package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One upstream server of a pool: where to connect, a stable id for logs and metrics, a load-balancing weight, and
 * how many requests it may have under way at once through the proxy.
 *
 * <p>An IPv6 host is held without brackets ({@code ::1}); {@link #authority()} adds them back. A host given in
 * brackets to the constructor is unwrapped, so {@code new Backend("[::1]", ...)} and
 * {@code new Backend("::1", ...)} are equal.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the host name or IP address: a name or IPv4 address of ASCII letters, digits, {@code '-'},
 *        {@code '.'} and {@code '_'}, at most {@value #MAX_HOST_LENGTH} characters; or an IPv6 address (with an
 *        optional {@code %zone}), with or without brackets. Never a port: {@code "app:8080"} is refused
 *        ({@link #parse(String)} reads {@code host:port})
 * @param port the TCP port, 1-65535
 * @param id a stable name for logs and metrics, unique within an environment; not blank, at most
 *        {@value #MAX_ID_LENGTH} characters, no control characters
 * @param weight the relative share of requests, 1-1000
 * @param maxRequests the most requests it may have under way at once through one proxy, counted over the proxy's
 *        event loops (a WebSocket or other tunnel counts as one for as long as it is open, an HTTP/2 stream as
 *        one); a request that finds every backend of its pool at its limit gets 503. 0 (the default): no limit;
 *        at most {@value #MAX_REQUESTS_LIMIT}
 */
public record Backend(String host, int port, String id, int weight, int maxRequests) {

    /** The largest accepted {@link #weight()}. */
    public static final int MAX_WEIGHT = 1000;

    /** The largest accepted {@link #maxRequests()}. */
    public static final int MAX_REQUESTS_LIMIT = 1_000_000;

    /**
     * The most characters (code points: an emoji counts one) an {@link #id()} may have: more than the longest
     * authority.
     */
    public static final int MAX_ID_LENGTH = 300;

    /** The longest accepted {@link #host()}: a DNS name's limit (RFC 1035 §2.3.4, without the final dot). */
    public static final int MAX_HOST_LENGTH = 253;

    /** What may follow a backend's {@code host:port}, for error messages. */
    private static final String OPTIONS = "host:port, optionally followed by weight=N with N of 1-" + MAX_WEIGHT
            + " and max=N with N of 1-" + MAX_REQUESTS_LIMIT + ", each at most once";

    /**
     * Validates every component.
     *
     * @param host the host name or IP address
     * @param port the TCP port
     * @param id the id for logs and metrics
     * @param weight the load-balancing weight
     * @param maxRequests the most requests under way at once, 0 for no limit
     * @throws NullPointerException if {@code host} or {@code id} is {@code null}
     * @throws IllegalArgumentException if a component is out of range; the message names the value
     */
    public Backend {
        requireNonNull(host, "host");
        requireNonNull(id, "id");
        host = unbracket(host);
        checkHost(host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        Texts.requireShortText("id", id, MAX_ID_LENGTH);
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1-" + MAX_WEIGHT + ")");
        }
        if (maxRequests < 0 || maxRequests > MAX_REQUESTS_LIMIT) {
            throw new IllegalArgumentException("maxRequests: " + maxRequests + " (expected: 0-" + MAX_REQUESTS_LIMIT
                    + "; 0 for no limit)");
        }
    }

    /**
     * A backend without a limit of requests under way.
     *
     * @param host the host name or IP address
     * @param port the TCP port
     * @param id the id for logs and metrics
     * @param weight the load-balancing weight
     * @throws NullPointerException if {@code host} or {@code id} is {@code null}
     * @throws IllegalArgumentException if a component is out of range; the message names the value
     */
    public Backend(String host, int port, String id, int weight) {
        this(host, port, id, weight, 0);
    }

    /**
     * This backend with another limit of requests under way.
     *
     * @param max the most requests under way at once through one proxy, 0 for no limit
     * @return the backend with that limit
     * @throws IllegalArgumentException if {@code max} is negative or above {@value #MAX_REQUESTS_LIMIT}
     */
    public Backend withMaxRequests(int max) {
        return new Backend(host, port, id, weight, max);
    }

    /**
     * A backend with weight 1 whose id is its {@link #authority()}.
     *
     * @param host the host name or IP address (an IPv6 address with or without brackets)
     * @param port the TCP port, 1-65535
     * @return the backend
     * @throws NullPointerException if {@code host} is {@code null}
     * @throws IllegalArgumentException if the host or port is invalid
     */
    public static Backend of(String host, int port) {
        requireNonNull(host, "host");
        String bare = unbracket(host);
        return new Backend(bare, port, authority(bare, port), 1, 0);
    }

    /**
     * Parses {@code host:port}, optionally followed by whitespace and options {@code weight=N} and {@code max=N}
     * (its {@link #maxRequests()}), each at most once, in any order, as in {@code 10.0.0.1:8080 weight=3 max=200};
     * an IPv6 host must be in brackets, as in {@code [::1]:8080}. Surrounding whitespace is ignored. The backend has
     * weight 1 and no limit unless they are given, and its authority as id.
     *
     * @param hostPort the text to parse
     * @return the backend
     * @throws NullPointerException if {@code hostPort} is {@code null}
     * @throws IllegalArgumentException if the text is not a valid {@code host:port [weight=N] [max=N]}; the message
     *         quotes it
     */
    public static Backend parse(String hostPort) {
        requireNonNull(hostPort, "hostPort");
        String text = hostPort.trim();
        int weight = 0;
        int max = -1;
        int space = firstWhitespace(text);
        if (space >= 0) {
            for (String option : text.substring(space).trim().split("\\s+")) {
                if (option.startsWith("weight=") && weight == 0) {
                    weight = parseOption(hostPort, option, 1, MAX_WEIGHT);
                } else if (option.startsWith("max=") && max < 0) {
                    max = parseOption(hostPort, option, 1, MAX_REQUESTS_LIMIT);
                } else {
                    throw badBackend(hostPort, OPTIONS);
                }
            }
            text = text.substring(0, space);
        }
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw badBackend(hostPort, "host:port, with an IPv6 host in brackets as in [::1]:8080");
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw badBackend(hostPort, "host:port");
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw badBackend(hostPort, "host:port, with an IPv6 host in brackets as in [::1]:8080");
            }
        }
        int port = parsePort(hostPort, portText);
        try {
            Backend backend = of(host, port);
            return weight <= 1 && max < 0 ? backend
                    : new Backend(backend.host(), port, backend.id(), Math.max(weight, 1), Math.max(max, 0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "backend: " + Texts.quote(hostPort) + " is invalid: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a comma-separated list of {@code host:port} items, each optionally with its weight as {@link #parse}
     * reads it, as in {@code "10.0.0.1:8080 weight=3, 10.0.0.2:8080"}.
     *
     * @param commaSeparated the list; items may be surrounded by whitespace
     * @return the backends in the order given, immutable
     * @throws NullPointerException if {@code commaSeparated} is {@code null}
     * @throws IllegalArgumentException if the list is blank, an item is empty or invalid, or two items name the
     *         same host and port (host compared ignoring case); the message quotes the text
     */
    public static List<Backend> parseList(String commaSeparated) {
        requireNonNull(commaSeparated, "commaSeparated");
        if (commaSeparated.isBlank()) {
            throw new IllegalArgumentException(
                    "backends: " + Texts.quote(commaSeparated) + " (expected: comma-separated host:port items)");
        }
        String[] items = commaSeparated.split(",", -1);
        List<Backend> backends = new ArrayList<>(items.length);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.length; i++) {
            if (items[i].isBlank()) {
                throw new IllegalArgumentException("backends: " + Texts.quote(commaSeparated)
                        + " (expected: comma-separated host:port items, but item " + (i + 1) + " is empty)");
            }
            Backend backend = parse(items[i]);
            if (!seen.add(backend.endpointKey())) {
                throw new IllegalArgumentException("backends: " + Texts.quote(commaSeparated)
                        + " (expected: no duplicates, but " + Texts.quote(backend.authority())
                        + " appears more than once)");
            }
            backends.add(backend);
        }
        return List.copyOf(backends);
    }

    /**
     * The host and port as in a URI authority or a {@code Host} header: {@code host:port}, with an IPv6 host in
     * brackets ({@code [::1]:8080}).
     *
     * @return the authority, never {@code null}
     */
    public String authority() {
        return authority(host, port);
    }

    /**
     * Returns the {@link #id()}, so that logs show the name the user chose.
     *
     * @return the id
     */
    @Override
    public String toString() {
        return id;
    }

    /**
     * A key that is equal for two backends that reach the same server: the host ignoring case (an IPv6 address in
     * one spelling, so that {@code ::1} and {@code 0:0:0:0:0:0:0:1} are the same), and the port. Used to refuse
     * duplicates within a pool.
     */
    String endpointKey() {
        int zone = host.indexOf('%');
        String key = host.indexOf(':') < 0 ? host
                : ipv6(host).getHostAddress() + (zone < 0 ? "" : host.substring(zone));
        return key.toLowerCase(Locale.ROOT) + '|' + port;
    }

    private static String authority(String host, int port) {
        // Only an IPv6 literal contains ':'; RFC 3986 section 3.2.2 puts it in brackets.
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    private static String unbracket(String host) {
        if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }

    private static void checkHost(String host) {
        if (host.isBlank()) {
            throw new IllegalArgumentException(
                    "host: " + Texts.quote(host) + " (expected: a host name or IP address)");
        }
        if (host.indexOf(':') >= 0) {
            // Only an IPv6 address holds ':'; anything else with one is most likely a host:port given as the host,
            // which would become the authority "[app:8080]:80" and fail at the first connect.
            ipv6(host);
            return;
        }
        // A DNS name or an IPv4 address. Brackets were unwrapped around a whole IPv6 address; any other is stray. '@',
        // '?', '#', '/' and the like would change the meaning of the authority built from the host.
        if (host.length() > MAX_HOST_LENGTH || !host.chars().allMatch(Backend::isHostNameChar)) {
            throw new IllegalArgumentException("host: " + Texts.quote(host) + " (expected: a host name or IPv4"
                    + " address of letters, digits, '-', '.' and '_', at most " + MAX_HOST_LENGTH
                    + " characters, without port; or an IPv6 address)");
        }
    }

    private static boolean isHostNameChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_';
    }

    /**
     * Parses an IPv6 address, with an optional {@code %zone}, without any DNS look-up: only hex digits, ':' and '.'
     * reach the parser, which reads such text as a literal. The zone is checked as a name, not looked up: the
     * interface it names may exist only where the proxy runs.
     *
     * @return the address, without its zone
     */
    private static InetAddress ipv6(String host) {
        int percent = host.indexOf('%');
        String address = percent < 0 ? host : host.substring(0, percent);
        String zone = percent < 0 ? "" : host.substring(percent + 1);
        boolean literal = !address.isEmpty() && address.length() <= 45 && address.chars().allMatch(
                c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.');
        boolean zoneOk = percent < 0 || !zone.isEmpty() && zone.length() <= 64
                && zone.chars().allMatch(Backend::isHostNameChar);
        if (literal && zoneOk) {
            try {
                // In brackets, the JDK reads the text as an IPv6 literal or refuses it; bare, it would ask DNS.
                return InetAddress.getByName("[" + address + "]");
            } catch (UnknownHostException e) {
                // Not a valid literal: refused below.
            }
        }
        throw new IllegalArgumentException("host: " + Texts.quote(host) + " (expected: an IPv6 address such as ::1,"
                + " optionally with a %zone; a host name has no ':', and the port is given apart)");
    }

    private static int parsePort(String original, String portText) {
        // Digits only: Integer.parseInt would also take a sign, and "+80" is not a port.
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw badBackend(original, "host:port with a port of 1-65535");
        }
        return Integer.parseInt(portText);
    }

    private static int firstWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** {@code NAME=N} after a backend's {@code host:port}: N of {@code min}-{@code max}. */
    private static int parseOption(String original, String option, int min, int max) {
        String digits = option.substring(option.indexOf('=') + 1);
        if (digits.isEmpty() || digits.length() > 7 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(digits) < min || Integer.parseInt(digits) > max) {
            throw badBackend(original, OPTIONS);
        }
        return Integer.parseInt(digits);
    }

    private static IllegalArgumentException badBackend(String text, String expected) {
        return new IllegalArgumentException("backend: " + Texts.quote(text) + " (expected: " + expected + ")");
    }
}
