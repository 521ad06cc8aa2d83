package dev.bluegreen.proxy.internal.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>} (RFC 6750 §2.1); any other gets 401 with
 * {@code WWW-Authenticate: Bearer} and the connection closes. The comparison takes the same time wherever the
 * given token first differs, so timing tells an attacker nothing about the token.
 *
 * <p>One request is exempt: {@code GET /} (and {@code HEAD /}, its head), the status page itself, which holds no data
 * and asks the operator for the token before it calls the API.
 *
 * <pre>
 * admin channel:  HttpServerCodec → AdminBodyLimit → AdminRequestTimeout → OneMessagePerRead → BrowserRequestCheck
 *                 → BearerTokenCheck → AdminHttpHandler
 * </pre>
 */
public final class BearerTokenCheck extends ChannelInboundHandlerAdapter {

    private static final String PREFIX = "Bearer ";

    private final byte[] expected;

    /** @param token the token every API request must carry */
    public BearerTokenCheck(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || isStatusPage(request) || authorised(request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean hadCredentials = request.headers().contains(HttpHeaderNames.AUTHORIZATION);
        request.release();
        FullHttpResponse response = RefusalResponses.refusal(ctx, HttpResponseStatus.UNAUTHORIZED, hadCredentials
                ? "the bearer token is not valid" : "this endpoint needs Authorization: Bearer <token>");
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, hadCredentials
                ? "Bearer error=\"invalid_token\"" : "Bearer");
        RefusalResponses.send(ctx, response);
    }

    private static boolean isStatusPage(FullHttpRequest request) {
        HttpMethod method = request.method();
        return (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) && ("/".equals(request.uri())
                || request.uri().startsWith("/?"));
    }

    private boolean authorised(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        // MessageDigest.isEqual compares in time that depends on the lengths only, not on where the bytes differ.
        return MessageDigest.isEqual(given, expected);
    }
}
