package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.Supplier;

/**
 * Watches one client side's requests and responses for shadow traffic: it sees each request's head and body on their
 * way in and the live response on its way out, and hands a {@link MirrorCall} what it needs: the head once the client
 * side has routed and rewritten it, a copy of the body, and what the live answer was. It forwards every message as it
 * came, at once, and never writes, delays or fails anything itself.
 *
 * <pre>
 * HTTP/1.1 connection:  ... → RequestValidator → OneMessagePerRead → mirror: MirrorHandler → proxy: Http1ClientConnection
 * HTTP/2 stream:        ... → Http2StreamRequests → OneMessagePerRead → mirror: MirrorHandler → proxy: Http2StreamHandler
 * </pre>
 *
 * <p>The call is picked before the head goes on, so that body pieces handed on within that same call (the client side
 * asks for the next read at once) are not missed; the head is copied after it went on, as rewritten.
 */
final class MirrorHandler extends ChannelDuplexHandler {

    private final MirrorPicker picker;
    private final Supplier<Colour> routedColour;
    /** The call whose live side this pipeline is carrying, until the live response ends. */
    private MirrorCall call;

    MirrorHandler(MirrorPicker picker, Supplier<Colour> routedColour) {
        this.picker = picker;
        this.routedColour = routedColour;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            abandonLive();
            MirrorCall picked = picker.pick(ctx, request);
            call = picked;
            ctx.fireChannelRead(request);
            if (picked != null) {
                // Still this pipeline's call: the client side is on its exchange (not done with it already).
                picked.routed(request, call == picked ? routedColour.get() : null);
            }
            return;
        }
        MirrorCall current = call;
        if (current != null && msg instanceof HttpContent content) {
            current.requestContent(content);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        MirrorCall current = call;
        if (current != null) {
            watch(current, msg);
        }
        ctx.write(msg, promise);
    }

    private void watch(MirrorCall current, Object msg) {
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abandonLive();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        abandonLive();
    }

    /** The live response of the current call will not end whole. */
    private void abandonLive() {
        MirrorCall current = call;
        if (current != null) {
            call = null;
            current.liveAbandoned();
        }
    }
}
