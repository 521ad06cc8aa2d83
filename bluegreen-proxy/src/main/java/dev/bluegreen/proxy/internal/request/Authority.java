package dev.bluegreen.proxy.internal.request;

import io.netty.util.NetUtil;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A {@code host[:port]} as a {@code Host} field or the authority of an {@code Origin} carries it (RFC 3986 §3.2.2,
 * RFC 9112 §3.2), in one canonical text: the host in lower case, an IPv6 literal bracketed and compressed
 * ({@code [::1]}, RFC 5952), so that two spellings of one address compare equal as strings. Parsing never resolves
 * a name.
 *
 * @param host the host: a name, a dotted IPv4 address, or a bracketed IPv6 address
 * @param port the port, or {@code -1} when none was given
 */
public record Authority(String host, int port) {

    /** No port was given. */
    public static final int NO_PORT = -1;

    /**
     * Parses {@code host[:port]}. A host name may hold letters, digits, {@code -}, {@code .}, {@code _} and
     * {@code ~} (percent-encoded names are refused: no browser sends one); an IPv6 address must be bracketed.
     *
     * @throws IllegalArgumentException naming the text and the form expected
     */
    public static Authority parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text);
        }
        String host;
        String rest;
        if (text.charAt(0) == '[') {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(text);
            }
            String literal = text.substring(1, close);
            byte[] address = NetUtil.isValidIpV6Address(literal) ? NetUtil.createByteArrayFromIpAddressString(literal)
                    : null;
            if (address == null || address.length != 16) {
                throw invalid(text);
            }
            host = "[" + NetUtil.bytesToIpAddress(address) + "]";
            rest = text.substring(close + 1);
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            rest = colon < 0 ? "" : text.substring(colon);
            if (host.isEmpty() || !host.chars().allMatch(Authority::isNameCharacter)) {
                throw invalid(text);
            }
            host = host.toLowerCase(Locale.ROOT);
        }
        return new Authority(host, port(text, rest));
    }

    /**
     * Parses an allow-list of hosts without port, as the proxy's and the admin endpoint's {@code allowedHosts} take
     * it: each a name or an IP address (IPv6 bracketed), in its canonical {@link #host()} text, once, in the order
     * given.
     *
     * @param setting the setting's name, for the message, as in {@code allowedHosts}
     * @throws IllegalArgumentException naming the setting, the entry and the form expected
     */
    public static Set<String> hostsWithoutPort(String setting, Collection<String> hosts) {
        Set<String> names = new LinkedHashSet<>();
        for (String host : hosts) {
            Authority parsed;
            try {
                parsed = parse(host);
            } catch (IllegalArgumentException e) {
                throw notAHost(setting, host, e);
            }
            if (parsed.port() != NO_PORT) {
                throw notAHost(setting, host, null);
            }
            names.add(parsed.host());
        }
        return names;
    }

    private static IllegalArgumentException notAHost(String setting, String host, Throwable cause) {
        return new IllegalArgumentException(setting + ": '" + printable(host) + "' (expected: a host name or IP address"
                + " without port, IPv6 bracketed as in [::1])", cause);
    }

    private static int port(String text, String rest) {
        if (rest.isEmpty()) {
            return NO_PORT;
        }
        // ":" then 1-5 digits; an empty port is legal in a URI but no client means anything by it.
        if (rest.charAt(0) != ':' || rest.length() < 2 || rest.length() > 6
                || !rest.chars().skip(1).allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text);
        }
        int port = Integer.parseInt(rest.substring(1));
        if (port > 65535) {
            throw invalid(text);
        }
        return port;
    }

    private static boolean isNameCharacter(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + printable(text) + "' (expected: host[:port], the host a name, an "
                + "IPv4 address or a bracketed IPv6 address such as [::1])");
    }

    /**
     * The address this host spells, when it is an IP literal: 4 bytes for IPv4, 16 for IPv6; {@code null} for a
     * name. Never resolves a name.
     */
    public byte[] address() {
        String literal = host.charAt(0) == '[' ? host.substring(1, host.length() - 1) : host;
        return NetUtil.createByteArrayFromIpAddressString(literal);
    }

    /** {@code host} or {@code host:port}, as it would appear in a {@code Host} field. */
    @Override
    public String toString() {
        return port == NO_PORT ? host : host + ":" + port;
    }

    /**
     * The text as it may be shown in a response or a log line: at most 100 characters, anything but visible ASCII
     * replaced by {@code ?}, so that a hostile value can't forge lines or flood the answer.
     */
    public static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder shown = new StringBuilder(Math.min(text.length(), 100) + 3);
        for (int i = 0; i < text.length() && i < 100; i++) {
            char c = text.charAt(i);
            shown.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 100 ? shown.append("...").toString() : shown.toString();
    }
}
