package dev.bluegreen.proxy.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a client connection: Netty's request decoder and response encoder, paired as Netty's
 * {@code HttpServerCodec} pairs them, with one thing more: the names of the header fields clients send on nearly every
 * request ({@code User-Agent}, {@code Accept-Encoding}, {@code Cookie}, ...) are shared constants
 * ({@link SharedHeaderNames}) rather than new objects per request. Netty's codec cannot do that: its decoder is
 * private, and Netty's request decoder shares only five names. And a plain request without a body, whole in the bytes
 * received (most requests), is read at once by {@link PlainHeads} rather than line by line by Netty's decoder, which
 * reads every other input as it would alone.
 *
 * <p>The pairing, exactly as Netty 4.2's {@code HttpServerCodec} does it:
 * <ul>
 *   <li>each decoded request's method is queued, and each final response takes the oldest: the response to a HEAD
 *       has no body, whatever its headers say (RFC 9110 §9.3.2), and a 2xx to a CONNECT loses its
 *       {@code Transfer-Encoding}; interim (1xx) responses take none;</li>
 *   <li>at most {@value #MAX_PIPELINE_DEPTH} requests may wait for their responses: the next one goes on with a
 *       failed {@code decoderResult()} ({@link PipelineDepthExceededException}), so that it is refused in its turn,
 *       once the requests before it have been answered, and the connection closes after that refusal; its body and
 *       everything the client sends after it are dropped unread;</li>
 *   <li>a request with both {@code Transfer-Encoding: chunked} and {@code Content-Length} (when the decoder's
 *       settings let it through) closes the connection after its response.</li>
 * </ul>
 *
 * <p>A request that asks to upgrade (RFC 9110 §7.8) is the last one decoded until its fate is known: what the client
 * sends behind it may already be the new protocol's (an optimistic client, or one whose first bytes shared a write
 * with the handshake), so it is held undecoded. If the backend switches, the bytes are taken for the tunnel
 * ({@link #takeBytesAfterUpgrade()}) before the codec leaves; if not, the connection stays HTTP/1.1 and they are
 * decoded as the requests that follow ({@link #readOnAfterUpgrade()}).
 *
 * <pre>
 * client channel:  [SslHandler →] ReadActivity → Http1ServerCodec → RequestValidator → ...
 * </pre>
 */
public final class Http1ServerCodec
        extends CombinedChannelDuplexHandler<Http1ServerCodec.RequestDecoder, Http1ServerCodec.ResponseEncoder>
        implements HttpServerUpgradeHandler.SourceCodec {

    /** Requests that may wait for their responses, as in Netty's {@code HttpServerCodec}. */
    static final int MAX_PIPELINE_DEPTH = 128;
    /** The longest request target a connection keeps to share with its next request. */
    private static final int MAX_SHARED_TARGET_LENGTH = 256;
    /**
     * Room a request read the short way has beyond its own fields: the proxy sets {@code Forwarded},
     * {@code X-Forwarded-For}, {@code -Proto} and {@code -Host} and adds {@code Via} before sending it on.
     */
    private static final int ROOM_FOR_PROXY_FIELDS = 5;

    /** The methods of the requests decoded whose final responses have not been written yet, oldest first. */
    private final ArrayDeque<HttpMethod> awaiting = new ArrayDeque<>(2);
    /** When set, the connection is closed once the next response has been written whole. */
    private boolean mustCloseAfterResponse;
    private ChannelHandlerContext ctx;

    /** A codec decoding with {@code config}. */
    public Http1ServerCodec(HttpDecoderConfig config) {
        init(new RequestDecoder(config), new ResponseEncoder());
    }

    /** An upgrade (to a tunnel, say) removes the codec: bytes from then on. */
    @Override
    public void upgradeFrom(ChannelHandlerContext ctx) {
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    /**
     * The bytes the client sent after a request that asked to upgrade, held undecoded since (see the class comment),
     * or {@code null} if none: once the backend has switched protocols, the first bytes of the new one. Taken, they
     * are no longer the codec's, which then has nothing to pass on when it leaves the pipeline.
     */
    public ByteBuf takeBytesAfterUpgrade() {
        RequestDecoder decoder = inboundHandler();
        ByteBuf held = decoder.heldForUpgrade ? decoder.held() : null;
        decoder.heldForUpgrade = false;
        return held == null || !held.isReadable() ? null : held.readRetainedSlice(held.readableBytes());
    }

    /**
     * The request that asked to upgrade has ended without a switch of protocols: the connection stays HTTP/1.1
     * (RFC 9110 §7.8), and the bytes held since are decoded now, as a read of them would be. Runs on the channel's
     * event loop; does nothing if no request asked to upgrade.
     */
    public void readOnAfterUpgrade() {
        RequestDecoder decoder = inboundHandler();
        if (!decoder.heldForUpgrade) {
            return;
        }
        decoder.heldForUpgrade = false;
        try {
            // An empty read: the decoder adds nothing to the bytes it holds and decodes them.
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            channelReadComplete(ctx);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /** Netty's request decoder, queueing each request's method for the encoder and sharing the usual names. */
    final class RequestDecoder extends HttpRequestDecoder {

        /** Set once the pipeline depth was exceeded: what the client sends after that is dropped unread. */
        private boolean discard;
        /**
         * The last request target of this connection, if it is short: a client asking for the same one again (a
         * poller, an API client, a load generator) is given the same {@code String} rather than a new one.
         */
        private final RepeatedText lastTarget = new RepeatedText(MAX_SHARED_TARGET_LENGTH);

        /** Reads the plain heads of requests without bodies, which is most requests; Netty reads the others. */
        private final PlainHeads plain = new PlainHeads(this::splitHeaderName);
        private final int maxInitialLineLength;
        private final int maxHeaderSize;
        /**
         * Whether Netty's decoder is between messages, holding nothing of one: only then may a head be read here.
         * Netty holds a message from the first bytes it reads of it to the last piece of its body it gives.
         */
        private boolean betweenMessages = true;

        /** Finds obs-fold in the bytes of the head Netty's decoder is reading, which it would join silently. */
        private final ObsFoldScanner obsFold = new ObsFoldScanner();
        /** Finds a protocol name that is not upper-case HTTP, which Netty's decoder would upper-case silently. */
        private final ProtocolNameCheck protocolName = new ProtocolNameCheck();
        /** Netty's decoder has begun a request head and not given the request yet: what it reads is that head. */
        private boolean inHead;
        /** The request under way asks to upgrade: once it ends, what follows is held. */
        private boolean upgradeUnderWay;
        /** A request that asked to upgrade has ended: what the client sent after it is held undecoded. */
        private boolean heldForUpgrade;

        RequestDecoder(HttpDecoderConfig config) {
            super(config);
            maxInitialLineLength = config.getMaxInitialLineLength();
            maxHeaderSize = config.getMaxHeaderSize();
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (discard) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            if (heldForUpgrade) {
                return;
            }
            int first = out.size();
            if (!betweenMessages || !decodePlain(buffer, out)) {
                if (betweenMessages) {
                    obsFold.startOfHead();
                    protocolName.startOfHead();
                    inHead = true;
                }
                int start = buffer.readerIndex();
                super.decode(ctx, buffer, out);
                if (inHead) {
                    // Netty consumes whole lines only: the bytes it read since the last call, scanned once each.
                    obsFold.scan(buffer, start, buffer.readerIndex());
                    protocolName.scan(buffer, start, buffer.readerIndex());
                    refuseMalformedHead(out, first);
                }
                betweenMessages = PlainHeads.endsMessage(out, first);
            }
            for (int i = first; i < out.size(); i++) {
                Object message = out.get(i);
                if (message instanceof HttpRequest request) {
                    awaiting.add(request.method());
                    if (awaiting.size() > MAX_PIPELINE_DEPTH) {
                        refuseBeyondDepth(buffer, out, i);
                        return;
                    }
                    upgradeUnderWay = asksToUpgrade(request);
                } else if (upgradeUnderWay && message instanceof LastHttpContent) {
                    upgradeUnderWay = false;
                    heldForUpgrade = true;
                }
            }
        }

        /** What the decoder holds undecoded (the bytes it has been given and not read yet). */
        ByteBuf held() {
            return internalBuffer();
        }

        /**
         * Whether {@code request} asks to upgrade: an {@code Upgrade} field and the {@code upgrade} option in
         * {@code Connection} (RFC 9110 §7.8). Whether the upgrade is passed on is the exchange's to decide; a request
         * that asks is enough to hold what follows until then.
         */
        private static boolean asksToUpgrade(HttpRequest request) {
            HttpHeaders headers = request.headers();
            return headers.contains(HttpHeaderNames.UPGRADE)
                    && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        }

        /**
         * Refuses the request Netty gave in {@code out} from {@code first}, if any, when its head had a folded line
         * or a protocol name other than upper-case {@code HTTP}: RFC 9112 §5.2 lets a server refuse obs-fold with 400
         * or join it, and the proxy refuses it, wherever the head came (alone in a read, or behind another request or
         * a body); §2.3 makes the protocol name case-sensitive. The short way reads neither.
         */
        private void refuseMalformedHead(List<Object> out, int first) {
            for (int i = first; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    inHead = false;
                    if (!request.decoderResult().isSuccess()) {
                        return;
                    }
                    if (obsFold.found()) {
                        request.setDecoderResult(DecoderResult.failure(
                                new IllegalArgumentException("folded header line")));
                    } else if (protocolName.refused()) {
                        request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(
                                "invalid version format: the protocol name is not HTTP in upper case")));
                    }
                    return;
                }
            }
        }

        /**
         * Reads a request at the buffer's reader index whose head is plain ({@link PlainHeads}), with a method Netty
         * knows, a target of visible ASCII, HTTP/1.1 or 1.0, and no body (no {@code Content-Length} but 0, no
         * {@code Transfer-Encoding}); gives it as Netty would (the request, then an empty last piece) and says so.
         * Says no, having read and given nothing, for any other input.
         */
        private boolean decodePlain(ByteBuf buffer, List<Object> out) {
            int headLength = plain.copyHead(buffer);
            if (headLength < 0) {
                return false;
            }
            int lineEnd = plain.lineEnd(0, headLength);
            HttpMethod method = lineEnd < 0 || lineEnd > maxInitialLineLength ? null : plain.knownMethod(lineEnd);
            if (method == null) {
                return false;
            }
            byte[] bytes = plain.bytes();
            int targetStart = method.name().length() + 1;
            int targetEnd = targetStart;
            while (PlainHeads.isVisible(bytes[targetEnd])) {
                targetEnd++;
            }
            HttpVersion version = targetEnd == targetStart || bytes[targetEnd] != ' ' ? null
                    : plain.version(targetEnd + 1, lineEnd);
            if (version == null) {
                return false;
            }
            try {
                HttpHeaders headers = plain.fields(lineEnd, headLength, headersFactory, ROOM_FOR_PROXY_FIELDS,
                        maxHeaderSize);
                if (headers == null) {
                    return false;
                }
                long contentLength = PlainHeads.contentLength(headers);
                // An old WebSocket handshake (hixie-76) has a body of 8 bytes and no length: Netty knows.
                if (contentLength != -1 && contentLength != 0 || headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY1)) {
                    return false;
                }
                String target = splitSecondWordInitialLine(bytes, targetStart, targetEnd - targetStart);
                out.add(new DefaultHttpRequest(version, method, target, headers));
            } catch (IllegalArgumentException refused) {
                // The target, or a field that a map of another kind than the array maps refuses, refused by the
                // checks: Netty reads the request again and refuses it its way.
                return false;
            }
            buffer.skipBytes(headLength);
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            return true;
        }

        /**
         * Gives the request at {@code index} on with a failed {@code decoderResult()}, to be answered in its turn,
         * after the responses of the requests before it; drops its body and everything the client sent after it. Its
         * method stays queued for the encoder: the refusal is its response.
         */
        private void refuseBeyondDepth(ByteBuf buffer, List<Object> out, int index) {
            discard = true;
            buffer.skipBytes(buffer.readableBytes());
            HttpRequest refused = (HttpRequest) out.get(index);
            refused.setDecoderResult(DecoderResult.failure(new PipelineDepthExceededException(MAX_PIPELINE_DEPTH)));
            for (int i = index + 1; i < out.size(); i++) {
                ReferenceCountUtil.release(out.get(i));
            }
            out.subList(index + 1, out.size()).clear();
        }

        @Override
        protected String splitSecondWordInitialLine(byte[] bytes, int start, int length) {
            // The same string as Netty's (ISO-8859-1 of the bytes), shared with the last request's when it is the same.
            return lastTarget.of(bytes, start, start + length);
        }

        @Override
        protected AsciiString splitHeaderName(byte[] bytes, int start, int length) {
            AsciiString shared = SharedHeaderNames.sharedName(bytes, start, length);
            return shared != null ? shared : super.splitHeaderName(bytes, start, length);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            super.handleTransferEncodingChunkedWithContentLength(message);
            mustCloseAfterResponse = true;
        }
    }

    /** Netty's response encoder, taking each final response's request method from the decoder's queue. */
    final class ResponseEncoder extends HttpResponseEncoder {

        /** The method of the request the response being encoded answers. */
        private HttpMethod method;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (mustCloseAfterResponse && msg instanceof LastHttpContent) {
                mustCloseAfterResponse = false;
                promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // An interim response answers no request of its own: the final one still comes.
                return super.isContentAlwaysEmpty(response);
            }
            method = awaiting.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(response);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse response, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method)
                    && response.status().codeClass() == HttpStatusClass.SUCCESS) {
                // RFC 9110 §9.3.6: a 2xx to CONNECT starts a tunnel; it has no framing of its own.
                response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                return;
            }
            super.sanitizeHeadersBeforeEncode(response, isAlwaysEmpty);
        }

        @Override
        protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
            HeaderLines.write(headers, buf);
        }
    }
}
