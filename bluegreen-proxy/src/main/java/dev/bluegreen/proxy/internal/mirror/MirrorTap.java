package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.Supplier;

/**
 * Shadow traffic's view of one client side: it is told of each request's head and body on their way to the client
 * side and of the live response on its way out, and hands a {@link MirrorCall} what it needs: the head once the client
 * side has routed and rewritten it, a copy of the body, and what the live answer was. It never writes, delays or fails
 * anything itself. An HTTP/1.1 connection has one in its {@link MirrorHandler}; an HTTP/2 stream calls its own.
 *
 * <p>The one thing it changes: a client's own marker header ({@link dev.bluegreen.proxy.MirrorSettings#markerHeader})
 * is removed from every request head, so that only the proxy's copies carry it.
 *
 * <p>The call is picked before the head goes on ({@link #headArriving}), so that body pieces handed on within that
 * same call (the client side asks for the next read at once) are not missed; the head is copied after it went on
 * ({@link #headPassed}), as rewritten.
 */
public final class MirrorTap {

    private final MirrorPicker picker;
    private final Supplier<Colour> routedColour;
    /** The header that marks mirrors, or {@code null} when they carry none. */
    private final String marker;
    /** The call whose live side this client side is carrying, until the live response ends. */
    private MirrorCall call;
    /**
     * The call whose request body is still coming, until its last piece: past the end of the live response when the
     * backend answered before the body ended (a 401 to an upload), since the mirror goes out once the request is whole.
     */
    private MirrorCall receiving;
    /** The call picked for the head on its way to the client side, until {@link #headPassed}. */
    private MirrorCall picked;

    MirrorTap(MirrorPicker picker, Supplier<Colour> routedColour, String marker) {
        this.picker = picker;
        this.routedColour = routedColour;
        this.marker = marker;
    }

    /**
     * A request head is about to go to the client side.
     *
     * @param eventLoop the client side's event loop
     */
    public void headArriving(HttpRequest request, EventExecutor eventLoop, ByteBufAllocator alloc) {
        abandonLive();
        if (marker != null) {
            // The application trusts the marker to tell a mirror from real traffic (and skips side effects for it):
            // a client's own would pass a real request, live or preview, off as a mirror.
            request.headers().remove(marker);
        }
        picked = picker.pick(eventLoop, alloc, request);
        call = picked;
        receiving = picked;
    }

    /** The head went to the client side, which routed and rewrote it (and may be done with it already). */
    public void headPassed(HttpRequest request) {
        MirrorCall picked = this.picked;
        this.picked = null;
        if (picked != null) {
            // Still this client side's call: it is on its exchange (not done with it already).
            picked.routed(request, call == picked ? routedColour.get() : null);
        }
    }

    /** A piece of the request's body is about to go to the client side. */
    public void requestContent(HttpObject msg) {
        MirrorCall current = receiving;
        if (current != null && msg instanceof HttpContent content) {
            if (content instanceof LastHttpContent) {
                receiving = null;
            }
            current.requestContent(content);
        }
    }

    /** The client side writes a message of the response. */
    public void writing(Object msg) {
        MirrorCall current = call;
        if (current == null) {
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.status().code() < 200) {
                // An interim response (HTTP/2 writes it as a whole message): not the answer.
                return;
            }
            current.liveHead(response, ErrorResponses.isProxyAnswer(response));
        }
        if (msg instanceof HttpContent content) {
            current.liveContent(content.content());
            if (content instanceof LastHttpContent) {
                call = null;
                current.liveEnded();
            }
        }
    }

    /**
     * The live response of the current call will not end whole, nor the request whose body is still coming: the
     * client side is gone.
     */
    public void abandonLive() {
        MirrorCall current = call;
        MirrorCall incomplete = receiving;
        call = null;
        receiving = null;
        if (current != null) {
            current.liveAbandoned();
        }
        if (incomplete != null && incomplete != current) {
            incomplete.liveAbandoned();
        }
    }
}
