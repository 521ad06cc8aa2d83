package dev.bluegreen.proxy.internal.request;

import dev.bluegreen.proxy.RequestLimits;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the proxy accepts from clients and how it forwards their requests: the limits, the {@code Host} allow-list,
 * and the header policy. Validated by {@code BlueGreenProxyBuilder} (the allow-list by {@link #allowedHosts});
 * immutable.
 *
 * @param limits                    sizes, counts and timeouts
 * @param allowedHosts              host names (lower case, without port) a request may name; empty for any
 * @param trustedProxies            peers whose forwarding headers are appended to instead of replaced
 * @param forwardProxyAuthorization whether {@code Proxy-Authorization} travels to the backend (it is hop-by-hop,
 *                                  RFC 9110 §11.7.2, so it is stripped unless the backend is meant to see it)
 * @param dropUnderscoreHeaders     whether header fields whose name holds {@code _} are dropped before forwarding
 *                                  (a backend that maps {@code X_User} and {@code X-User} to one CGI variable could be
 *                                  fooled by a client sending the one the proxy doesn't manage)
 */
public record RequestRules(RequestLimits limits, Set<String> allowedHosts, TrustedProxies trustedProxies,
                           boolean forwardProxyAuthorization, boolean dropUnderscoreHeaders) {

    /** The rules when nothing is configured. */
    public static RequestRules defaults() {
        return new RequestRules(RequestLimits.defaults(), Set.of(), TrustedProxies.NONE, false, false);
    }

    /**
     * The {@code Host} allow-list as the rules keep it, in the form {@link RequestChecks} compares a request's host
     * in: each entry parsed as the admin endpoint's are ({@link Authority#hostsWithoutPort}), so a name in lower case
     * and an IPv6 address compressed, then a name's trailing dot dropped ({@code shop.example.} is
     * {@code shop.example}); each once.
     *
     * @throws IllegalArgumentException naming an entry that is not a host name or IP address without port
     */
    public static Set<String> allowedHosts(Collection<String> hosts) {
        Set<String> names = new LinkedHashSet<>();
        for (String host : Authority.hostsWithoutPort("allowedHosts", hosts)) {
            names.add(RequestChecks.withoutTrailingDot(host));
        }
        return Set.copyOf(names);
    }
}
