package dev.bluegreen.proxy.internal.exchange;

import static dev.bluegreen.proxy.internal.exchange.ExchangeState.AWAITING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.CONNECTING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.DISCARDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.ENDED;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.RESPONDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.SENDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.TUNNEL;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.internal.health.PassiveHealth;
import dev.bluegreen.proxy.internal.metrics.FailureLog.Kind;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.RequestHead;
import dev.bluegreen.proxy.internal.request.TrailerFields;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.upstream.Upstream;
import dev.bluegreen.proxy.internal.upstream.UpstreamListener;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response: the unit that routing, draining and failure handling count, as a state machine
 * ({@link ExchangeState}; every change of state goes through {@link #moveTo}).
 *
 * <p>The exchange is pinned at birth to the colour (and generation) its request was routed to, and to the backend
 * that accepted its connection; a switch never moves it (DESIGN.md, invariant 1). It relays the request upstream and
 * the response back, one message at a time, reading from one side only as fast as the other side takes writes
 * (invariant 4). All of its methods run on the client's event loop, which is also the upstream connection's: no locks.
 *
 * <p>Failures, before the response has started: connect failures try another backend of the same pool (bounded),
 * then 502; a request that is safe to replay (idempotent, no body) whose reused connection turns out to be closed is
 * replayed once on a new connection, and one whose connection fails before any response byte is retried once on
 * another backend (within the loop's {@link RetryBudget}); no response in time is 504. After the response has
 * started, any failure closes the client connection, so the client never mistakes a cut response for a whole one.
 *
 * <p>A client side keeps the exchange that served its last request, if that one {@linkplain #endedClean() ended
 * clean}, and {@linkplain #start starts} it again for the next: the exchange, its connector, head and tally are
 * some 260 bytes that a keep-alive connection would otherwise make anew for every request. Only a clean end allows
 * that: then nothing the exchange started (an address resolution, a connection acquisition, an upstream connection)
 * can still call it back.
 */
public final class Exchange extends ActiveExchanges.Node implements UpstreamListener, UpstreamConnector.Listener {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final ClientSide client;
    private final LoopContext loop;
    /** The request under way's head, read anew by each {@link #start}. */
    private final RequestHead head = new RequestHead();
    private final UpstreamConnector connector;
    private final ExchangeTally tally = new ExchangeTally();
    private final Progress progress = new Progress();

    // Everything below belongs to the request under way: start() sets or clears every field (clear()), as it sets
    // the routing generation the node holds.

    private ExchangeState state = CONNECTING;
    private Upstream upstream;
    /** The client has sent the whole request (its end was read). */
    private boolean requestComplete;
    /** Made when the first 1xx comes: most exchanges have none. */
    private InterimRelay interims;
    private boolean upstreamKeepAlive;
    private boolean closeClient;
    private boolean waitingForUpstreamWritable;
    private ChannelFuture responseEnd;
    private Tunnel tunnel;
    /** It ended the clean way: see {@link #endedClean()}. */
    private boolean endedClean;

    /** An exchange for the requests of {@code client}, one at a time; {@link #start} starts each. */
    Exchange(ClientSide client, LoopContext loop) {
        this.client = client;
        this.loop = loop;
        this.connector = new UpstreamConnector(loop, this, head);
    }

    @Override
    Colour colour() {
        return connector.colour();
    }

    ExchangeServices services() {
        return loop.services();
    }

    /**
     * Starts serving {@code request}, which passed the rules, as it came in on {@code protocol}: picks a backend of
     * the pool the router sent it to and connects.
     *
     * @param route       where the router sent it
     * @param environment the pool of the route's colour, and {@code generation} the routing generation, as the
     *                    snapshot the request read has them
     * @throws IllegalStateException if the exchange served a request before and did not end clean
     */
    void start(HttpRequest request, ClientProtocol protocol, Route route, Environment environment, long generation) {
        if (head.message() != null && !endedClean) {
            throw new IllegalStateException(this + ": only an exchange that ended clean serves another request");
        }
        clear();
        head.read(request, protocol);
        connector.reset(route, environment, generation, request, client.address());
        this.generation = generation;
        tally.begin(System.nanoTime(), client.address(), head);
        head.connectionNamed(MessageHeads.prepareUpstreamRequest(request, client.address(), head.upgrade(),
                head.chunked(), services().config().requestRules()));
        loop.exchangeStarted(this);
        connector.start(tally.startNanos());
    }

    /** Forgets the last request: every field about the request under way as a new exchange has it. */
    private void clear() {
        state = CONNECTING;
        upstream = null;
        requestComplete = false;
        interims = null;
        upstreamKeepAlive = false;
        closeClient = false;
        waitingForUpstreamWritable = false;
        responseEnd = null;
        tunnel = null;
        progress.clear();
        endedClean = false;
    }

    /**
     * Whether the exchange ended the clean way: a whole response to a whole request, its upstream connection back in
     * the pool. Then nothing it started can call it back any more, and it may {@link #start} again for its client's
     * next request.
     */
    boolean endedClean() {
        return endedClean;
    }

    ExchangeState state() {
        return state;
    }

    Progress progress() {
        return progress;
    }

    /** The request under way's head: its header fields as they go to the backend, what its Connection named. */
    RequestHead head() {
        return head;
    }

    private void moveTo(ExchangeState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException(this + ": " + state + " → " + next + " (not a transition of an exchange)");
        }
        state = next;
    }

    // ---- connecting (the UpstreamConnector's outcomes) ------------------------------------------------------

    @Override
    public boolean wantsConnection() {
        return state == CONNECTING;
    }

    @Override
    public void connected(Upstream connection) {
        upstream = connection;
        connection.attach(this);
        sendRequestHead();
    }

    @Override
    public void unreachable(HttpResponseStatus status, String message) {
        failBeforeResponse(status, message);
    }

    @Override
    public void colourMoved(Colour from, Colour to) {
        // The loop's lists and the counts are per colour.
        loop.exchangeEnded(this, from);
        loop.exchangeStarted(this);
    }

    private void sendRequestHead() {
        HttpRequest request = head.message();
        if (!request.headers().contains(HttpHeaderNames.HOST)) {
            request.headers().set(HttpHeaderNames.HOST, connector.backend().authority());
        }
        progress.upstreamActive();
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
            client.read();
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
                client.read();
            }
            return;
        }
        progress.upstreamActive();
        tally.requestBody(content.content().readableBytes());
        upstream.writeAndFlush(content);
        if (last) {
            requestComplete = true;
            if (state == SENDING) {
                moveTo(AWAITING);
            }
        } else if (upstream.isWritable()) {
            client.read();
        } else {
            waitingForUpstreamWritable = true;
        }
    }

    @Override
    public void onUpstreamWritable() {
        if (waitingForUpstreamWritable) {
            waitingForUpstreamWritable = false;
            client.read();
        }
    }

    // ---- response, upstream → client -------------------------------------------------------------------------

    @Override
    public void onUpstreamMessage(HttpObject message) {
        progress.upstreamActive();
        if (message.decoderResult().isFailure()) {
            ReferenceCountUtil.release(message);
            if (sendAgain(false, false)) {
                // A reused connection answering garbage was left out of step by an earlier response (stray bytes
                // after a bodiless one): RFC 9112 §9.3.1 lets a proxy retry an idempotent request on a new one.
                return;
            }
            services().failures().warn(Kind.BAD_RESPONSE, "502: bad response from {} of the {} pool: {}",
                    connector.backend(), colour().label(), message.decoderResult().cause().toString());
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
            services().failures().warn(Kind.BAD_RESPONSE, "502: {} of the {} pool switched protocols unasked",
                    connector.backend(), colour().label());
            failUpstream(HttpResponseStatus.BAD_GATEWAY, "the backend switched protocols unasked");
            return;
        }
        if (code < 200) {
            if (interims == null) {
                interims = new InterimRelay(client, head);
            }
            interims.relay(response);
            return;
        }
        if (connector.health() != null) {
            PassiveHealth.responded(services().health(), connector.health(), code);
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        closeClient = loop.responseHeads().prepare(response, head, connector, client.epoch(),
                closeClient || client.isDraining()
                || !requestComplete && InterimRelay.leftWaitingForContinue(interims, head));
        tally.status(code, false);
        moveTo(RESPONDING);
        if (response instanceof LastHttpContent whole) {
            // Read whole with its head (the upstream codec's short way): it goes out as one write.
            endResponse(whole);
            return;
        }
        client.write(response);
    }

    /** The backend accepted the upgrade: its 101 goes to the client and both connections become a tunnel. */
    private void startTunnel(HttpResponse response) {
        tally.status(HttpResponseStatus.SWITCHING_PROTOCOLS.code(), false);
        closeClient = true;
        moveTo(TUNNEL);
        tunnel = Tunnel.open(loop.responseHeads().switching(response, connector), client, upstream, tally,
                this::tunnelClosed);
    }

    /** What the exchange became when its backend accepted an upgrade, else {@code null}: it takes the raw bytes. */
    Tunnel tunnel() {
        return tunnel;
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

    /** The drain deadline, or a stop's: close as gracefully as the protocol allows ({@link Cutoffs#atDeadline}). */
    @Override
    void closeAtDeadline(boolean stopping) {
        Cutoffs.atDeadline(this, stopping);
    }

    private void onResponseContent(HttpContent content) {
        if (interims != null && interims.dropped(content)) {
            return;
        }
        if (state != RESPONDING) {
            content.release();
            return;
        }
        if (content instanceof LastHttpContent last) {
            endResponse(last);
            return;
        }
        tally.responseBody(content.content().readableBytes());
        client.write(content);
    }

    /** Writes {@code last}, the response's end (or all of it); then ends, or drops what is left of the request. */
    private void endResponse(LastHttpContent last) {
        tally.responseBody(last.content().readableBytes());
        // The client side strips the trailers it is given, knowing nothing of the response head's Connection.
        TrailerFields.stripIfNamed(last.trailingHeaders(), head.responseConnectionNamed(), this);
        // A real future only when something must follow the write (closing the connection).
        responseEnd = client.writeLast(last, closeClient || !requestComplete);
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
        if (InterimRelay.leftWaitingForContinue(interims, head)) {
            end(); // closeClient was set with the response head, which said Connection: close (onResponseHead)
            return;
        }
        moveTo(DISCARDING);
        if (waitingForUpstreamWritable) {
            waitingForUpstreamWritable = false;
            client.read();
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        if (state == ENDED) {
            return;
        }
        client.flush();
        if (!state.waitsForBackend()) {
            return;
        }
        if (client.isWritable()) {
            upstream.read();
        } else {
            progress.clientStalled();
        }
    }

    /** The client side can take writes again: read more of the response. */
    void onClientWritable() {
        if (progress.clientResumed() && upstream != null) {
            upstream.read();
        }
    }

    // ---- failures --------------------------------------------------------------------------------------------

    @Override
    public void onUpstreamClosed() {
        Upstream closed = upstream;
        upstream = null;
        String how = closed == null ? "closed the connection" : closed.endedAs();
        switch (state) {
            case ENDED, DISCARDING, TUNNEL -> { } // nothing more was wanted of it (a tunnel's connection tells it)
            case RESPONDING -> {
                services().failures().warn(Kind.CLOSED_MID_RESPONSE, "{} of the {} pool {} in the middle of a "
                        + "response; cutting the client's", connector.backend(), colour().label(), how);
                client.upstreamReset(closed == null ? -1 : closed.resetCode());
                abort();
            }
            default -> {
                if (sendAgain(true, closed != null && closed.refused())) {
                    // A pooled connection the backend had closed before our request reached it, or a backend gone.
                    return;
                }
                HttpResponseStatus status = closed == null ? HttpResponseStatus.BAD_GATEWAY : closed.answerStatus();
                services().failures().warn(Kind.CLOSED_BEFORE_RESPONSE, "{}: {} of the {} pool {} before "
                        + "responding to {}", status.code(), connector.backend(), colour().label(), how, head);
                failBeforeResponse(status, "the backend " + how + " before responding");
            }
        }
    }

    /**
     * Sends the request again, if it is safe to (RFC 9110 §9.2.2: idempotent, no body; nothing of the response
     * relayed) and its connector has a way to ({@link UpstreamConnector#mayConnectAgain}: a new connection to the same
     * backend, or, when {@code elsewhere}, another backend; {@code refused}: the backend declined it unprocessed).
     *
     * @return whether the request is on its way again
     */
    private boolean sendAgain(boolean elsewhere, boolean refused) {
        if (!head.replayable() || InterimRelay.continueRelayed(interims) || !(state == SENDING || state == AWAITING)
                || !connector.mayConnectAgain(elsewhere, refused)) {
            return false;
        }
        log.debug("sending {} again to {}", head, connector.backend());
        releaseUpstream(false);
        moveTo(CONNECTING);
        connector.connectAgain();
        return true;
    }

    @Override
    public void onUpstreamFailure(Throwable cause) {
        // The connection is closing: onUpstreamClosed decides what it means for the exchange.
        log.debug("upstream failure on {} for {}", connector.backend(), head, cause);
    }

    /** The client side closed under this exchange: drop the upstream side, it can't be reused. */
    void onClientClosed() {
        tally.clientGone(state == AWAITING && requestComplete);
        if (state == TUNNEL) {
            tunnel.close();
        } else if (state != ENDED) {
            finish(false);
        }
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
        tally.clientGone(false);
        closeClient = true;
        failUpstream(status, message);
    }

    /** Fails the exchange with {@code status} if the response has not started, else cuts it. */
    void failUpstream(HttpResponseStatus status, String message) {
        if (state == RESPONDING || state == DISCARDING || state == TUNNEL) {
            abort();
        } else {
            failBeforeResponse(status, message);
        }
    }

    /** Answers the client with the proxy's own error: nothing of the backend's response was sent. */
    private void failBeforeResponse(HttpResponseStatus status, String message) {
        if (state == ENDED) {
            return;
        }
        releaseUpstream(false);
        // Unread request body can't be skipped reliably without reading it: close instead.
        closeClient |= !head.keepAlive() || client.isDraining() || (head.hasBody() && !requestComplete);
        tally.status(status.code(), true);
        responseEnd = client.answer(status, message, closeClient,
                loop.responseHeads().ownAnswer(connector.route(), generation));
        end();
    }

    /** A failure after the response started: the client must not see a clean end, so its connection closes. */
    void abort() {
        if (state == ENDED) {
            return;
        }
        closeClient = true;
        responseEnd = null;
        tally.cutShort();
        releaseUpstream(false);
        end();
    }

    /** Called by the loop's periodic sweep: see {@link Cutoffs#sweep}. */
    @Override
    void checkResponseTimeout(long nowNanos) {
        Cutoffs.sweep(this, nowNanos);
    }

    /** The client took none of the response for the send timeout: cut, not behind what is queued for it. */
    void cutForStalledClient() {
        tally.clientGone(false);
        abort();
        client.abandon();
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
        finish(clean);
        endedClean = clean;
        client.exchangeEnded(responseEnd, closeClient);
    }

    /** Ends the exchange: its upstream connection released (kept when {@code reusable}), counted and recorded. */
    private void finish(boolean reusable) {
        moveTo(ENDED);
        releaseUpstream(reusable);
        connector.release();
        loop.exchangeEnded(this, colour());
        tally.record(services(), colour(), responseEnd != null || tunnel != null, connector.backend());
    }

    /** Asks the exchange to close the client connection after its response (the proxy is shutting down). */
    void closeClientAfterResponse() {
        closeClient = true;
    }

    @Override
    public String toString() {
        return head + " → " + colour().label() + "#" + generation + " " + connector.backend();
    }
}
