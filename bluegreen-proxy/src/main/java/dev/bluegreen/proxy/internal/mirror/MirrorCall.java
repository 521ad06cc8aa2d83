package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.MirrorReport;
import dev.bluegreen.proxy.MirrorSettings;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.upstream.AcquireCallback;
import dev.bluegreen.proxy.internal.upstream.Upstream;
import dev.bluegreen.proxy.internal.upstream.UpstreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirrored request and the pair of answers it makes: the live one, fed by the {@link MirrorHandler} as it goes to
 * the client, and the idle colour's, read from a connection of the loop's mirror pools. Its phases:
 *
 * <pre>
 * PICKED  the head is on its way to the client side; the body is copied as it streams (up to the cap)
 * ROUTED  the client side routed it to the live colour: the head is copied, as rewritten for the upstream hop
 * SENT    the request is complete and went to a backend of the idle colour (counted as mirrored)
 * ENDED   compared, dropped or not mirrored after all (routed elsewhere); its body and connection let go
 * </pre>
 *
 * Nothing here writes to the client or holds the live response back: the live side is only looked at. Everything
 * runs on the client's event loop, which is also the mirror connection's; no locks.
 */
final class MirrorCall implements UpstreamListener, AcquireCallback {

    private static final Logger log = LoggerFactory.getLogger(MirrorCall.class);
    private static final int MAX_TARGET_SHOWN = 200;

    private enum Phase { PICKED, ROUTED, SENT, ENDED }

    private final MirrorServices services;
    private final MirrorLoop loop;
    private final ByteBufAllocator alloc;
    private final RoutingSnapshot snapshot;
    private final Colour target;
    private final long startNanos = System.nanoTime();
    /** The two answers; made once the request is known to be mirrored (not for one dropped at once). */
    private ObservedResponse live;
    private ObservedResponse shadow;

    private Phase phase = Phase.PICKED;
    private boolean admitted;
    /** Why it was dropped while still PICKED: counted once it is known to be routed to the live colour. */
    private DropReason earlyDrop;
    private ByteBuf body;
    private boolean requestComplete;
    /** The live head, until it is copied (at once when the request is complete, else when it is sent). */
    private HttpRequest liveHead;
    private HttpRequest copy;
    private boolean announcedBody;
    private boolean replayable;
    private String method;
    private String requestTarget;
    private MirrorStatistics.RouteCounts route;

    private Backend backend;
    private InetSocketAddress address;
    private Upstream upstream;
    private boolean reused;
    private boolean replayed;
    private boolean responseStarted;
    private boolean skipInterimEnd;
    private boolean shadowKeepAlive;
    private boolean shadowEnded;
    /**
     * Why the idle colour failed the request it took (closed before answering whole, answered with something that is
     * not HTTP), while the live answer is still coming: whether that is a disagreement depends on the live answer.
     */
    private DropReason idleFailure;
    private boolean liveEnded;
    private boolean liveByProxy;

    /**
     * @param snapshot the routing snapshot when the request was picked
     * @param target   the colour it is mirrored to: the idle colour of {@code snapshot}
     */
    MirrorCall(MirrorServices services, MirrorLoop loop, ByteBufAllocator alloc, RoutingSnapshot snapshot,
               Colour target) {
        this.services = services;
        this.loop = loop;
        this.alloc = alloc;
        this.snapshot = snapshot;
        this.target = target;
    }

    /** Takes a place among the loop's mirrors in flight, if there is one left. */
    void admit() {
        admitted = loop.admit(this);
    }

    // ---- the live request ----------------------------------------------------------------------------------

    /** A piece of the live request's body (or its end), before it goes on; read, not kept. */
    void requestContent(HttpContent content) {
        if (phase == Phase.ENDED || earlyDrop != null) {
            return;
        }
        if (content.decoderResult().isFailure()) {
            drop(DropReason.LIVE_FAILED);
            return;
        }
        ByteBuf bytes = content.content();
        int readable = bytes.readableBytes();
        if (readable > 0 && admitted) {
            int held = body == null ? 0 : body.readableBytes();
            int cap = services.settings().maxBodySize();
            if (held + readable > cap) {
                drop(DropReason.BODY_TOO_LARGE);
                return;
            }
            if (body == null) {
                body = alloc.buffer(readable, cap);
            }
            body.writeBytes(bytes, bytes.readerIndex(), readable);
            loop.buffered(readable);
        }
        if (content instanceof LastHttpContent) {
            requestComplete = true;
            if (phase == Phase.ROUTED) {
                send();
            }
        }
    }

    /**
     * The client side took the head: mirrored only if it routed it to the live colour, and then copied as the client
     * side rewrote it for the upstream hop.
     *
     * @param routedColour the colour its exchange is pinned to, or {@code null} if none is under way for it
     */
    void routed(HttpRequest head, Colour routedColour) {
        if (phase != Phase.PICKED) {
            return;
        }
        if (routedColour == null || routedColour != snapshot.live()) {
            // Preview, shift, sticky sessions or the proxy's own answer: not a live request, not mirrored.
            end();
            return;
        }
        method = head.method().name();
        requestTarget = head.uri();
        route = services.statistics().route(method, requestTarget);
        if (!admitted || earlyDrop != null) {
            count(admitted ? earlyDrop : DropReason.OVER_BOUND);
            end();
            return;
        }
        announcedBody = MessageHeads.hasBody(head);
        // Sent again on a new connection only if sending it twice can't matter: a safe method (RFC 9110 §9.2.1).
        replayable = MirrorSettings.SAFE_METHODS.contains(method);
        live = services.comparator().newSide();
        shadow = services.comparator().newSide();
        phase = Phase.ROUTED;
        liveHead = head;
        if (requestComplete) {
            send();
        } else {
            // The body is still coming: copy the head now, as the client side rewrote it, before it goes on.
            copyHead();
        }
    }

    private void copyHead() {
        copy = services.requests().copyOf(liveHead);
        liveHead = null;
    }

    private void send() {
        phase = Phase.SENT;
        services.statistics().mirrored(route);
        MirrorTargets targets = services.targets();
        if (targets.target(targets.snapshot()) != target) {
            // The live colour changed since the request was picked: its colour is live now, or was just drained.
            drop(DropReason.SWITCHED);
            return;
        }
        Environment pool = snapshot.environment(target);
        backend = targets.pick(pool, loop.nextRoundRobin(), loop.recentlyDown(pool.backends(), System.nanoTime()));
        if (backend == null) {
            // Before the head is copied: a dead idle colour costs a live request next to nothing.
            drop(DropReason.IDLE_DOWN);
            return;
        }
        if (copy == null) {
            copyHead();
        }
        address = targets.address(backend);
        if (address != null) {
            loop.pools().acquire(target, backend, address, this);
            return;
        }
        targets.resolve(backend).whenComplete((resolved, error) -> loop.eventLoop().execute(() -> {
            if (phase != Phase.ENDED) {
                if (error != null) {
                    failed(error);
                } else {
                    address = resolved;
                    loop.pools().acquire(target, backend, address, this);
                }
            }
        }));
    }

    // ---- the idle colour's side ----------------------------------------------------------------------------

    @Override
    public void acquired(Upstream connection) {
        if (phase == Phase.ENDED) {
            // Dropped while connecting; the connection is clean and serves the next mirror.
            connection.release(true);
            return;
        }
        upstream = connection;
        reused = connection.reused();
        connection.attach(this);
        MirrorRequests.frame(copy, body == null ? 0 : body.readableBytes(), announcedBody, backend);
        connection.write(copy);
        // A duplicate goes out, so the body is still here should the request have to be sent again.
        connection.writeAndFlush(body == null ? LastHttpContent.EMPTY_LAST_CONTENT
                : new DefaultLastHttpContent(body.retainedDuplicate()));
        connection.read();
    }

    @Override
    public void failed(Throwable cause) {
        if (phase != Phase.ENDED) {
            log.debug("mirror of {} {}: connect to {} of the {} pool failed: {}", method, requestTarget, backend,
                    target.label(), cause.toString());
            loop.connectFailed(backend, System.nanoTime());
            drop(DropReason.IDLE_DOWN);
        }
    }

    @Override
    public void onUpstreamMessage(HttpObject message) {
        try {
            if (phase == Phase.ENDED || shadowEnded || idleFailure != null) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                idleFailed(DropReason.IDLE_DOWN);
                return;
            }
            if (message instanceof HttpResponse response) {
                responseStarted = true;
                if (response.status().code() < 200) {
                    // An interim answer (RFC 9110 §15.2); the codec's empty end after it is not the response's.
                    skipInterimEnd = true;
                } else {
                    shadow.head(response);
                    shadowKeepAlive = HttpUtil.isKeepAlive(response);
                }
            }
            if (message instanceof HttpContent content) {
                boolean last = content instanceof LastHttpContent;
                if (skipInterimEnd) {
                    skipInterimEnd = !last;
                } else {
                    shadow.content(content.content());
                    if (last) {
                        onShadowEnded();
                    }
                }
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void onShadowEnded() {
        shadowEnded = true;
        shadow.end();
        Upstream connection = upstream;
        upstream = null;
        // A whole answer to a whole request: the connection is in step and may serve the next mirror.
        connection.release(shadowKeepAlive);
        compareIfBothEnded();
    }

    @Override
    public void onUpstreamReadComplete() {
        // The answer is only digested, never relayed: read on as fast as it comes.
        if (phase != Phase.ENDED && !shadowEnded && upstream != null) {
            upstream.read();
        }
    }

    @Override
    public void onUpstreamWritable() {
        // The request goes out whole at once; nothing waits for writability.
    }

    @Override
    public void onUpstreamClosed() {
        upstream = null;
        if (phase == Phase.ENDED || shadowEnded || idleFailure != null) {
            return;
        }
        if (reused && !replayed && !responseStarted && replayable) {
            // A pooled connection the backend had closed before the mirror reached it (RFC 9112 §9.3.1).
            replayed = true;
            loop.pools().connectNew(target, backend, address, this);
            return;
        }
        idleFailed(DropReason.IDLE_DOWN);
    }

    /**
     * The idle colour took the request and failed it. Once the live colour has answered the same request whole, that
     * is a disagreement and counts against the idle colour's agreement: a version that crashes on some requests must
     * not pass for one that agrees because only its good answers were compared. If the live answer fails too, there
     * is nothing to tell the versions apart by ({@code live-failed}).
     */
    private void idleFailed(DropReason reason) {
        idleFailure = reason;
        Upstream connection = upstream;
        upstream = null;
        if (connection != null) {
            connection.release(false);
        }
        if (liveEnded) {
            disagree(reason);
        }
    }

    private void disagree(DropReason reason) {
        log.debug("mirror of {} {} to {} failed by the idle colour: {}", method, requestTarget, target.label(),
                reason.label());
        services.statistics().idleFailed(route, reason, target, snapshot.environment(snapshot.live()),
                snapshot.environment(target), services.targets().snapshot());
        end();
    }

    @Override
    public void onUpstreamFailure(Throwable cause) {
        // The connection is closing: onUpstreamClosed decides.
        log.debug("mirror connection to {} of the {} pool failed", backend, target.label(), cause);
    }

    // ---- the live answer -----------------------------------------------------------------------------------

    /** The live response head on its way to the client; {@code byProxy} when the proxy answered itself. */
    void liveHead(HttpResponse response, boolean byProxy) {
        if (phase != Phase.ENDED && live != null) {
            liveByProxy |= byProxy;
            live.head(response);
        }
    }

    /** A piece of the live response body on its way to the client; read, not kept. */
    void liveContent(ByteBuf bytes) {
        if (phase != Phase.ENDED && live != null) {
            live.content(bytes);
        }
    }

    /**
     * The live response ended whole; the request's body may still be coming (the backend answered early), and the
     * pair is compared once the mirror, sent when the request is whole, has its answer too.
     */
    void liveEnded() {
        if (phase == Phase.ENDED || live == null) {
            // Still PICKED: the proxy answered at once, so the call is not mirrored (see routed).
            liveAbandoned();
            return;
        }
        live.end();
        liveEnded = true;
        if (liveByProxy) {
            // The live colour did not answer (502, 503, 504 from the proxy): nothing to compare the versions by.
            drop(DropReason.LIVE_FAILED);
        } else if (idleFailure != null) {
            disagree(idleFailure);
        } else {
            compareIfBothEnded();
        }
    }

    /** The live response, or the request's body, will not end whole: cut short, or the client went away. */
    void liveAbandoned() {
        drop(DropReason.LIVE_FAILED);
    }

    private void compareIfBothEnded() {
        if (phase != Phase.SENT || !liveEnded || !shadowEnded) {
            return;
        }
        List<String> differences = services.comparator().differences(live, shadow);
        services.statistics().compared(route, target, snapshot.environment(snapshot.live()),
                snapshot.environment(target), services.targets().snapshot(),
                differences.isEmpty() ? null : () -> sample(differences));
        end();
    }

    private MirrorReport.Sample sample(List<String> differences) {
        String shown = requestTarget.length() <= MAX_TARGET_SHOWN ? requestTarget
                : requestTarget.substring(0, MAX_TARGET_SHOWN) + "…";
        return new MirrorReport.Sample(services.clock().instant(), method, shown, route.route(), target, differences,
                live.side(), shadow.side());
    }

    // ---- the end ---------------------------------------------------------------------------------------------

    /** Drops the call, whatever it was doing (the live colour changed). */
    void abort(DropReason reason) {
        drop(reason);
    }

    /**
     * Drops the timed-out: the idle colour had not answered within the timeout (a disagreement if it had the request
     * and the live colour answered in time), or the live side had not.
     */
    void checkTimeout(long nowNanos) {
        if (phase == Phase.ENDED || nowNanos - startNanos < services.settings().timeout().toNanos()) {
            return;
        }
        if (phase != Phase.SENT || shadowEnded || idleFailure != null) {
            drop(DropReason.LIVE_SLOW);
        } else if (liveEnded && upstream != null) {
            disagree(DropReason.IDLE_SLOW);
        } else {
            drop(DropReason.IDLE_SLOW);
        }
    }

    private void drop(DropReason reason) {
        switch (phase) {
            case ENDED -> {
            }
            case PICKED -> {
                if (earlyDrop == null) {
                    earlyDrop = reason;
                }
                releaseBody();
            }
            default -> {
                count(reason);
                end();
            }
        }
    }

    private void count(DropReason reason) {
        log.debug("mirror of {} {} to {} dropped: {}", method, requestTarget, target.label(), reason.label());
        services.statistics().dropped(route, reason);
    }

    private void end() {
        if (phase == Phase.ENDED) {
            return;
        }
        phase = Phase.ENDED;
        liveHead = null;
        releaseBody();
        Upstream connection = upstream;
        upstream = null;
        if (connection != null) {
            // Cut in the middle of the request or its answer: out of step, so closed.
            connection.release(false);
        }
        if (admitted) {
            loop.remove(this);
        }
    }

    private void releaseBody() {
        if (body != null) {
            loop.buffered(-body.readableBytes());
            body.release();
            body = null;
        }
    }

    @Override
    public String toString() {
        return "mirror of " + method + " " + requestTarget + " → " + target.label() + " (" + phase + ")";
    }
}
