package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.ProxyCounters;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the admin API: {@code GET /status}, {@code GET /history}, {@code POST /switch?to=blue|green},
 * {@code POST /promote} and {@code POST /rollback}, each verb optionally with {@code generation=N} (refused unless
 * that is the current generation). A refused change answers 409 with the reason, bad input 400.
 *
 * <pre>
 * admin channel:  HttpServerCodec → HttpObjectAggregator → OneMessagePerRead → AdminHttpHandler
 * </pre>
 *
 * <p>The verbs run on the admin executor, not on the event loop: a store may block (a distributed one talks to its
 * ensemble). The channel does not read on its own: the handler asks for the next request only once the current one
 * is answered, so pipelined requests are answered in order (RFC 9112 §9.3.2).
 */
public final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);

    private final BlueGreen admin;
    private final Supplier<ProxyCounters> counters;
    private final Executor verbs;

    /**
     * @param counters the proxy's live counts, or a supplier of {@code null} when the endpoint has no proxy
     * @param verbs    where the admin verbs run (never an event loop)
     */
    public AdminHttpHandler(BlueGreen admin, Supplier<ProxyCounters> counters, Executor verbs) {
        this.admin = admin;
        this.counters = counters;
        this.verbs = verbs;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, StatusDocument.error("malformed request"), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        HttpMethod method = request.method();
        switch (path) {
            case "/status" -> {
                if (requireMethod(ctx, method, HttpMethod.GET, keepAlive)) {
                    respond(ctx, HttpResponseStatus.OK, StatusDocument.status(admin.snapshot(), counters.get()),
                            keepAlive);
                }
            }
            case "/history" -> {
                if (requireMethod(ctx, method, HttpMethod.GET, keepAlive)) {
                    respond(ctx, HttpResponseStatus.OK, StatusDocument.history(admin.history()), keepAlive);
                }
            }
            case "/switch", "/promote", "/rollback" -> {
                if (requireMethod(ctx, method, HttpMethod.POST, keepAlive)) {
                    change(ctx, path, uri.parameters(), keepAlive);
                }
            }
            default -> respond(ctx, HttpResponseStatus.NOT_FOUND,
                    StatusDocument.error("no such resource: " + path
                            + " (expected: /status, /history, /switch, /promote or /rollback)"), keepAlive);
        }
    }

    private boolean requireMethod(ChannelHandlerContext ctx, HttpMethod actual, HttpMethod expected,
                                  boolean keepAlive) {
        if (expected.equals(actual)) {
            return true;
        }
        FullHttpResponse response = response(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
                StatusDocument.error("method " + actual + " not allowed here (expected: " + expected + ")"));
        response.headers().set(HttpHeaderNames.ALLOW, expected.name());
        write(ctx, response, keepAlive);
        return false;
    }

    private void change(ChannelHandlerContext ctx, String path, Map<String, List<String>> query, boolean keepAlive) {
        long expectedGeneration;
        Colour target;
        try {
            expectedGeneration = generation(query);
            target = "/switch".equals(path) ? Colour.parse(single(query, "to")) : null;
        } catch (IllegalArgumentException e) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, StatusDocument.error(e.getMessage()), keepAlive);
            return;
        }
        CompletableFuture.supplyAsync(() -> switch (path) {
            case "/switch" -> admin.switchTo(target, expectedGeneration);
            case "/promote" -> admin.promote(expectedGeneration);
            default -> admin.rollback(expectedGeneration);
        }, verbs).whenComplete((snapshot, error) -> {
            if (error == null) {
                respond(ctx, HttpResponseStatus.OK, StatusDocument.status(snapshot, counters.get()), keepAlive);
                return;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
            if (cause instanceof ChangeRefusedException refused) {
                respond(ctx, HttpResponseStatus.CONFLICT,
                        StatusDocument.refusal(refused, admin.snapshot().generation()), keepAlive);
            } else if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, StatusDocument.error(cause.getMessage()), keepAlive);
            } else {
                log.error("admin {} failed", path, cause);
                respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        StatusDocument.error("internal error: " + cause), keepAlive);
            }
        });
    }

    private static long generation(Map<String, List<String>> query) {
        if (!query.containsKey("generation")) {
            return BlueGreen.ANY_GENERATION;
        }
        String text = single(query, "generation");
        try {
            long generation = Long.parseLong(text);
            if (generation < 0) {
                throw new NumberFormatException();
            }
            return generation;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("generation: '" + text + "' (expected: a whole number >= 0)");
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("missing query parameter '" + name + "'");
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("query parameter '" + name + "' given " + values.size()
                    + " times (expected: once)");
        }
        return values.get(0);
    }

    private static FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status, String json) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), json + "\n"));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String json,
                                boolean keepAlive) {
        write(ctx, response(ctx, status, json), keepAlive);
    }

    /** Writes the answer; then closes, or asks for the next request. */
    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
            ctx.read();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: admin connection failed", ctx.channel(), cause);
        ctx.close();
    }
}
