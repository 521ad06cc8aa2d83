package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.core.Backend;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.internal.request.Cookies;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HexFormat;

/**
 * The cookie that keeps a client on the backend that answered it ({@link LoadBalancing#affinityCookie}): its value is
 * a backend's token, the {@linkplain Rendezvous#idHashes hash of its id} as 16 hex digits, so the cookie names a
 * backend without spelling out its id, and the token is the id hash each loop keeps already. Unkeyed, so that every
 * proxy and restart gives a backend the same token: no secret, as an id (by default {@code host:port}) that can be
 * guessed can be checked against it. Stateless.
 */
public final class AffinityCookie {

    /** What {@link #take} gives a request without a well-formed cookie: no backend asked for. */
    public static final long NONE = 0;

    private static final HexFormat HEX = HexFormat.of();
    private static final int TOKEN_LENGTH = 16;

    private AffinityCookie() {
    }

    /**
     * The token of the backend the request's cookie {@code name} names, or {@link #NONE} when it has none or one that
     * is not 16 hex digits; the cookie is removed from the request either way, as it is the proxy's, not the
     * backend's.
     */
    public static long take(HttpHeaders request, String name) {
        String value = Cookies.value(request, name);
        if (value == null) {
            return NONE;
        }
        Cookies.remove(request, name);
        if (value.length() != TOKEN_LENGTH || !value.chars().allMatch(HexFormat::isHexDigit)) {
            return NONE;
        }
        return HexFormat.fromHexDigitsToLong(value);
    }

    /** The token of {@code backend}: what its cookie holds. */
    public static long token(Backend backend) {
        return Rendezvous.idHash(backend);
    }

    /**
     * Sets the cookie {@code name} on a response of {@code backend}, unless the request named it already ({@code asked}
     * is its token): {@code Path=/} for the whole site, {@code HttpOnly} as no script needs it, {@code SameSite=Lax},
     * and {@code Secure} when the client connected with TLS. A session cookie: it ends with the browser's session.
     * A cookie of that name the backend set is removed first, as HAProxy's {@code cookie ... insert} does: the name is
     * the proxy's, and a backend's value would overwrite the client's token with one that names no backend.
     */
    public static void offer(HttpHeaders response, String name, long asked, Backend backend, boolean secure) {
        Cookies.removeSetCookie(response, name);
        long token = token(backend);
        if (token != asked) {
            response.add(HttpHeaderNames.SET_COOKIE, name + "=" + HEX.toHexDigits(token)
                    + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
        }
    }
}
