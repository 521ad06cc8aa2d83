package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Deployment;
import dev.bluegreen.core.Fleet;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.internal.Failures;
import dev.bluegreen.proxy.watch.AutoRollback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the admin API and the status page; the README documents each resource and its JSON.
 *
 * <pre>
 * admin channel:  HttpServerCodec → AdminBodyLimit → AdminRequestTimeout → OneMessagePerRead → BrowserRequestCheck
 *                 → [BearerTokenCheck] → AdminHttpHandler
 * </pre>
 *
 * <p>Changes run on the admin executor, not on the event loop: a store may block (a distributed one talks to its
 * ensemble). Each is attributed to the {@code actor} parameter (default {@code http:<client address>}) with the
 * {@code reason} parameter. The channel does not read on its own: the handler asks for the next request once the
 * current one is answered, so pipelined requests are answered in order (RFC 9112 §9.3.2).
 */
public final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Duration MAX_FLEET_WAIT = Duration.ofSeconds(60);
    /** What a missing {@code to} of a switch or shift should have been. */
    private static final String TO = "to=blue or to=green";
    /** The parameters each request takes; any other is a 400 (see {@link AdminParameters#allowOnly}). */
    private static final List<String> CHANGE_PARAMETERS = List.of("generation", "actor", "reason", "force");
    private static final List<String> SWITCH_PARAMETERS = List.of("to", "generation", "actor", "reason", "force");
    private static final List<String> SHIFT_PARAMETERS =
            List.of("to", "percent", "generation", "actor", "reason", "force");
    private static final List<String> DEPLOY_PARAMETERS =
            List.of("version", "backends", "colour", "generation", "actor", "reason", "force");
    private static final List<String> FLEET_PARAMETERS = List.of("generation", "timeout");

    private final BlueGreen admin;
    private final BlueGreenProxy proxy;
    private final Supplier<String> metrics;
    private final Executor verbs;
    private final StatusPage page;

    /**
     * @param proxy   the proxy whose live counts and drains the documents show, or {@code null}
     * @param metrics what {@code GET /metrics} answers (a Prometheus scrape), or {@code null} for 404
     * @param verbs   where the admin verbs run (never an event loop)
     * @param page    the status page
     */
    public AdminHttpHandler(BlueGreen admin, BlueGreenProxy proxy, Supplier<String> metrics, Executor verbs,
                            StatusPage page) {
        this.admin = admin;
        this.proxy = proxy;
        this.metrics = metrics;
        this.verbs = verbs;
        this.page = page;
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
            // The decoder's reason says what was wrong, such as "An HTTP line is larger than 4096 bytes."
            Throwable cause = request.decoderResult().cause();
            json(ctx, HttpResponseStatus.BAD_REQUEST, StatusDocument.error("malformed request"
                    + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : "")), false);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        switch (path) {
            case "/" -> {
                if (requireMethod(ctx, method, HttpMethod.GET, keepAlive)) {
                    FullHttpResponse answer = response(HttpResponseStatus.OK, "text/html; charset=utf-8",
                            Unpooled.wrappedBuffer(page.bytes()));
                    answer.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, page.contentSecurityPolicy());
                    write(ctx, answer, keepAlive);
                }
            }
            case "/status" -> {
                if (requireMethod(ctx, method, HttpMethod.GET, keepAlive)) {
                    json(ctx, HttpResponseStatus.OK, StatusDocument.status(admin.snapshot(), proxy), keepAlive);
                }
            }
            case "/history" -> {
                if (requireMethod(ctx, method, HttpMethod.GET, keepAlive)) {
                    json(ctx, HttpResponseStatus.OK, StatusDocument.history(admin.history(), admin.refusals(),
                            proxy), keepAlive);
                }
            }
            case "/mirror" -> {
                if (requireMethod(ctx, method, HttpMethod.GET, keepAlive)) {
                    json(ctx, HttpResponseStatus.OK, MirrorDocument.of(proxy == null ? null
                            : proxy.mirror().orElse(null)), keepAlive);
                }
            }
            case "/fleet" -> {
                if (requireMethod(ctx, method, HttpMethod.GET, keepAlive)) {
                    fleet(ctx, request, keepAlive);
                }
            }
            case "/metrics" -> {
                if (metrics == null) {
                    json(ctx, HttpResponseStatus.NOT_FOUND, StatusDocument.error(
                            "no metrics: the application gave this endpoint no Prometheus registry"), keepAlive);
                } else if (requireMethod(ctx, method, HttpMethod.GET, keepAlive)) {
                    write(ctx, response(HttpResponseStatus.OK, PROMETHEUS_TEXT,
                            ByteBufUtil.writeUtf8(ctx.alloc(), metrics.get())), keepAlive);
                }
            }
            case "/switch", "/promote", "/rollback", "/deploy", "/shift" -> {
                if (requireMethod(ctx, method, HttpMethod.POST, keepAlive)) {
                    change(ctx, path, request, keepAlive);
                }
            }
            default -> json(ctx, HttpResponseStatus.NOT_FOUND, StatusDocument.error("no such resource: " + path
                    + " (expected: /, /status, /history, /mirror, /fleet, /metrics, /switch, /promote, /shift,"
                    + " /rollback or /deploy)"),
                    keepAlive);
        }
    }

    private boolean requireMethod(ChannelHandlerContext ctx, HttpMethod actual, HttpMethod expected,
                                  boolean keepAlive) {
        // HEAD wherever GET is (RFC 9110 §9.3.2): the codec sends the GET answer's head without its body.
        boolean read = HttpMethod.GET.equals(expected);
        if (expected.equals(actual) || read && HttpMethod.HEAD.equals(actual)) {
            return true;
        }
        FullHttpResponse response = jsonResponse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
                StatusDocument.error("method " + actual + " not allowed here (expected: " + expected + ")"));
        response.headers().set(HttpHeaderNames.ALLOW, read ? "GET, HEAD" : expected.name());
        write(ctx, response, keepAlive);
        return false;
    }

    /**
     * {@code GET /fleet[?generation=G&timeout=10s]}: what this instance knows of the fleet sharing its store; with a
     * generation, answers once every reachable instance serves it (200), or at the timeout (504, with the laggards).
     */
    private void fleet(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        Optional<Fleet> fleet = admin.fleet();
        if (fleet.isEmpty()) {
            json(ctx, HttpResponseStatus.NOT_FOUND,
                    StatusDocument.error("no fleet: this routing store is not shared"), keepAlive);
            return;
        }
        long generation;
        Duration timeout;
        try {
            AdminParameters parameters = AdminParameters.of(request);
            parameters.allowOnly(FLEET_PARAMETERS);
            generation = parameters.expectedGeneration();
            timeout = parameters.timeout("timeout", Duration.ofSeconds(10), MAX_FLEET_WAIT);
            if (generation == BlueGreen.ANY_GENERATION && parameters.optional("timeout") != null) {
                // A timeout without a generation has nothing to wait for: refused, not silently ignored.
                throw new IllegalArgumentException("parameter 'timeout' given without 'generation' (expected:"
                        + " generation=G to wait for, with an optional timeout)");
            }
        } catch (IllegalArgumentException e) {
            json(ctx, HttpResponseStatus.BAD_REQUEST, StatusDocument.error(e.getMessage()), keepAlive);
            return;
        }
        long current = admin.snapshot().generation();
        if (generation == BlueGreen.ANY_GENERATION) {
            json(ctx, HttpResponseStatus.OK, StatusDocument.fleet(fleet.get().status(), current, null), keepAlive);
            return;
        }
        // The future may complete on the store's thread: only non-blocking writes follow it.
        fleet.get().awaitGeneration(generation, timeout).whenComplete((status, error) -> {
            if (error == null) {
                json(ctx, HttpResponseStatus.OK, StatusDocument.fleet(status, generation, null), keepAlive);
            } else {
                Throwable cause = Failures.cause(error);
                json(ctx, HttpResponseStatus.GATEWAY_TIMEOUT,
                        StatusDocument.fleet(fleet.get().status(), generation, cause.getMessage()), keepAlive);
            }
        });
    }

    /** Parses the change on the event loop (bad input is a 400 at once), runs it on the admin executor. */
    private void change(ChannelHandlerContext ctx, String path, FullHttpRequest request, boolean keepAlive) {
        Function<BlueGreen.Attributed, RoutingSnapshot> verb;
        BlueGreen.Attributed attributed;
        try {
            AdminParameters parameters = AdminParameters.of(request);
            parameters.allowOnly(switch (path) {
                case "/switch" -> SWITCH_PARAMETERS;
                case "/shift" -> SHIFT_PARAMETERS;
                case "/deploy" -> DEPLOY_PARAMETERS;
                default -> CHANGE_PARAMETERS;
            });
            long generation = parameters.expectedGeneration();
            String actor = parameters.optional("actor");
            if (AutoRollback.ACTOR.equals(actor)) {
                // The watch's own name: the history would show its rollback, and bluegreen.auto.rollbacks count it.
                throw new IllegalArgumentException("actor: '" + actor + "' (expected: another name; this one is the"
                        + " automatic rollback's)");
            }
            attributed = admin.as(actor != null ? actor : defaultActor(ctx), parameters.optional("reason"));
            if (parameters.force()) {
                // Skips the guards of a switch, promotion or shift, and lets a deployment replace the live pool;
                // the snapshot and the history say so.
                attributed = attributed.forced();
            }
            verb = switch (path) {
                case "/switch" -> {
                    Colour target = Colour.parse(parameters.required("to", TO));
                    yield a -> a.switchTo(target, generation);
                }
                case "/shift" -> {
                    Colour target = Colour.parse(parameters.required("to", TO));
                    int percent = parameters.percent();
                    yield a -> a.shift(target, percent, generation);
                }
                case "/promote" -> a -> a.promote(generation);
                case "/rollback" -> a -> a.rollback(generation);
                default -> deployment(parameters, generation);
            };
        } catch (IllegalArgumentException e) {
            json(ctx, HttpResponseStatus.BAD_REQUEST, StatusDocument.error(e.getMessage()), keepAlive);
            return;
        }
        BlueGreen.Attributed by = attributed;
        // The plain verbs block while the guards run: fine on the admin executor, which is not an event loop.
        CompletableFuture.supplyAsync(() -> verb.apply(by), verbs).whenComplete((snapshot, error) -> {
            if (error == null) {
                json(ctx, HttpResponseStatus.OK, StatusDocument.status(snapshot, proxy), keepAlive);
                return;
            }
            Throwable cause = Failures.cause(error);
            if (cause instanceof ChangeRefusedException refused) {
                json(ctx, HttpResponseStatus.CONFLICT,
                        StatusDocument.refusal(refused, admin.snapshot().generation()), keepAlive);
            } else if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
                json(ctx, HttpResponseStatus.BAD_REQUEST, StatusDocument.error(cause.getMessage()), keepAlive);
            } else {
                log.error("admin {} failed", path, cause);
                json(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        StatusDocument.error("internal error: " + cause), keepAlive);
            }
        });
    }

    /**
     * {@code POST /deploy?version=v3&backends=h:p,h:p[&colour=green][&force=true]}: the idle pool unless a colour is
     * named; the live pool only with {@code force=true}.
     */
    private Function<BlueGreen.Attributed, RoutingSnapshot> deployment(AdminParameters parameters, long generation) {
        String colourText = parameters.optional("colour");
        String version = parameters.required("version", "version=LABEL, as in version=v2");
        List<Backend> backends = Backend.parseList(parameters.required("backends",
                "backends=HOST:PORT[,HOST:PORT...]"));
        boolean forceLive = parameters.force();
        return a -> {
            // Without a colour, "the idle pool" is decided when the change runs, against the state it changes.
            Colour colour = colourText != null ? Colour.parse(colourText) : admin.snapshot().idle();
            Deployment deployment = Deployment.of(colour, version, backends).expectingGeneration(generation);
            return a.deploy(forceLive ? deployment.forced() : deployment);
        };
    }

    private static String defaultActor(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            return "http:" + remote.getHostString();
        }
        return "http";
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        // No page of any origin may frame the endpoint: framed under a decoy, the status page's own buttons would
        // send same-origin switches that the Origin checks rightly let through (clickjacking).
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, StatusPage.DOCUMENT_POLICY)
                .set("X-Frame-Options", "DENY")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    private static FullHttpResponse jsonResponse(ChannelHandlerContext ctx, HttpResponseStatus status, String json) {
        return response(status, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8",
                ByteBufUtil.writeUtf8(ctx.alloc(), json + "\n"));
    }

    private static void json(ChannelHandlerContext ctx, HttpResponseStatus status, String json, boolean keepAlive) {
        write(ctx, jsonResponse(ctx, status, json), keepAlive);
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
