package dev.bluegreen.proxy.internal.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a message head changes from one hop to the next: the request on its way to the backend, the response on its
 * way back. Each head is rewritten in place (the same message object travels on); stateless.
 */
public final class MessageHeads {

    private MessageHeads() {
    }

    /** RFC 9110 §9.2.2: a request with one of these methods may be sent again without changing the outcome. */
    static boolean isIdempotent(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                || HttpMethod.TRACE.equals(method) || HttpMethod.PUT.equals(method)
                || HttpMethod.DELETE.equals(method);
    }

    /** Whether a request head announces a body: chunked, or a {@code Content-Length} above zero. */
    public static boolean hasBody(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /**
     * The protocol a request asks to upgrade to (RFC 9110 §7.8: {@code Upgrade} named by {@code Connection}, on
     * HTTP/1.1), or {@code null}. {@code h2c} is never passed on: the upstream side speaks HTTP/1.1 only.
     */
    public static String requestedUpgrade(HttpRequest request) {
        HttpHeaders headers = request.headers();
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !HttpVersion.HTTP_1_1.equals(request.protocolVersion())
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || upgrade.toLowerCase(Locale.ROOT).contains("h2c")) {
            return null;
        }
        return upgrade;
    }

    /**
     * As {@link #prepareUpstreamRequest(HttpRequest, ClientAddress, String, boolean, RequestRules)}, with the default
     * rules, for a client seen once.
     *
     * @param clientIp the client's address, for {@code X-Forwarded-For}
     * @param secure   whether the client connected with TLS, for {@code X-Forwarded-Proto}
     */
    public static void prepareUpstreamRequest(HttpRequest request, String clientIp, boolean secure, String upgrade,
                                       boolean chunked) {
        prepareUpstreamRequest(request, new ClientAddress(clientIp, secure), upgrade, chunked,
                RequestRules.defaults());
    }

    /**
     * Turns the client's request head into the upstream one: hop-by-hop headers stripped, the body framed as it
     * arrived, forwarding headers set with the forwarding policy of {@code rules} (whose forwarding headers are
     * trusted, whether {@code Proxy-Authorization} travels), {@code Via} added, HTTP/1.1 with keep-alive; an upgrade
     * request keeps its {@code Upgrade}.
     *
     * @param client  the client's connection: its address, TLS or not, and its {@code Forwarded} element, made once
     *                per {@code Host}
     * @param upgrade the protocol the request asks to upgrade to, or {@code null}
     * @param chunked whether the request body arrived chunked
     * @return what the request's {@code Connection} named besides the usual options, or {@code null}
     *         ({@link HopByHopHeaders#strip}): its trailers lose those fields too
     */
    public static String prepareUpstreamRequest(HttpRequest request, ClientAddress client, String upgrade,
                                       boolean chunked, RequestRules rules) {
        HttpHeaders headers = request.headers();
        String host = headers.get(HttpHeaderNames.HOST);
        String named = HopByHopHeaders.strip(headers, rules.forwardProxyAuthorization());
        if (chunked) {
            // The body is re-framed on the upstream hop exactly as it arrived: chunk by chunk.
            HttpUtil.setTransferEncodingChunked(request, true);
        }
        ForwardedHeaders.set(headers, client, host, rules.trustedProxies().trusts(client.ip()));
        ForwardedHeaders.addVia(headers, request.protocolVersion());
        if (upgrade != null) {
            // The one hop-by-hop pair that must travel: the backend decides whether to switch protocols.
            headers.set(HttpHeaderNames.UPGRADE, upgrade);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        // Upstream is always HTTP/1.1 with keep-alive; the client's own connection semantics stay on its hop.
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        return named;
    }

    /**
     * Turns a final response head from the backend into the client's: hop-by-hop headers stripped and the body
     * re-framed for the client (chunked for HTTP/1.1 when the backend gave no length). What the response's
     * {@code Connection} named is kept in {@code request}, for the response's trailers.
     *
     * @param request the head of the request answered
     * @return whether the body can only be delimited by closing the connection (an HTTP/1.0 client, no length)
     */
    public static boolean prepareClientResponse(HttpResponse response, RequestHead request) {
        HttpHeaders headers = response.headers();
        request.responseConnectionNamed(HopByHopHeaders.strip(headers));
        ForwardedHeaders.addVia(headers, response.protocolVersion());
        int code = response.status().code();
        boolean bodyless = request.isHead() || code == 204 || code == 304;
        if (bodyless || headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return false;
        }
        if (request.version().isKeepAliveDefault()) {
            HttpUtil.setTransferEncodingChunked(response, true);
            return false;
        }
        return true;
    }

    /** Sets the response's {@code Connection} for the client's hop, and its version to HTTP/1.1. */
    public static void setClientConnection(HttpResponse response, boolean close, HttpVersion clientVersion) {
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!clientVersion.isKeepAliveDefault()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /**
     * Removes the request header fields whose name holds {@code _} (as nginx does), so that {@code X_Forwarded_For}
     * can't pose as {@code X-Forwarded-For} to a backend that maps both to one variable.
     */
    public static void dropUnderscoreHeaders(HttpHeaders headers) {
        List<CharSequence> names = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> each = headers.iteratorCharSequence(); each.hasNext(); ) {
            CharSequence name = each.next().getKey();
            if (AsciiString.indexOf(name, '_', 0) >= 0) {
                if (names == null) {
                    names = new ArrayList<>(2);
                }
                names.add(name);
            }
        }
        if (names != null) {
            names.forEach(headers::remove);
        }
    }

    /**
     * Turns a 1xx interim response from the backend into the client's: hop-by-hop headers stripped, and {@code Via}
     * added, as to every message the proxy forwards (RFC 9110 §7.6.3).
     */
    public static void prepareInterim(HttpResponse interim) {
        HopByHopHeaders.strip(interim.headers());
        ForwardedHeaders.addVia(interim.headers(), interim.protocolVersion());
    }

    /**
     * Turns a 101 from the backend into the client's: hop-by-hop headers stripped but for the upgrade itself.
     *
     * @return the protocol switched to, or {@code null} if the backend did not name one
     */
    public static String prepareSwitchingProtocols(HttpResponse response) {
        String protocol = response.headers().get(HttpHeaderNames.UPGRADE);
        HopByHopHeaders.strip(response.headers());
        if (protocol != null) {
            response.headers().set(HttpHeaderNames.UPGRADE, protocol);
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        ForwardedHeaders.addVia(response.headers(), response.protocolVersion());
        return protocol;
    }
}
