package dev.bluegreen.proxy.internal.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Makes the requests of an HTTP/2 stream look like those of an HTTP/1.1 connection to the handlers after it:
 *
 * <pre>
 * stream channel:  Http2StreamFrameToHttpObjectCodec → Http2StreamRequests
 *                      → OneMessagePerRead → ClientConnectionHandler
 * </pre>
 *
 * <ul>
 *   <li>A request without a body (HEADERS with END_STREAM) is decoded as one {@link FullHttpRequest}; it is handed
 *       on as a head and an end, as the HTTP/1.1 codec would, so the exchange sees the request end.</li>
 *   <li>The codec records the stream id, {@code :scheme} and the like as {@code x-http2-*} headers; they describe
 *       the client's connection, not the request, and are removed before anything can forward them.</li>
 * </ul>
 */
public final class Http2StreamRequests extends ChannelInboundHandlerAdapter {

    private static final ExtensionHeaderNames[] EXTENSION_HEADERS = ExtensionHeaderNames.values();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest full) {
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                    full.headers());
            head.setDecoderResult(full.decoderResult());
            removeExtensionHeaders(head.headers());
            // The body (empty) and trailers move to the end; the full request gives up its buffer with them.
            ctx.fireChannelRead(head);
            ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
        } else {
            if (msg instanceof HttpRequest request) {
                removeExtensionHeaders(request.headers());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static void removeExtensionHeaders(HttpHeaders headers) {
        for (ExtensionHeaderNames name : EXTENSION_HEADERS) {
            headers.remove(name.text());
        }
    }
}
