package dev.bluegreen.proxy.internal.exchange;

import static dev.bluegreen.proxy.internal.exchange.ExchangeState.AWAITING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.CONNECTING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.DISCARDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.ENDED;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.RESPONDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.SENDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.TUNNEL;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.internal.health.BackendHealthTracker;
import dev.bluegreen.proxy.internal.health.PassiveHealth;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.RequestHead;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.upstream.AcquireCallback;
import dev.bluegreen.proxy.internal.upstream.Upstream;
import dev.bluegreen.proxy.internal.upstream.UpstreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response: the unit that routing, draining and failure handling count, as a state machine
 * ({@link ExchangeState}; every change of state goes through {@link #moveTo}).
 *
 * <p>The exchange is pinned at birth to the colour (and generation) its request was routed to, and to the backend
 * that accepted its connection; a switch never moves it (DESIGN.md, invariant 1). It relays the request upstream and
 * the response back, one message at a time, reading from one side only as fast as the other side takes writes
 * (invariant 4). All of its methods run on the client's event loop, which is also the upstream connection's, so it
 * holds no locks. Beside it: {@link BackendChoice} picks the backend (and the safety net's colour),
 * {@link ResponseHeadPolicy} prepares the response head, {@link Tunnel} relays an upgraded connection.
 *
 * <p>Failures, before the response has started: connect failures try another backend of the same pool (bounded),
 * then 502; a request that is safe to replay (idempotent, no body) whose reused connection turns out to be closed is
 * replayed once on a new connection; no response in time is 504. After the response has started, any failure closes
 * the client connection, so the client never mistakes a cut response for a whole one.
 */
public final class Exchange extends ActiveExchanges.Node implements UpstreamListener, AcquireCallback {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final ClientSide client;
    private final ChannelHandlerContext clientCtx;
    private final LoopContext loop;
    private final ExchangeServices services;
    private final RequestHead head;
    private final HttpRequest request;
    private final BackendChoice choice;
    private final long generation;
    private final long startNanos = System.nanoTime();

    private ExchangeState state = CONNECTING;
    private Backend backend;
    private Upstream upstream;
    /** Whether the connection in use was a pooled one that served a request before (so it may have gone stale). */
    private boolean upstreamReused;
    /** The health of the backend being tried, when health is tracked; fed with this exchange's outcome. */
    private BackendHealthTracker backendHealth;
    private boolean replayed;

    /** The client has sent the whole request (its end was read). */
    private boolean requestComplete;
    /** A 100 Continue went to the client: it is sending its body, which can no longer be replayed. */
    private boolean continueRelayed;
    /** The upstream codec's empty end after a 1xx (or the 101) is next, and is not part of the response. */
    private boolean skipInterimEnd;
    private boolean upstreamKeepAlive;
    private boolean closeClient;
    private boolean waitingForUpstreamWritable;
    private boolean waitingForClientWritable;
    /** The proxy answered itself (502, 503, 504) rather than the backend. */
    private boolean answeredByProxy;

    private ChannelFuture responseEnd;
    private Tunnel tunnel;
    private long lastUpstreamActivityNanos;
    private int responseStatus;
    private long requestBodyBytes;
    private long responseBodyBytes;

    /**
     * @param head        the request, which passed the rules
     * @param route       where the router sent it
     * @param environment the pool of the route's colour, as the snapshot the request read has it
     * @param generation  the generation of that snapshot
     */
    Exchange(ClientSide client, LoopContext loop, RequestHead head, Route route, Environment environment,
             long generation) {
        this.client = client;
        this.clientCtx = client.ctx();
        this.loop = loop;
        this.services = loop.services();
        this.head = head;
        this.request = head.message();
        this.choice = new BackendChoice(loop, route, environment);
        this.generation = generation;
        MessageHeads.prepareUpstreamRequest(request, client.clientIp(), client.isSecure(), head.upgrade(),
                head.chunked(), services.config().requestRules());
    }

    @Override
    Colour colour() {
        return choice.colour();
    }

    /** Starts the exchange: picks a backend of its pool and connects. */
    void start() {
        services.counters().exchangeStarted(colour());
        loop.register(this);
        connectToNextBackend();
    }

    private void moveTo(ExchangeState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException(this + ": " + state + " → " + next + " (not a transition of an exchange)");
        }
        state = next;
    }

    // ---- connecting ------------------------------------------------------------------------------------------

    private void connectToNextBackend() {
        Backend next = choice.next();
        if (next == null) {
            if (fallBackToPreviousColour()) {
                return;
            }
            if (choice.noHealthyBackend()) {
                failNoHealthyBackend();
                return;
            }
            log.warn("502: no backend of the {} pool accepted a connection for {} ({} tried)",
                    colour().label(), head, choice.attempts());
            failBeforeResponse(HttpResponseStatus.BAD_GATEWAY,
                    "no backend of the " + colour().label() + " pool accepted a connection");
            return;
        }
        backend = next;
        backendHealth = services.config().health().tracksHealth() ? services.health().tracker(colour(), next) : null;
        InetSocketAddress address = services.addresses().cached(next);
        if (address != null) {
            loop.upstreams().acquire(colour(), next, address, this);
            return;
        }
        services.addresses().resolveAsync(next).whenComplete((resolved, error) ->
                loop.eventLoop().execute(() -> {
                    if (state != CONNECTING) {
                        return;
                    }
                    if (error != null) {
                        failed(error);
                    } else {
                        loop.upstreams().acquire(colour(), next, resolved, this);
                    }
                }));
    }

    /**
     * The safety net: no backend of the newly live colour took the request and nothing of it was sent (nor read
     * beyond its head), within the window after the switch, so it is moved to the previous live colour, still warm,
     * instead of answering 502. Only for requests routed to the live colour ({@link Route#fallback()}); counted and
     * reported, as it feeds the automatic rollback.
     */
    private boolean fallBackToPreviousColour() {
        if (!choice.canFallBack() || state != CONNECTING) {
            return false;
        }
        log.warn("safety net: no backend of the {} pool accepted a connection for {} ({} tried); sending it to {}",
                colour().label(), head, choice.attempts(), choice.route().fallback().colour().label());
        // Off the old colour's list before the colour changes: the lists are per colour.
        loop.unregister(this);
        services.counters().exchangeEnded(colour());
        Colour failed = choice.fallBack();
        backend = null;
        services.counters().exchangeStarted(colour());
        loop.register(this);
        services.recorder().get().safetyNetUsed(failed);
        connectToNextBackend();
        return true;
    }

    @Override
    public void acquired(Upstream connection) {
        if (state != CONNECTING) {
            // The client left while we were connecting; the connection is clean and can serve someone else.
            connection.release(true);
            return;
        }
        upstream = connection;
        upstreamReused = connection.reused();
        connection.attach(this);
        sendRequestHead();
    }

    @Override
    public void failed(Throwable cause) {
        if (state != CONNECTING) {
            return;
        }
        log.debug("connect to {} of the {} pool failed: {}", backend, colour().label(), cause.toString());
        if (backendHealth != null) {
            services.health().requestFailed(backendHealth, "connect failed: " + cause.getMessage());
        }
        connectToNextBackend();
    }

    private void sendRequestHead() {
        if (!request.headers().contains(HttpHeaderNames.HOST)) {
            request.headers().set(HttpHeaderNames.HOST, backend.authority());
        }
        lastUpstreamActivityNanos = System.nanoTime();
        if (requestComplete) {
            // A replay: the request had no body and has been read whole already.
            upstream.write(request);
            upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            moveTo(AWAITING);
        } else if (head.hasBody()) {
            // Flush the head at once: with Expect: 100-continue the backend answers it before the body comes.
            upstream.writeAndFlush(request);
            moveTo(SENDING);
        } else {
            // The end of the request follows at once from the client's queue; it flushes both.
            upstream.write(request);
            moveTo(SENDING);
        }
        upstream.read();
        if (!requestComplete) {
            clientCtx.read();
        }
    }

    // ---- request body, client → upstream ---------------------------------------------------------------------

    /** A piece of the request body (or its end) from the client; the exchange owns it. */
    void onClientContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        // The body goes on while the response comes back (SENDING, then maybe RESPONDING); otherwise it has nowhere
        // to go: discarded after an early response, or read ahead of a replay that sends the request whole.
        if ((state != SENDING && state != RESPONDING) || upstream == null) {
            content.release();
            if (last) {
                requestComplete = true;
                if (state == DISCARDING) {
                    end();
                }
            } else if (state != ENDED) {
                clientCtx.read();
            }
            return;
        }
        lastUpstreamActivityNanos = System.nanoTime();
        requestBodyBytes += content.content().readableBytes();
        upstream.writeAndFlush(content);
        if (last) {
            requestComplete = true;
            if (state == SENDING) {
                moveTo(AWAITING);
            }
        } else if (upstream.isWritable()) {
            clientCtx.read();
        } else {
            waitingForUpstreamWritable = true;
        }
    }

    @Override
    public void onUpstreamWritable() {
        if (tunnel != null) {
            tunnel.onUpstreamWritable();
            return;
        }
        if (waitingForUpstreamWritable) {
            waitingForUpstreamWritable = false;
            clientCtx.read();
        }
    }

    // ---- response, upstream → client -------------------------------------------------------------------------

    @Override
    public void onUpstreamMessage(HttpObject message) {
        lastUpstreamActivityNanos = System.nanoTime();
        if (message.decoderResult().isFailure()) {
            ReferenceCountUtil.release(message);
            if (replayOnNewConnection()) {
                // A reused connection answering garbage was left out of step by an earlier response (stray bytes
                // after a bodiless one): RFC 9112 §9.3.1 lets a proxy retry an idempotent request on a new one.
                return;
            }
            log.warn("502: bad response from {} of the {} pool: {}", backend, colour().label(),
                    message.decoderResult().cause().toString());
            failUpstream(HttpResponseStatus.BAD_GATEWAY, "the backend sent a malformed response");
            return;
        }
        if (message instanceof HttpResponse response) {
            onResponseHead(response);
        } else if (message instanceof HttpContent content) {
            onResponseContent(content);
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    private void onResponseHead(HttpResponse response) {
        int code = response.status().code();
        if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            if (head.upgrade() != null && requestComplete) {
                startTunnel(response);
                return;
            }
            // Only a request that asked to upgrade may be answered with 101.
            ReferenceCountUtil.release(response);
            log.warn("502: {} of the {} pool switched protocols unasked", backend, colour().label());
            failUpstream(HttpResponseStatus.BAD_GATEWAY, "the backend switched protocols unasked");
            return;
        }
        if (code < 200) {
            relayInterim(response);
            return;
        }
        if (backendHealth != null) {
            PassiveHealth.responded(services.health(), backendHealth, code);
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        closeClient = loop.responseHeads().prepare(response, head, choice.route(), choice.environment(),
                generation, client.epoch(), closeClient || client.isDraining());
        responseStatus = code;
        moveTo(RESPONDING);
        clientCtx.write(response, clientCtx.voidPromise());
    }

    /**
     * The backend accepted the upgrade: relay its 101, then drop the HTTP codecs on both connections and relay bytes.
     */
    private void startTunnel(HttpResponse response) {
        String protocol = MessageHeads.prepareSwitchingProtocols(response);
        responseStatus = HttpResponseStatus.SWITCHING_PROTOCOLS.code();
        // The upstream codec emits an empty end after the 101 head; it is not part of the tunnel.
        skipInterimEnd = true;
        closeClient = true;
        moveTo(TUNNEL);
        client.startTunnel(response);
        boolean webSocket = protocol != null && protocol.toLowerCase(Locale.ROOT).contains("websocket");
        tunnel = new Tunnel(clientCtx, upstream.startTunnel(), webSocket, this::tunnelClosed);
        log.debug("{}: tunnel open ({})", this, protocol);
        tunnel.start();
    }

    /** Bytes from the client once the connection is a tunnel; the exchange owns them. */
    void onClientBytes(ByteBuf bytes) {
        if (state != TUNNEL) {
            bytes.release();
            return;
        }
        tunnel.fromClient(bytes);
    }

    @Override
    public void onUpstreamBytes(ByteBuf bytes) {
        if (state != TUNNEL) {
            bytes.release();
            return;
        }
        tunnel.fromUpstream(bytes);
    }

    /**
     * The tunnel is closing both connections once their last bytes are flushed: the exchange is over. The upstream
     * connection is let go without closing it here, which would drop what is still being flushed.
     */
    private void tunnelClosed(ChannelFuture clientFlushed) {
        Upstream connection = upstream;
        upstream = null;
        if (connection != null) {
            connection.detach();
        }
        closeClient = true;
        responseEnd = clientFlushed;
        end();
    }

    /** The drain deadline: close as gracefully as the protocol allows. */
    @Override
    void closeAtDeadline() {
        if (state == ENDED) {
            return;
        }
        if (state == TUNNEL) {
            tunnel.goAway();
        } else {
            log.warn("{}: closed at the drain deadline", this);
            abort();
        }
    }

    /** Relays a 1xx response (RFC 9110 §15.2) and skips the empty end the codec emits after it. */
    private void relayInterim(HttpResponse interim) {
        skipInterimEnd = true;
        ReferenceCountUtil.release(interim);
        // RFC 9110 §15.2: a proxy must not send 1xx to an HTTP/1.0 client.
        if (!head.version().isKeepAliveDefault()) {
            return;
        }
        if (interim.status().code() == HttpResponseStatus.CONTINUE.code()) {
            continueRelayed = true;
        }
        MessageHeads.prepareInterim(interim);
        client.writeInterim(interim);
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (skipInterimEnd) {
            content.release();
            if (last) {
                skipInterimEnd = false;
            }
            return;
        }
        if (state != RESPONDING) {
            content.release();
            return;
        }
        responseBodyBytes += content.content().readableBytes();
        if (!last) {
            clientCtx.write(content, clientCtx.voidPromise());
            return;
        }
        // A real future only when something must follow the write (closing the connection): a promise per
        // response is an allocation the common keep-alive case doesn't need.
        boolean closing = closeClient || !requestComplete;
        ChannelFuture written = closing ? clientCtx.writeAndFlush(content)
                : clientCtx.writeAndFlush(content, clientCtx.voidPromise());
        responseEnd = written;
        if (requestComplete) {
            end();
        } else {
            onEarlyResponse();
        }
    }

    /**
     * The backend answered before the whole request was sent. The upstream connection is out of step and closes;
     * the rest of the request body is read and dropped so the client connection stays in step, unless the client is
     * still waiting for a 100 Continue it will now never get, in which case it won't send the body and closes.
     */
    private void onEarlyResponse() {
        releaseUpstream(false);
        if (head.expectsContinue() && !continueRelayed) {
            closeClient = true;
            end();
            return;
        }
        moveTo(DISCARDING);
        if (waitingForUpstreamWritable) {
            waitingForUpstreamWritable = false;
            clientCtx.read();
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        if (state == TUNNEL) {
            tunnel.onUpstreamReadComplete();
            return;
        }
        if (state == ENDED) {
            return;
        }
        clientCtx.flush();
        if (state.waitsForBackend()) {
            requestUpstreamRead();
        }
    }

    private void requestUpstreamRead() {
        if (clientCtx.channel().isWritable()) {
            upstream.read();
        } else {
            waitingForClientWritable = true;
        }
    }

    /** The client side can take writes again: read more of the response. */
    void onClientWritable() {
        if (state == TUNNEL) {
            tunnel.onClientWritable();
            return;
        }
        if (waitingForClientWritable && upstream != null) {
            waitingForClientWritable = false;
            upstream.read();
        }
    }

    // ---- failures --------------------------------------------------------------------------------------------

    @Override
    public void onUpstreamClosed() {
        upstream = null;
        switch (state) {
            case ENDED, DISCARDING -> {
                // Nothing more was wanted of it.
            }
            case TUNNEL -> tunnel.close();
            case RESPONDING -> {
                log.warn("{} of the {} pool closed the connection in the middle of a response; closing the "
                        + "client's", backend, colour().label());
                abort();
            }
            default -> {
                if (replayOnNewConnection()) {
                    // A pooled connection the backend had closed before our request reached it.
                    return;
                }
                log.warn("502: {} of the {} pool closed the connection before responding to {}",
                        backend, colour().label(), head);
                failBeforeResponse(HttpResponseStatus.BAD_GATEWAY,
                        "the backend closed the connection before responding");
            }
        }
    }

    /**
     * Sends the request again on a new connection, if it came on a reused one and is safe to replay (idempotent, no
     * body, nothing of the response relayed): a pooled connection that turned out closed or out of step says
     * nothing about the backend. At most once.
     *
     * @return whether the replay is under way
     */
    private boolean replayOnNewConnection() {
        if (!upstreamReused || !head.replayable() || replayed || continueRelayed
                || !(state == SENDING || state == AWAITING)) {
            return false;
        }
        InetSocketAddress address = services.addresses().cached(backend);
        if (address == null) {
            return false;
        }
        replayed = true;
        log.debug("replaying {} on a new connection to {}", head, backend);
        releaseUpstream(false);
        moveTo(CONNECTING);
        loop.upstreams().connectNew(colour(), backend, address, this);
        return true;
    }

    @Override
    public void onUpstreamFailure(Throwable cause) {
        log.debug("upstream failure on {} for {}", backend, head, cause);
    }

    /** The client side closed under this exchange: drop the upstream side, it can't be reused. */
    void onClientClosed() {
        if (state == ENDED) {
            return;
        }
        if (state == TUNNEL) {
            tunnel.close();
            return;
        }
        moveTo(ENDED);
        releaseUpstream(false);
        loop.unregister(this);
        services.counters().exchangeEnded(colour());
        record();
    }

    /**
     * The client's request body failed (malformed, too large or too slow): answered with {@code status} if the
     * response has not started, else the client connection is cut; either way the upstream connection, which saw
     * only part of the body, is closed and the client's too.
     */
    void onClientFailed(HttpResponseStatus status, String message) {
        if (state == ENDED) {
            return;
        }
        log.debug("{}: the client's request failed: {}", this, message);
        closeClient = true;
        failUpstream(status, message);
    }

    private void failUpstream(HttpResponseStatus status, String message) {
        if (state == RESPONDING || state == DISCARDING || state == TUNNEL) {
            abort();
        } else {
            failBeforeResponse(status, message);
        }
    }

    /** Every backend of the pool is unhealthy or ejected (DESIGN.md, invariant 7: no healthy backend is 503). */
    private void failNoHealthyBackend() {
        String pool = services.snapshots().get().live() == colour() ? "live" : "idle";
        log.warn("503: no healthy backend in the {} pool ({}) for {}", pool, colour().label(), head);
        failBeforeResponse(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "no healthy backend in the " + pool + " pool (" + colour().label() + ")");
    }

    /** Answers the client with the proxy's own error: nothing of the backend's response was sent. */
    private void failBeforeResponse(HttpResponseStatus status, String message) {
        if (state == ENDED) {
            return;
        }
        releaseUpstream(false);
        // Unread request body can't be skipped reliably without reading it: close instead.
        closeClient |= !head.keepAlive() || client.isDraining() || (head.hasBody() && !requestComplete);
        responseStatus = status.code();
        answeredByProxy = true;
        responseEnd = clientCtx.writeAndFlush(ErrorResponses.of(clientCtx.alloc(), status, message, closeClient));
        end();
    }

    /** A failure after the response started: the client must not see a clean end, so its connection closes. */
    private void abort() {
        if (state == ENDED) {
            return;
        }
        closeClient = true;
        responseEnd = null;
        responseStatus = 0;
        releaseUpstream(false);
        end();
    }

    /**
     * Called by the loop's periodic sweep (one timer per event loop, not one per exchange: scheduling and cancelling
     * a timer per request cost a few per cent of the proxy's CPU). The exchange times out only if the backend was
     * silent for the whole response timeout.
     */
    @Override
    void checkResponseTimeout(long nowNanos) {
        // Silence in both directions counts (request body pieces moving upstream are activity too), but not while
        // the proxy itself holds back reads because the client is slow to take the response.
        if (!state.waitsForBackend() || waitingForClientWritable) {
            return;
        }
        long timeout = services.config().timeouts().response().toNanos();
        if (nowNanos - lastUpstreamActivityNanos < timeout) {
            return;
        }
        long millis = services.config().timeouts().response().toMillis();
        log.warn("504: {} of the {} pool was silent for {} ms on {}", backend, colour().label(), millis, head);
        failUpstream(HttpResponseStatus.GATEWAY_TIMEOUT, "the backend did not answer within " + millis + " ms");
    }

    // ---- the end ---------------------------------------------------------------------------------------------

    private void releaseUpstream(boolean reusable) {
        Upstream connection = upstream;
        if (connection != null) {
            upstream = null;
            connection.release(reusable);
        }
    }

    private void end() {
        if (state == ENDED) {
            return;
        }
        // Reusable only after a whole response to a whole request: anything else leaves the connection out of step.
        boolean clean = upstreamKeepAlive && requestComplete && state == RESPONDING && responseEnd != null;
        moveTo(ENDED);
        releaseUpstream(clean);
        loop.unregister(this);
        services.counters().exchangeEnded(colour());
        record();
        client.exchangeEnded(responseEnd, closeClient);
    }

    private void record() {
        int status = responseEnd != null || tunnel != null ? responseStatus : 0;
        services.counters().exchangeCounted(colour(), status);
        services.recorder().get().exchangeEnded(colour(), status, answeredByProxy, System.nanoTime() - startNanos,
                requestBodyBytes, responseBodyBytes);
    }

    /** Asks the exchange to close the client connection after its response (the proxy is shutting down). */
    void closeClientAfterResponse() {
        closeClient = true;
    }

    @Override
    public String toString() {
        return head + " → " + colour().label() + "#" + generation + " " + backend;
    }
}
