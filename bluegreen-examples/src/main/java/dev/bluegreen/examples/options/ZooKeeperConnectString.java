package dev.bluegreen.examples.options;

import org.apache.zookeeper.common.PathUtils;

/**
 * Checks a ZooKeeper connect string before a client is built from it: the client itself takes a bad one without a
 * word and fails seconds later in a background thread, with its reason deep in a stack trace ("ZooKeeper
 * unreachable" for a port that is not a number).
 *
 * <p>Stateless.
 */
final class ZooKeeperConnectString {

    private static final String EXPECTED = " (expected: HOST[:PORT][,HOST[:PORT]...][/CHROOT], such as"
            + " zk1:2181,zk2:2181/bluegreen)";

    private ZooKeeperConnectString() {
    }

    /**
     * Checks {@code value} as ZooKeeper's client reads it: servers separated by commas, each a host and an optional
     * port (an IPv6 address in brackets), then an optional chroot path.
     *
     * @param value the connect string
     * @throws IllegalArgumentException naming the value, the part that is wrong and what was expected
     */
    static void check(String value) {
        if (value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
            throw refused(value, "blank or with white space");
        }
        int slash = value.indexOf('/');
        String servers = slash < 0 ? value : value.substring(0, slash);
        if (servers.isEmpty()) {
            throw refused(value, "no server before the chroot");
        }
        for (String server : servers.split(",", -1)) {
            checkServer(value, server);
        }
        if (slash >= 0 && value.length() - slash > 1) {
            try {
                PathUtils.validatePath(value.substring(slash));
            } catch (IllegalArgumentException e) {
                throw refused(value, "chroot " + value.substring(slash) + ": " + e.getMessage());
            }
        }
    }

    private static void checkServer(String value, String server) {
        if (server.isEmpty()) {
            throw refused(value, "an empty server between commas");
        }
        String host;
        String port;
        if (server.startsWith("[")) {
            int close = server.indexOf(']');
            if (close < 0 || (close + 1 < server.length() && server.charAt(close + 1) != ':')) {
                throw refused(value, "server '" + server + "' is not [IPV6] or [IPV6]:PORT");
            }
            host = server.substring(1, close);
            port = close + 1 < server.length() ? server.substring(close + 2) : null;
        } else {
            int colon = server.indexOf(':');
            if (colon >= 0 && server.indexOf(':', colon + 1) >= 0) {
                throw refused(value, "server '" + server + "' has more than one ':' (an IPv6 address goes in"
                        + " brackets, as [::1]:2181)");
            }
            host = colon < 0 ? server : server.substring(0, colon);
            port = colon < 0 ? null : server.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw refused(value, "server '" + server + "' has no host");
        }
        if (port != null && !isPort(port)) {
            throw refused(value, "port '" + port + "' of server '" + server + "' is not a number 1-65535");
        }
    }

    private static boolean isPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int number = Integer.parseInt(port);
        return number >= 1 && number <= 65_535;
    }

    private static IllegalArgumentException refused(String value, String problem) {
        return new IllegalArgumentException("'" + value + "': " + problem + EXPECTED);
    }
}
