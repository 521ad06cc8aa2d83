package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.proxy.internal.request.Authority;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps web pages from driving the admin endpoint through an operator's browser. Every request must name a host the
 * endpoint serves ({@link HostAllowList}: 421 Misdirected Request otherwise, RFC 9110 §15.5.20; DNS rebinding), and
 * a state-changing one must not come from a page of another origin ({@link OriginPolicy}: 403 otherwise; cross-site
 * request forgery). A malformed, missing (HTTP/1.1, RFC 9112 §3.2) or repeated {@code Host} is a 400. A refused
 * request is released and answered with a short JSON error, and the connection closes.
 *
 * <pre>
 * admin channel:  HttpServerCodec → AdminBodyLimit → AdminRequestTimeout → OneMessagePerRead → BrowserRequestCheck
 *                 → [BearerTokenCheck] → AdminHttpHandler
 * </pre>
 *
 * <p>It sits before the token check: a request a browser was tricked into sending is refused for what it is, with
 * or without a token. Stateless, so one instance serves every channel.
 */
@ChannelHandler.Sharable
public final class BrowserRequestCheck extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BrowserRequestCheck.class);

    private final HostAllowList hosts;
    private final OriginPolicy origins;

    /**
     * @param hosts   the host names served besides the connection's own address
     * @param origins who may change state
     */
    public BrowserRequestCheck(HostAllowList hosts, OriginPolicy origins) {
        this.hosts = hosts;
        this.origins = origins;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (request.decoderResult().isFailure()) {
            // Netty gives a request it could not decode with its fields cut off where it stopped: checking its Host
            // would blame a Host the client did send. The decoder's reason is the answer, as the handler gives it.
            Throwable cause = request.decoderResult().cause();
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed request"
                    + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""));
            return;
        }
        List<String> fields = request.headers().getAll(HttpHeaderNames.HOST);
        Authority host = null;
        if (fields.size() > 1) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad request: " + fields.size() + " Host fields");
            return;
        }
        if (fields.isEmpty()) {
            // HTTP/1.0 may leave Host out; a browser never does, so such a request is no rebinding page's.
            if (!HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
                refuse(ctx, request, HttpResponseStatus.BAD_REQUEST,
                        "bad request: no Host field (expected: one, HTTP/1.1 requires it)");
                return;
            }
        } else {
            try {
                host = Authority.parse(fields.get(0).trim());
            } catch (IllegalArgumentException e) {
                refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad request: invalid Host " + e.getMessage());
                return;
            }
            String misdirected = hosts.refusal(host, arrivedOn(ctx));
            if (misdirected != null) {
                refuse(ctx, request, HttpResponseStatus.MISDIRECTED_REQUEST, misdirected);
                return;
            }
        }
        String crossSite = origins.refusal(request, host);
        if (crossSite != null) {
            refuse(ctx, request, HttpResponseStatus.FORBIDDEN, crossSite);
            return;
        }
        ctx.fireChannelRead(request);
    }

    private static InetAddress arrivedOn(ChannelHandlerContext ctx) {
        return ctx.channel().localAddress() instanceof InetSocketAddress local ? local.getAddress() : null;
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                               String why) {
        // DEBUG, not INFO: a hostile page can make a browser send refused requests in a loop.
        log.debug("admin endpoint refused {} {} from {}: {} {}", request.method(),
                Authority.printable(request.uri()), ctx.channel().remoteAddress(), status.code(), why);
        request.release();
        RefusalResponses.send(ctx, RefusalResponses.refusal(ctx, status, why));
    }
}
