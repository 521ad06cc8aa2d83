package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.upstream.UpstreamConnection;
import dev.bluegreen.proxy.internal.upstream.BackendPool;
import dev.bluegreen.proxy.internal.http1.InterimResponses;
import dev.bluegreen.proxy.internal.http1.OneMessagePerRead;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.HopByHopHeaders;
import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.internal.health.BackendHealthTracker;
import dev.bluegreen.proxy.internal.health.PassiveHealth;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response: the unit that routing, draining and failure handling count.
 *
 * <p>The exchange is pinned at birth to the colour (and generation) its request was routed to, and to the backend
 * that accepted its connection; a switch never moves it (DESIGN.md, invariant 1). It relays the request upstream and
 * the response back, one message at a time, reading from one side only as fast as the other side takes writes
 * (invariant 4). All of its methods run on the client connection's event loop, which is also the upstream
 * connection's, so it holds no locks.
 *
 * <p>Failures, before the response has started: connect failures try another backend of the same pool (bounded),
 * then 502; a request that is safe to replay (idempotent, no body) whose reused connection turns out to be closed is
 * replayed once on a new connection; no response in time is 504. After the response has started, any failure closes
 * the client connection, so the client never mistakes a cut response for a whole one.
 */
public final class Exchange implements BackendPool.AcquireCallback {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final ClientConnectionHandler client;
    private final ChannelHandlerContext clientCtx;
    private final LoopContext loop;
    private final ProxyConfig config;
    private final HttpRequest request;
    /** Not final only for the safety net, which may move the exchange to the other colour before anything is sent. */
    private Colour colour;
    private final long generation;
    private Environment environment;
    private Route route;
    private final HttpVersion clientVersion;
    private final boolean clientKeepAlive;
    private final boolean headRequest;
    private final boolean requestHasBody;
    private final boolean replayable;
    private final boolean expectsContinue;
    private final String upgrade;
    private final long clientEpoch;

    /** Neighbours on the loop's list of exchanges under way on this colour (see LoopContext#register). */
    Exchange previousActive;
    Exchange nextActive;

    private Backend backend;
    private UpstreamConnection upstream;
    private boolean upstreamReused;
    private int connectAttempts;
    private long triedBackends;
    private boolean replayed;
    /** The health of the backend being tried, when health is tracked; fed with this exchange's outcome. */
    private BackendHealthTracker backendHealth;
    /** Every backend of the pool is unhealthy or ejected: the answer is 503, not 502. */
    private boolean noHealthyBackend;

    private boolean requestComplete;
    private boolean discardRequestBody;
    private boolean continueRelayed;
    private boolean skipInterimEnd;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean upstreamKeepAlive;
    private boolean closeClient;
    private boolean waitingForUpstreamWritable;
    private boolean waitingForClientWritable;
    private boolean ended;
    private ChannelFuture responseEnd;
    private Tunnel tunnel;
    /** Waiting on the backend (request head sent, response not complete): the loop's sweep times this out. */
    private boolean awaitingUpstream;
    private long lastUpstreamActivityNanos;
    private final long startNanos = System.nanoTime();
    private int responseStatus;
    private boolean answeredByProxy;
    private long requestBodyBytes;
    private long responseBodyBytes;

    Exchange(ClientConnectionHandler client, ChannelHandlerContext clientCtx, LoopContext loop, HttpRequest request,
             Colour colour, long generation, Environment environment, long clientEpoch, String clientIp) {
        this.client = client;
        this.clientCtx = clientCtx;
        this.loop = loop;
        this.config = loop.runtime().config();
        this.request = request;
        this.colour = colour;
        this.generation = generation;
        this.environment = environment;
        this.clientVersion = request.protocolVersion();
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.headRequest = HttpMethod.HEAD.equals(request.method());
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        this.requestHasBody = MessageHeads.hasBody(request);
        this.replayable = !requestHasBody && MessageHeads.isIdempotent(request.method())
                && !request.headers().contains(HttpHeaderNames.UPGRADE);
        this.expectsContinue = HttpUtil.is100ContinueExpected(request);
        this.upgrade = MessageHeads.requestedUpgrade(request);
        this.clientEpoch = clientEpoch;
        this.route = Route.live(colour);
        MessageHeads.prepareUpstreamRequest(request, clientIp, client.isSecure(), upgrade, chunked,
                config.requestRules());
    }

    Colour colour() {
        return colour;
    }

    long generation() {
        return generation;
    }

    /** Sets how the request was routed (before {@link #start}): what the response tells, the safety net's pool. */
    void routed(Route route) {
        this.route = route;
    }

    /** Starts the exchange: picks a backend of its pool and connects. */
    void start() {
        loop.runtime().counters().exchangeStarted(colour);
        loop.register(this);
        connectToNextBackend();
    }

    // ---- connecting ------------------------------------------------------------------------------------------

    private void connectToNextBackend() {
        Backend next = pickBackend();
        if (next == null) {
            if (fallBackToPreviousColour()) {
                return;
            }
            if (noHealthyBackend) {
                failNoHealthyBackend();
                return;
            }
            log.warn("502: no backend of the {} pool accepted a connection for {} {} ({} tried)",
                    colour.label(), request.method(), request.uri(), connectAttempts);
            failBeforeResponse(HttpResponseStatus.BAD_GATEWAY,
                    "no backend of the " + colour.label() + " pool accepted a connection");
            return;
        }
        backend = next;
        backendHealth = config.health().tracksHealth() ? loop.runtime().health().tracker(colour, next) : null;
        connectAttempts++;
        InetSocketAddress address = loop.runtime().addresses().cached(next);
        if (address != null) {
            loop.pool(colour, next, address).acquire(this);
            return;
        }
        loop.runtime().addresses().resolveAsync(next).whenComplete((resolved, error) ->
                loop.eventLoop().execute(() -> {
                    if (ended) {
                        return;
                    }
                    if (error != null) {
                        failed(error);
                    } else {
                        loop.pool(colour, next, resolved).acquire(this);
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
        if (route.fallback() == null || upstream != null || responseStarted || ended) {
            return false;
        }
        Colour failed = colour;
        log.warn("safety net: no backend of the {} pool accepted a connection for {} {} ({} tried); sending it to {}",
                failed.label(), request.method(), request.uri(), connectAttempts, route.fallback().colour().label());
        loop.unregister(this);
        loop.runtime().counters().exchangeEnded(failed);
        environment = route.fallback();
        route = route.safetyNet();
        colour = route.colour();
        backend = null;
        connectAttempts = 0;
        triedBackends = 0;
        loop.runtime().counters().exchangeStarted(colour);
        loop.register(this);
        loop.runtime().recorder().safetyNetUsed(failed);
        connectToNextBackend();
        return true;
    }

    /** Round robin over the pool, skipping backends this exchange already tried and those unhealthy or ejected. */
    private Backend pickBackend() {
        noHealthyBackend = false;
        List<Backend> backends = environment.backends();
        if (connectAttempts >= config.maxConnectAttempts() || connectAttempts >= backends.size()) {
            return null;
        }
        long unusable = config.health().tracksHealth() ? loop.runtime().health().unusableMask(colour, backends) : 0;
        int index = RoundRobin.pick(backends, loop.nextRoundRobin(), triedBackends | unusable);
        if (index < 0) {
            noHealthyBackend = connectAttempts == 0;
            return null;
        }
        triedBackends = RoundRobin.markTried(triedBackends, index);
        return backends.get(index);
    }

    @Override
    public void acquired(UpstreamConnection connection, boolean reused) {
        if (ended) {
            // The client left while we were connecting; the connection is clean and can serve someone else.
            connection.pool().release(connection, true);
            return;
        }
        upstream = connection;
        upstreamReused = reused;
        connection.attach(this);
        sendRequestHead();
    }

    @Override
    public void failed(Throwable cause) {
        if (ended) {
            return;
        }
        log.debug("connect to {} of the {} pool failed: {}", backend, colour.label(), cause.toString());
        if (backendHealth != null) {
            loop.runtime().health().requestFailed(backendHealth, "connect failed: " + cause.getMessage());
        }
        connectToNextBackend();
    }

    private void sendRequestHead() {
        Channel channel = upstream.channel();
        if (!request.headers().contains(HttpHeaderNames.HOST)) {
            request.headers().set(HttpHeaderNames.HOST, backend.authority());
        }
        lastUpstreamActivityNanos = System.nanoTime();
        if (requestComplete) {
            // A replay: the request had no body and has been read whole already.
            channel.write(request, channel.voidPromise());
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
        } else if (requestHasBody) {
            // Flush the head at once: with Expect: 100-continue the backend answers it before the body comes.
            channel.writeAndFlush(request, channel.voidPromise());
        } else {
            // The end of the request follows at once from the client's queue; it flushes both.
            channel.write(request, channel.voidPromise());
        }
        channel.read();
        awaitingUpstream = true;
        if (!requestComplete) {
            clientCtx.read();
        }
    }

    // ---- request body, client → upstream ---------------------------------------------------------------------

    /** A piece of the request body (or its end) from the client. */
    void onClientContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (discardRequestBody || upstream == null) {
            content.release();
            if (last) {
                requestComplete = true;
                if (responseComplete) {
                    end();
                }
            } else {
                clientCtx.read();
            }
            return;
        }
        Channel channel = upstream.channel();
        lastUpstreamActivityNanos = System.nanoTime();
        requestBodyBytes += content.content().readableBytes();
        channel.writeAndFlush(content, channel.voidPromise());
        if (last) {
            requestComplete = true;
        } else if (channel.isWritable()) {
            clientCtx.read();
        } else {
            waitingForUpstreamWritable = true;
        }
    }

    /** The upstream connection can take writes again: read more of the request body. */
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

    /** A response message (head, body piece or end) from the backend. */
    public void onUpstreamMessage(HttpObject message) {
        lastUpstreamActivityNanos = System.nanoTime();
        if (message.decoderResult().isFailure()) {
            ReferenceCountUtil.release(message);
            if (replayOnNewConnection()) {
                // A reused connection answering garbage was left out of step by an earlier response (stray bytes
                // after a bodiless one): RFC 9112 §9.3.1 lets a proxy retry an idempotent request on a new one.
                return;
            }
            log.warn("502: bad response from {} of the {} pool: {}", backend, colour.label(),
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
        if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code() && upgrade != null && requestComplete) {
            startTunnel(response);
            return;
        }
        if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            // Only a request that asked to upgrade may be answered with 101.
            ReferenceCountUtil.release(response);
            log.warn("502: {} of the {} pool switched protocols unasked", backend, colour.label());
            failUpstream(HttpResponseStatus.BAD_GATEWAY, "the backend switched protocols unasked");
            return;
        }
        if (code < 200) {
            relayInterim(response);
            return;
        }
        if (backendHealth != null) {
            PassiveHealth.responded(loop.runtime().health(), backendHealth, code);
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        if (MessageHeads.prepareClientResponse(response, clientVersion, headRequest)) {
            // An HTTP/1.0 client knows no chunks: the end of the body is the end of the connection.
            closeClient = true;
        }
        if (!clientKeepAlive || client.isDraining()) {
            closeClient = true;
        }
        if (config.closeClientConnectionsAfterSwitch()
                && clientEpoch != loop.runtime().drains().liveColourChanges()) {
            // The live colour changed since this client connected: move it off this connection.
            closeClient = true;
        }
        route.decorate(response.headers(), config.routingHeader(), generation);
        loop.runtime().router().responded(route, environment, response.headers());
        MessageHeads.setClientConnection(response, closeClient, clientVersion);
        responseStatus = code;
        responseStarted = true;
        clientCtx.write(response, clientCtx.voidPromise());
    }

    /**
     * The backend accepted the upgrade: relay its 101, then drop the HTTP codecs on both connections and relay bytes.
     * The 101 goes out past the client's codec, whose encoder would take it for the request's final response.
     */
    private void startTunnel(HttpResponse response) {
        awaitingUpstream = false;
        String protocol = MessageHeads.prepareSwitchingProtocols(response);
        responseStarted = true;
        responseStatus = HttpResponseStatus.SWITCHING_PROTOCOLS.code();
        // The upstream codec emits an empty end after the 101 head; it is not part of the tunnel.
        skipInterimEnd = true;
        closeClient = true;
        ChannelHandlerContext codec = clientCtx.pipeline().context(HttpServerCodec.class);
        codec.writeAndFlush(InterimResponses.encode(clientCtx.alloc(), response), codec.voidPromise());
        boolean webSocket = protocol != null && protocol.toLowerCase(java.util.Locale.ROOT).contains("websocket");
        tunnel = new Tunnel(this, clientCtx, upstream.channel(), webSocket);
        clientCtx.pipeline().remove(OneMessagePerRead.class);
        clientCtx.pipeline().remove(HttpServerCodec.class);
        upstream.channel().pipeline().remove(io.netty.handler.codec.http.HttpClientCodec.class);
        log.debug("{}: tunnel open ({})", this, protocol);
        tunnel.start();
    }

    boolean isTunnel() {
        return tunnel != null;
    }

    /** Bytes from the client once the connection is a tunnel. */
    void onClientBytes(io.netty.buffer.ByteBuf bytes) {
        if (tunnel == null || ended) {
            bytes.release();
            return;
        }
        tunnel.fromClient(bytes);
    }

    /** Bytes from the backend once the connection is a tunnel. */
    public void onUpstreamBytes(io.netty.buffer.ByteBuf bytes) {
        if (tunnel == null || ended) {
            bytes.release();
            return;
        }
        tunnel.fromUpstream(bytes);
    }

    /**
     * The tunnel is closing both connections once their last bytes are flushed: the exchange is over. The upstream
     * connection is let go without closing it here, which would drop what is still being flushed.
     */
    void tunnelClosed(ChannelFuture clientFlushed) {
        UpstreamConnection connection = upstream;
        upstream = null;
        if (connection != null) {
            connection.detach(System.nanoTime());
        }
        closeClient = true;
        responseEnd = clientFlushed;
        end();
    }

    /** The drain deadline: close as gracefully as the protocol allows. */
    void closeAtDeadline() {
        if (ended) {
            return;
        }
        if (tunnel != null) {
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
        if (!clientVersion.isKeepAliveDefault() || responseStarted) {
            return;
        }
        if (interim.status().code() == HttpResponseStatus.CONTINUE.code()) {
            continueRelayed = true;
        }
        HopByHopHeaders.strip(interim.headers());
        ChannelHandlerContext codec = clientCtx.pipeline().context(HttpServerCodec.class);
        if (codec == null) {
            // An HTTP/2 stream: its codec sends a full 1xx response as a HEADERS frame (RFC 9113 §8.1).
            clientCtx.writeAndFlush(new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    interim.status(), io.netty.buffer.Unpooled.EMPTY_BUFFER, interim.headers(),
                    io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE), clientCtx.voidPromise());
            return;
        }
        codec.writeAndFlush(InterimResponses.encode(clientCtx.alloc(), interim), codec.voidPromise());
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
        if (!responseStarted) {
            content.release();
            return;
        }
        responseBodyBytes += content.content().readableBytes();
        if (!last) {
            clientCtx.write(content, clientCtx.voidPromise());
            return;
        }
        responseComplete = true;
        awaitingUpstream = false;
        // A real future only when something must follow the write (closing the connection): a promise per
        // response is an allocation the common keep-alive case doesn't need.
        boolean closing = closeClient || !requestComplete;
        ChannelFuture written = closing ? clientCtx.writeAndFlush(content)
                : clientCtx.writeAndFlush(content, clientCtx.voidPromise());
        if (requestComplete) {
            responseEnd = written;
            end();
        } else {
            onEarlyResponse(written);
        }
    }

    /**
     * The backend answered before the whole request was sent. The upstream connection is out of step and closes;
     * the rest of the request body is read and dropped so the client connection stays in step, unless the client is
     * still waiting for a 100 Continue it will now never get, in which case it won't send the body and closes.
     */
    private void onEarlyResponse(ChannelFuture written) {
        responseEnd = written;
        releaseUpstream(false);
        if (expectsContinue && !continueRelayed) {
            closeClient = true;
            end();
            return;
        }
        discardRequestBody = true;
        if (waitingForUpstreamWritable) {
            waitingForUpstreamWritable = false;
            clientCtx.read();
        }
    }

    /** The upstream read a batch: push it to the client, and read more if the client keeps up. */
    public void onUpstreamReadComplete() {
        if (ended) {
            return;
        }
        if (tunnel != null) {
            tunnel.onUpstreamReadComplete();
            return;
        }
        clientCtx.flush();
        if (!responseComplete) {
            requestUpstreamRead();
        }
    }

    private void requestUpstreamRead() {
        if (clientCtx.channel().isWritable()) {
            upstream.channel().read();
        } else {
            waitingForClientWritable = true;
        }
    }

    /** The client connection can take writes again: read more of the response. */
    void onClientWritable() {
        if (tunnel != null) {
            tunnel.onClientWritable();
            return;
        }
        if (waitingForClientWritable && upstream != null) {
            waitingForClientWritable = false;
            upstream.channel().read();
        }
    }

    // ---- failures --------------------------------------------------------------------------------------------

    /** The upstream connection closed under this exchange. */
    public void onUpstreamClosed() {
        upstream = null;
        if (ended) {
            return;
        }
        if (tunnel != null) {
            tunnel.close();
            return;
        }
        if (responseStarted) {
            log.warn("{} of the {} pool closed the connection in the middle of a response; closing the client's",
                    backend, colour.label());
            abort();
            return;
        }
        if (replayOnNewConnection()) {
            // A pooled connection the backend had closed before our request reached it.
            return;
        }
        log.warn("502: {} of the {} pool closed the connection before responding to {} {}",
                backend, colour.label(), request.method(), request.uri());
        failBeforeResponse(HttpResponseStatus.BAD_GATEWAY, "the backend closed the connection before responding");
    }

    /**
     * Sends the request again on a new connection, if it came on a reused one and is safe to replay (idempotent, no
     * body, nothing of the response relayed): a pooled connection that turned out closed or out of step says
     * nothing about the backend. At most once.
     *
     * @return whether the replay is under way
     */
    private boolean replayOnNewConnection() {
        if (!upstreamReused || !replayable || replayed || continueRelayed || responseStarted) {
            return false;
        }
        InetSocketAddress address = loop.runtime().addresses().cached(backend);
        if (address == null) {
            return false;
        }
        replayed = true;
        log.debug("replaying {} {} on a new connection to {}", request.method(), request.uri(), backend);
        awaitingUpstream = false;
        releaseUpstream(false);
        loop.pool(colour, backend, address).connectNew(this);
        return true;
    }

    /** The upstream pipeline reported an error; the connection is closing and {@link #onUpstreamClosed} follows. */
    public void onUpstreamFailure(Throwable cause) {
        log.debug("upstream failure on {} for {} {}", backend, request.method(), request.uri(), cause);
    }

    /** The client connection closed under this exchange: drop the upstream side, it can't be reused. */
    void onClientClosed() {
        if (ended) {
            return;
        }
        if (tunnel != null) {
            tunnel.close();
            return;
        }
        ended = true;
        awaitingUpstream = false;
        releaseUpstream(false);
        loop.unregister(this);
        loop.runtime().counters().exchangeEnded(colour);
        record();
    }

    /**
     * The client's request body failed (malformed, too large or too slow): answered with {@code status} if the
     * response has not started, else the client connection is cut; either way the upstream connection, which saw
     * only part of the body, is closed and the client's too.
     */
    void onClientFailed(HttpResponseStatus status, String message) {
        if (ended) {
            return;
        }
        log.debug("{}: the client's request failed: {}", this, message);
        closeClient = true;
        if (responseStarted) {
            abort();
        } else {
            failBeforeResponse(status, message);
        }
    }

    private void failUpstream(HttpResponseStatus status, String message) {
        if (responseStarted) {
            abort();
        } else {
            failBeforeResponse(status, message);
        }
    }

    /** Every backend of the pool is unhealthy or ejected (DESIGN.md, invariant 7: no healthy backend is 503). */
    private void failNoHealthyBackend() {
        String pool = loop.runtime().admin().snapshot().live() == colour ? "live" : "idle";
        log.warn("503: no healthy backend in the {} pool ({}) for {} {}", pool, colour.label(), request.method(),
                request.uri());
        failBeforeResponse(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "no healthy backend in the " + pool + " pool (" + colour.label() + ")");
    }

    /** Answers the client with the proxy's own error: nothing of the backend's response was sent. */
    private void failBeforeResponse(HttpResponseStatus status, String message) {
        if (ended) {
            return;
        }
        awaitingUpstream = false;
        releaseUpstream(false);
        // Unread request body can't be skipped reliably without reading it: close instead.
        closeClient |= !clientKeepAlive || client.isDraining() || (requestHasBody && !requestComplete);
        responseStarted = true;
        responseComplete = true;
        responseStatus = status.code();
        answeredByProxy = true;
        responseEnd = clientCtx.writeAndFlush(ErrorResponses.of(clientCtx.alloc(), status, message, closeClient));
        end();
    }

    /** A failure after the response started: the client must not see a clean end, so its connection closes. */
    private void abort() {
        if (ended) {
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
    void checkResponseTimeout(long nowNanos) {
        // Silence in both directions counts (request body pieces moving upstream are activity too), but not while
        // the proxy itself holds back reads because the client is slow to take the response.
        if (ended || !awaitingUpstream || responseComplete || waitingForClientWritable) {
            return;
        }
        if (nowNanos - lastUpstreamActivityNanos < config.timeouts().response().toNanos()) {
            return;
        }
        log.warn("504: {} of the {} pool was silent for {} ms on {} {}", backend, colour.label(),
                config.timeouts().response().toMillis(), request.method(), request.uri());
        failUpstream(HttpResponseStatus.GATEWAY_TIMEOUT,
                "the backend did not answer within " + config.timeouts().response().toMillis() + " ms");
    }

    // ---- the end ---------------------------------------------------------------------------------------------

    private void releaseUpstream(boolean reusable) {
        UpstreamConnection connection = upstream;
        if (connection != null) {
            upstream = null;
            connection.pool().release(connection, reusable);
        }
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        awaitingUpstream = false;
        boolean clean = upstreamKeepAlive && requestComplete && responseComplete && !discardRequestBody;
        releaseUpstream(clean);
        loop.unregister(this);
        loop.runtime().counters().exchangeEnded(colour);
        record();
        client.exchangeEnded(this, responseEnd, closeClient);
    }

    private void record() {
        int status = responseComplete || tunnel != null ? responseStatus : 0;
        loop.runtime().counters().exchangeCounted(colour, status);
        loop.runtime().recorder().exchangeEnded(colour, status, answeredByProxy, System.nanoTime() - startNanos,
                requestBodyBytes, responseBodyBytes);
    }

    /** Asks the exchange to close the client connection after its response (the proxy is shutting down). */
    void closeClientAfterResponse() {
        closeClient = true;
    }

    @Override
    public String toString() {
        return request.method() + " " + request.uri() + " → " + colour.label() + "#" + generation + " " + backend;
    }
}
