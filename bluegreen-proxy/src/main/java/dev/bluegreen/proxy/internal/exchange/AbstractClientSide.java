package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.metrics.FailureLog;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.RequestHead;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import dev.bluegreen.proxy.internal.request.TrailerFields;
import dev.bluegreen.proxy.internal.routing.Route;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client side, an HTTP/1.1 connection or an HTTP/2 stream: it turns each request that passed the rules into an
 * {@link Exchange}, one at a time, and hands the exchange what follows (body, writability, the client's close). What
 * differs by protocol — reading and writing, refusals, interim responses, tunnels, what happens after an exchange —
 * is left to the subclass: the HTTP/1.1 connection's last handler, or an HTTP/2 stream, which its connection's handler
 * calls (a stream has no channel of its own).
 *
 * <p>Routing happens here: the routing snapshot is read once, when the request head arrives, and the exchange is
 * pinned to the colour the router picks by it, the live colour unless preview, a shift or a sticky session says
 * otherwise (DESIGN.md, invariant 1). The connection itself belongs to no colour: its next request is routed afresh.
 */
public abstract class AbstractClientSide implements ClientSide {

    /** Marks the connections of the preview listener: all their requests go to the idle colour. */
    public static final AttributeKey<Boolean> PREVIEW_LISTENER = AttributeKey.valueOf("bluegreen.previewListener");

    private static final Logger log = LoggerFactory.getLogger(AbstractClientSide.class);

    private final LoopContexts loops;
    private final ClientProtocol protocol;
    private LoopContext loop;
    private Exchange exchange;
    /**
     * The exchange that served the last request, when it {@linkplain Exchange#endedClean() ended clean}: it serves
     * the next one, rather than a new exchange per request.
     */
    private Exchange spare;
    /** The colour of the last exchange (or refusal for want of backends), once there is none under way. */
    private Colour lastColour;
    private long epoch;
    private ClientAddress address;
    private boolean previewListener;

    protected AbstractClientSide(LoopContexts loops, ClientProtocol protocol) {
        this.loops = loops;
        this.protocol = protocol;
    }

    /** Who the client of {@code connection} is, for the forwarding headers; by default made here, once. */
    protected ClientAddress clientAddress(Channel connection) {
        return ClientAddress.of(connection);
    }

    /**
     * Refuses a request that did not pass the rules (or could not be decoded); nothing of it reached a backend.
     * The subclass answers as its protocol requires and, on HTTP/1.1, closes.
     */
    protected abstract void reject(RequestRejectedException rejection);

    /** The exchange under way ended (see {@link ClientSide#exchangeEnded}); the next request may be read. */
    protected abstract void afterExchange(ChannelFuture lastWrite, boolean close);

    /**
     * The client side opened, on {@code connection} (an HTTP/2 stream's: its connection's); requests may come.
     * Called before anything else, on the connection's event loop.
     */
    protected final void opened(Channel connection) {
        loop = loops.of(connection.eventLoop());
        epoch = loop.services().liveColourChanges().getAsLong();
        previewListener = connection.hasAttr(PREVIEW_LISTENER);
        address = clientAddress(connection);
    }

    /** The client side is gone (the connection closed, the stream was reset or ended): so is its exchange. */
    protected final void closed() {
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            lastColour = current.colour();
            current.onClientClosed();
        }
    }

    /**
     * The next message from the client: a request's head or a piece of its body, as HTTP/1.1 messages; raw bytes once
     * the connection is a tunnel.
     */
    protected final void received(Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequestHead(request);
        } else if (msg instanceof ByteBuf bytes) {
            // Raw bytes come only once the connection is a tunnel, and go straight to it.
            Tunnel tunnel = exchange != null ? exchange.tunnel() : null;
            if (tunnel != null) {
                tunnel.fromClient(bytes);
            } else {
                bytes.release();
            }
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
            read();
        }
    }

    private void onContent(HttpContent content) {
        Exchange current = exchange;
        DecoderResult result = content.decoderResult();
        if (result.isFailure()) {
            // A body that could not be decoded, stalled, or grew past its limit: the exchange fails (the backend
            // never sees a clean end of it) and, on HTTP/1.1, the connection closes: it can't be resynchronised.
            content.release();
            RequestRejectedException rejection = rejectionOf(result.cause());
            if (current != null) {
                current.onClientFailed(rejection.status(), rejection.getMessage());
            } else {
                abandon();
            }
        } else if (current != null) {
            if (content instanceof LastHttpContent last) {
                // The one place a request's trailers pass on their way to the backend, whatever the protocol.
                TrailerFields.strip(last.trailingHeaders(), current.head().connectionNamed(), this);
            }
            current.onClientContent(content);
        } else {
            // The end of a request the proxy already answered itself.
            content.release();
            read();
        }
    }

    private void onRequestHead(HttpRequest request) {
        if (exchange != null) {
            // Unreachable while reads are only asked for between exchanges; never serve two at once.
            ReferenceCountUtil.release(request);
            log.warn("{}: a request arrived while {} was under way; closing", this, exchange);
            abandon();
            return;
        }
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            reject(rejectionOf(result.cause()));
            return;
        }
        ExchangeServices services = loop.services();
        RoutingSnapshot snapshot = services.snapshots().get();
        Route route = services.router().route(request, snapshot, previewListener, address().isSecure());
        Environment environment = snapshot.environment(route.colour());
        if (environment.isEmpty()) {
            lastColour = route.colour();
            answerEmptyPool(RequestHead.of(request, protocol), route, snapshot.generation());
            return;
        }
        Exchange next = spare != null ? spare : new Exchange(this, loop);
        spare = null;
        exchange = next;
        next.start(request, protocol, route, environment, snapshot.generation());
    }

    /**
     * The pool the request was routed to has no backend: 503, counted in the colour's requests like any answer the
     * proxy gives in place of a backend, so that the watch after a switch (and its automatic rollback) sees it.
     */
    private void answerEmptyPool(RequestHead head, Route route, long generation) {
        long startNanos = System.nanoTime();
        String pool = route.kind().pool();
        ExchangeServices services = loop.services();
        services.failures().warn(FailureLog.Kind.EMPTY_POOL, "503: the {} pool ({}) has no backends; {}", pool,
                route.colour().label(), head);
        boolean close = isDraining() || !head.keepAlive() || head.hasBody();
        // Counted first: whoever reads the 503 finds it counted.
        services.recordEnd(route.colour(), HttpResponseStatus.SERVICE_UNAVAILABLE.code(), true, startNanos, 0, 0,
                false, false);
        afterExchange(answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "no backend in the " + pool + " pool ("
                + route.colour().label() + ")", close, loop.responseHeads().ownAnswer(route, generation)), close);
    }

    /** What a failed decoding or a refusal means for the client: its status and message. */
    private static RequestRejectedException rejectionOf(Throwable cause) {
        if (cause instanceof RequestRejectedException rejected) {
            return rejected;
        }
        // The body starts with what the status means, as the other refusals' do ("content too large: ...").
        HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
        String what = "bad request";
        if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            what = "request line too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            what = "request header fields too large";
        } else if (cause instanceof TooLongFrameException) {
            status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            what = "content too large";
        }
        return new RequestRejectedException(status, what + ": " + cause.getMessage(),
                status == HttpResponseStatus.BAD_REQUEST);
    }

    @Override
    public final void exchangeEnded(ChannelFuture lastWrite, boolean close) {
        Exchange ended = exchange;
        if (ended != null) {
            lastColour = ended.colour();
            if (ended.endedClean()) {
                spare = ended;
            }
        }
        exchange = null;
        afterExchange(lastWrite, close);
    }

    /**
     * The colour of the exchange under way, else of the last one (or of the pool that had no backend for the last
     * request); {@code null} before the first request. Read on the connection's event loop.
     */
    public final Colour exchangeColour() {
        Exchange current = exchange;
        return current != null ? current.colour() : lastColour;
    }

    /**
     * The colour the exchange under way is pinned to, or {@code null} when none is under way (between exchanges, or
     * when the proxy answered the request itself). What shadow traffic asks, right after a request head went in.
     */
    public final Colour colourUnderWay() {
        Exchange current = exchange;
        return current == null ? null : current.colour();
    }

    /** Whether an exchange is under way. */
    protected final boolean busy() {
        return exchange != null;
    }

    /** Asks the exchange under way to close the connection after its response (the proxy is shutting down). */
    protected final void closeAfterExchange() {
        if (exchange != null) {
            exchange.closeClientAfterResponse();
        }
    }

    /** This loop's context (set once the channel is active). */
    protected final LoopContext loop() {
        return loop;
    }

    @Override
    public final ClientAddress address() {
        return address;
    }

    @Override
    public final long epoch() {
        return epoch;
    }

    /** The client side takes writes again: the exchange (or its tunnel) may go on relaying. */
    protected final void writable() {
        Exchange current = exchange;
        if (current != null) {
            Tunnel tunnel = current.tunnel();
            if (tunnel != null) {
                tunnel.onClientWritable();
            } else {
                current.onClientWritable();
            }
        }
    }
}
