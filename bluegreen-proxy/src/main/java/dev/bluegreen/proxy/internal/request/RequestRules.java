package dev.bluegreen.proxy.internal.request;

import dev.bluegreen.proxy.RequestLimits;
import java.util.Set;

/**
 * What the proxy accepts from clients and how it forwards their requests: the limits, the {@code Host} allow-list,
 * and the header policy. Validated by {@code BlueGreenProxyBuilder}; immutable.
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
}
