package dev.bluegreen.proxy.internal;

import dev.bluegreen.core.internal.Texts;
import java.util.Locale;
import java.util.Objects;

/**
 * The server names a listener may be given a certificate for (SNI, RFC 6066 §3): a DNS host name, or a wildcard
 * {@code *.domain} for the names one label below a domain, as the SNI mapping matches them. Stateless.
 */
public final class ServerNames {

    /** A DNS name's limit (RFC 1035 §2.3.4), without the final dot. */
    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private ServerNames() {
    }

    /**
     * {@code serverName} in lower case, checked.
     *
     * @throws IllegalArgumentException naming the value, if it is not an ASCII host name of letters, digits and
     *                                  {@code '-'} in dot-separated labels, or such a name after {@code "*."}
     */
    public static String requireValid(String serverName) {
        String name = Objects.requireNonNull(serverName, "serverName").toLowerCase(Locale.ROOT);
        String host = name.startsWith("*.") ? name.substring(2) : name;
        if (host.isEmpty() || name.length() > MAX_NAME_LENGTH || !isHostName(host)) {
            throw new IllegalArgumentException("tls server name: " + Texts.quote(serverName) + " (expected: a host"
                    + " name such as api.example.com, or *.example.com for the names one label below a domain;"
                    + " an internationalised name in its xn-- form)");
        }
        return name;
    }

    private static boolean isHostName(String host) {
        int labelStart = 0;
        for (int i = 0; i <= host.length(); i++) {
            if (i == host.length() || host.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL_LENGTH || host.charAt(labelStart) == '-'
                        || host.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            char c = host.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
