package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.LoadBalancing.HashedPart;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import dev.bluegreen.proxy.internal.request.Cookies;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Optional;

/**
 * The key a consistent-hash {@link LoadBalancing} takes of one request, as a 64-bit hash for {@link Rendezvous}: of
 * a header's, a cookie's or a query parameter's value, the client's IP address or the path. Stateless.
 */
public final class RequestHashKey {

    /** What {@link #of} gives a request without the key, or when the balancing does not hash: it goes round robin. */
    public static final long NONE = 0;

    private RequestHashKey() {
    }

    /**
     * The hash of what {@code balancing} hashes in {@code request}, from {@code client}, never {@link #NONE} for a
     * request that has it; {@link #NONE} when the header, cookie or parameter is missing or empty, or the balancing
     * does not hash.
     */
    public static long of(LoadBalancing balancing, HttpRequest request, ClientAddress client) {
        Optional<HashedPart> part = balancing.hashedPart();
        if (part.isEmpty()) {
            return NONE;
        }
        return switch (part.get()) {
            case HEADER -> hash(request.headers().get(balancing.hashedName().orElseThrow()));
            case COOKIE -> hash(Cookies.value(request.headers(), balancing.hashedName().orElseThrow()));
            case CLIENT_ADDRESS -> hash(client.ip());
            case PATH -> pathHash(request.uri());
            case QUERY_PARAMETER -> parameterHash(request.uri(), balancing.hashedName().orElseThrow());
        };
    }

    /** The hash of the first value of the query parameter {@code name} in {@code target}, as sent; or NONE. */
    private static long parameterHash(String target, String name) {
        int start = target.indexOf('?') + 1;
        while (start > 0 && start < target.length()) {
            int end = target.indexOf('&', start);
            if (end < 0) {
                end = target.length();
            }
            int equals = start + name.length();
            if (equals < end && target.charAt(equals) == '=' && target.startsWith(name, start)) {
                return hash(target, equals + 1, end);
            }
            start = end + 1;
        }
        return NONE;
    }

    private static long hash(String text) {
        return text == null ? NONE : hash(text, 0, text.length());
    }

    /** The hash of {@code text} from {@code start} to {@code end}, never {@link #NONE}; {@link #NONE} if empty. */
    private static long hash(String text, int start, int end) {
        if (end <= start) {
            return NONE;
        }
        long hash = Rendezvous.hash(text, start, end);
        return hash == NONE ? 1 : hash;
    }

    /** The hash of the path of a request target: without its query, and {@code /} for an absolute form without one. */
    private static long pathHash(String target) {
        int start = pathStart(target);
        int query = target.indexOf('?', start);
        int end = query < 0 ? target.length() : query;
        return start < end ? hash(target, start, end) : hash("/");
    }

    /** Where the path begins in a request target: after the scheme and authority of an absolute-form one. */
    private static int pathStart(String target) {
        if (target.startsWith("/")) {
            return 0;
        }
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return 0;
        }
        // The authority ends at the path or, when there is none, at the query: whose value may hold a '/'.
        int path = scheme + 3;
        while (path < target.length() && target.charAt(path) != '/' && target.charAt(path) != '?') {
            path++;
        }
        return path;
    }
}
