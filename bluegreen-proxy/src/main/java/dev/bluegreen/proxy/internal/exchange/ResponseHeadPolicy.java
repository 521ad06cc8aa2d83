package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.RequestHead;
import dev.bluegreen.proxy.internal.routing.AffinityCookie;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.routing.Router;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns a backend's final response head into the client's, in place: hop-by-hop headers stripped, the body framed
 * for the client's protocol, what the route tells (routing header, a new session's cookie), the affinity cookie that
 * names the backend, what routing learns from it (an application's session cookie), and whether the client
 * connection closes after it. One per proxy; stateless.
 */
final class ResponseHeadPolicy {

    private static final Consumer<HttpHeaders> NO_FIELDS = headers -> { };

    /** What the policy reads of the exchange whose response it prepares: its routing, and who answered whom. */
    interface Answered {

        /** How the request was routed. */
        Route route();

        /** The pool that answered. */
        Environment environment();

        /** The routing generation the request read. */
        long generation();

        /** The backend that answered. */
        Backend backend();

        /** The token of the backend the request's affinity cookie asked for, or {@link AffinityCookie#NONE}. */
        long affinity();

        /** Whether the client connected with TLS. */
        boolean clientSecure();
    }

    private final String routingHeader;
    private final boolean closeAfterSwitch;
    private final Router router;
    private final LongSupplier liveColourChanges;
    /** The name of the cookie that keeps a client on its backend, or {@code null} when there is none. */
    private final String affinityCookie;
    /** Whether the affinity cookie is {@code Secure} whether or not the client connected with TLS. */
    private final boolean affinityCookieSecure;

    ResponseHeadPolicy(ProxyConfig config, Router router, LongSupplier liveColourChanges) {
        this.affinityCookie = config.loadBalancing().affinityCookie().orElse(null);
        this.affinityCookieSecure = config.loadBalancing().affinityCookieSecure();
        this.routingHeader = config.routingHeader();
        this.closeAfterSwitch = config.closeClientConnectionsAfterSwitch();
        this.router = router;
        this.liveColourChanges = liveColourChanges;
    }

    /**
     * Prepares {@code response} for the client of {@code request}.
     *
     * @param answered    how the request was routed (by which generation), to which pool and backend (it answered),
     *                    and for whom
     * @param clientEpoch the live-colour changes when the client connected
     * @param close       whether the client connection closes after this response already
     * @return whether the client connection closes after this response
     */
    boolean prepare(HttpResponse response, RequestHead request, Answered answered, long clientEpoch, boolean close) {
        if (MessageHeads.prepareClientResponse(response, request)) {
            // An HTTP/1.0 client knows no chunks: the end of the body is the end of the connection.
            close = true;
        }
        if (!request.keepAlive()) {
            close = true;
        }
        if (closeAfterSwitch && clientEpoch != liveColourChanges.getAsLong()) {
            // The live colour changed since this client connected: move it off this connection.
            close = true;
        }
        tell(response, answered);
        MessageHeads.setClientConnection(response, close, request.version());
        return close;
    }

    /**
     * Tells on a backend's {@code 101}, which {@link #prepare} does not see, what {@code prepare} tells on any other
     * answer: a WebSocket client's first answer may be its handshake's, and a browser keeps a cookie set on it
     * (RFC 6455 §4.1), as HAProxy sets its cookie on a {@code 101}. Without it, such a client's next connections would
     * lose their session's colour or backend, and whoever reads the handshake would not see where it was routed.
     *
     * @return {@code switching}
     */
    HttpResponse switching(HttpResponse switching, Answered answered) {
        tell(switching, answered);
        return switching;
    }

    /**
     * What any answer of a backend tells the client and routing: the routing header, a new sticky session's cookie
     * (and the application's session cookie learnt), the affinity cookie.
     */
    private void tell(HttpResponse response, Answered answered) {
        Route route = answered.route();
        long generation = answered.generation();
        route.decorate(response.headers(), routingHeader, generation);
        router.responded(route, answered.environment(), generation, response.headers());
        if (affinityCookie != null) {
            AffinityCookie.offer(response.headers(), affinityCookie, answered.affinity(), answered.backend(),
                    affinityCookieSecure || answered.clientSecure());
        }
    }

    /**
     * What the proxy's own answer (a 502, 503 or 504 in place of the backend's) to a request routed by {@code route}
     * tells of it: the routing header, as the backend's answer would have, so that whoever reads the failure (an
     * operator, the switch drill) knows which colour it came from rather than guessing from when it was sent. No
     * session cookie: no backend answered to keep a session with.
     */
    Consumer<HttpHeaders> ownAnswer(Route route, long generation) {
        return routingHeader == null ? NO_FIELDS : headers -> route.name(headers, routingHeader, generation);
    }
}
