package dev.bluegreen.proxy.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a connection to a backend: Netty's request encoder and response decoder, paired as
 * {@code HttpClientCodec} pairs them (a response to HEAD has no body, whatever its headers say: RFC 9110 §9.3.2), with
 * one thing more: the names of the header fields backends send on nearly every response ({@code Server},
 * {@code Date}, {@code Content-Type}, {@code Content-Length}, {@code Connection}, ...) are shared constants rather
 * than new objects per response ({@link SharedHeaderNames}), as {@link Http1ServerCodec} does for requests. A name is
 * shared only when its bytes are exactly the constant's, so the backend's spelling is what travels on. A plain
 * response whose body came whole with its head (most responses to most requests) is read at once by
 * {@link PlainHeads} and given whole, as one {@code FullHttpResponse}; Netty's decoder reads every other input as it
 * would alone, and gives a head and then body pieces. Whoever reads this codec's messages takes both shapes.
 *
 * <pre>
 * upstream channel:  [SslHandler →] Http1UpstreamCodec → Http1Upstream
 * </pre>
 *
 * <p>CONNECT never reaches a backend (the rules refuse it), so unlike {@code HttpClientCodec} this codec has no
 * tunnel mode of its own; an upgraded connection removes it.
 */
public final class Http1UpstreamCodec
        extends CombinedChannelDuplexHandler<Http1UpstreamCodec.ResponseDecoder, Http1UpstreamCodec.RequestEncoder> {

    /** {@code "100"} to {@code "599"}: the status code of every response, shared rather than made per response. */
    private static final String[] STATUS_CODES = statusCodes();
    private static final String HTTP_1_1 = HttpVersion.HTTP_1_1.text();
    /**
     * Room a response read the short way has beyond its own fields: the proxy adds {@code Via}, and a
     * {@code Connection} for a client whose connection closes or is HTTP/1.0. One: the backend's own
     * {@code Connection} (most backends send one) goes before the proxy adds its fields, so both fit; without it, a
     * response that closes the client's connection grows its map once.
     */
    private static final int ROOM_FOR_PROXY_FIELDS = 1;
    /** The longest body read the short way that is copied rather than sliced ({@code ResponseDecoder#body}). */
    private static final int COPY_BODY_THRESHOLD = 128;

    /** The methods of the requests sent whose responses have not come yet, oldest first. */
    private final ArrayDeque<HttpMethod> awaiting = new ArrayDeque<>(2);

    /** A codec decoding with {@code config}. */
    public Http1UpstreamCodec(HttpDecoderConfig config) {
        init(new ResponseDecoder(config), new RequestEncoder());
    }

    /**
     * Whether the decoder holds bytes it has made no message of. Between responses, with none awaited, these are
     * bytes the backend sent beyond its last response (a body on a response to HEAD, on a 204 or 304, or past its
     * {@code Content-Length}) and the start of no response: kept, they would be read as the first bytes of the next
     * request's response on this connection, so a connection holding them can't be reused. (Empty lines between
     * responses are consumed as they come, so they are never held.)
     */
    public boolean holdsUndecodedBytes() {
        return inboundHandler().holdsBytes();
    }

    private static String[] statusCodes() {
        String[] codes = new String[600];
        for (int code = 100; code < codes.length; code++) {
            codes[code] = Integer.toString(code);
        }
        return codes;
    }

    /** Netty's request encoder, remembering each request's method for the decoder. */
    final class RequestEncoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request) {
                awaiting.offer(request.method());
            }
            super.encode(ctx, msg, out);
        }

        @Override
        protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
            HeaderLines.write(headers, buf);
        }
    }

    /**
     * Netty's response decoder, with the shared names and the HEAD pairing. The status line's words are shared too
     * when they are the usual ones ({@code HTTP/1.1}, a three-digit code, the code's standard reason), so that Netty
     * finds its own constants for them: a status line then costs no new object.
     */
    final class ResponseDecoder extends HttpResponseDecoder {

        /**
         * The status code of the status line being split, for its reason: Netty splits the words in order, and the
         * short way sets it before it asks for the reason.
         */
        private int code;
        /** Reads the plain heads of responses whose bodies have come whole with them; Netty reads the others. */
        private final PlainHeads plain = new PlainHeads(this::splitHeaderName);
        private final int maxInitialLineLength;
        private final int maxHeaderSize;
        private final int maxChunkSize;
        /** Whether Netty's decoder holds nothing of a message, as in {@link Http1ServerCodec}'s decoder. */
        private boolean betweenMessages = true;
        /** Set for good once a 101 came: Netty may have stopped reading HTTP/1.1, and so does this decoder. */
        private boolean switchedProtocols;

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
            maxInitialLineLength = config.getMaxInitialLineLength();
            maxHeaderSize = config.getMaxHeaderSize();
            maxChunkSize = config.getMaxChunkSize();
        }

        /** Whether bytes are held undecoded (the decoder's cumulation, readable). */
        boolean holdsBytes() {
            return internalBuffer().isReadable();
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (betweenMessages && !switchedProtocols && decodePlain(ctx, buffer, out)) {
                return;
            }
            int first = out.size();
            super.decode(ctx, buffer, out);
            betweenMessages = PlainHeads.endsMessage(out, first);
            for (int i = first; i < out.size(); i++) {
                if (out.get(i) instanceof HttpResponse response
                        && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    switchedProtocols = true;
                }
            }
        }

        /**
         * Reads a response at the buffer's reader index whose head is plain ({@link PlainHeads}), HTTP/1.1 or 1.0
         * with a three-digit final status and a reason, framed by a {@code Content-Length} whose body has come whole
         * (at most one slice of {@link Http1Codecs#MAX_CHUNK_SIZE}) or having no body (204, 304, the answer to a
         * HEAD); gives it whole, as one {@link FullHttpResponse} (where Netty gives the head, then the body as the
         * last piece), and says so. Says no, having read and given nothing, for any other input.
         *
         * <p>Whole, because a response read whole then goes to the client in one write: Netty's encoder puts a small
         * body in its head's buffer, so the write is one buffer, not two; and it is one object less per response.
         */
        private boolean decodePlain(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) {
            int headLength = plain.copyHead(buffer);
            if (headLength < 0) {
                return false;
            }
            byte[] bytes = plain.bytes();
            int lineEnd = plain.lineEnd(0, headLength);
            // "HTTP/1.1 200 OK": the version, a space, three digits, a space, a reason of at least one character.
            HttpVersion version = lineEnd < 14 || lineEnd > maxInitialLineLength || bytes[8] != ' ' || bytes[12] != ' '
                    ? null : plain.version(0, 8);
            int status = version == null ? -1 : PlainHeads.digit(bytes[9]) * 100 + PlainHeads.digit(bytes[10]) * 10
                    + PlainHeads.digit(bytes[11]);
            if (status < 200 || status > 599 || !plain.isReason(13, lineEnd)) {
                // No version we read, a status that is not three digits, an interim response, no plain reason.
                return false;
            }
            HttpHeaders headers;
            HttpResponseStatus responseStatus;
            long contentLength;
            try {
                headers = plain.fields(lineEnd, headLength, headersFactory, ROOM_FOR_PROXY_FIELDS, maxHeaderSize);
                if (headers == null) {
                    return false;
                }
                contentLength = PlainHeads.contentLength(headers);
                code = status;
                String reason = splitThirdWordInitialLine(bytes, 13, lineEnd - 13);
                responseStatus = HttpResponseStatus.valueOf(status, reason);
            } catch (IllegalArgumentException refused) {
                // A field that a map of another kind than the array maps refuses (those take the fields PlainHeads
                // has passed without checking them again): Netty reads the response again and refuses it its way.
                return false;
            }
            boolean noBody = status == 204 || status == 304 || HttpMethod.HEAD.equals(awaiting.peek());
            int bodyLength = noBody || contentLength == 0 ? 0 : (int) Math.min(contentLength, Integer.MAX_VALUE);
            if (contentLength < -1 || contentLength == -1 && !noBody
                    // A body longer than one slice, or not all here yet: Netty gives it in pieces as it comes.
                    || bodyLength > maxChunkSize || buffer.readableBytes() - headLength < bodyLength) {
                return false;
            }
            awaiting.poll();
            buffer.skipBytes(headLength);
            // A body framed by its length has no trailers: the read-only empty map that EMPTY_LAST_CONTENT has too,
            // rather than a new one (Netty's way makes one, which no handler of ours writes to).
            ByteBuf body = bodyLength == 0 ? Unpooled.EMPTY_BUFFER : body(ctx, buffer, bodyLength);
            out.add(new DefaultFullHttpResponse(version, responseStatus, body, headers, EmptyHttpHeaders.INSTANCE));
            return true;
        }

        /**
         * The next {@code length} bytes of {@code buffer}: a small body copied into a buffer of its own, a larger one
         * a slice of the received bytes. A slice of the adaptive allocator's buffers is a new object each time (its
         * buffers are pooled, their slices are not), and it holds the whole received buffer until the client has taken
         * the body; copying a few bytes costs less than either. The bound is the one under which Netty's encoder copies
         * a body into its head's buffer.
         */
        private static ByteBuf body(ChannelHandlerContext ctx, ByteBuf buffer, int length) {
            if (length > COPY_BODY_THRESHOLD) {
                return buffer.readRetainedSlice(length);
            }
            ByteBuf body = ctx.alloc().buffer(length, length);
            body.writeBytes(buffer, length);
            return body;
        }

        // Each word is the `length` bytes at `start` (Netty's parameters are start and length, not start and end).

        @Override
        protected String splitFirstWordInitialLine(byte[] bytes, int start, int length) {
            return PlainHeads.sameAscii(bytes, start, length, HTTP_1_1) ? HTTP_1_1
                    : super.splitFirstWordInitialLine(bytes, start, length);
        }

        /**
         * The status code: three digits, 100 or more (RFC 9112 §4, {@code status-code = 3DIGIT}; RFC 9110 §15 gives
         * no meaning to a first digit of 0). Netty would take any integer, and a code such as {@code 99} or
         * {@code 1000} would then be relayed as a status line no client can read, or taken for an interim
         * response: refusing it here makes it what other garbage from a backend is, a malformed response (502).
         *
         * @throws IllegalArgumentException if the word is not such a code; Netty's decoder turns it into a failed
         *                                  {@code decoderResult()}
         */
        @Override
        protected String splitSecondWordInitialLine(byte[] bytes, int start, int length) {
            code = -1;
            int value = length == 3 ? 0 : -1;
            for (int i = start; i < start + length && value >= 0; i++) {
                int digit = bytes[i] - '0';
                value = digit >= 0 && digit <= 9 ? value * 10 + digit : -1;
            }
            if (value < 100) {
                throw new IllegalArgumentException("status code: '"
                        + new String(bytes, start, Math.min(length, 16), StandardCharsets.ISO_8859_1)
                        + "' (expected: three digits, 100-999)");
            }
            if (value < STATUS_CODES.length) {
                code = value;
                return STATUS_CODES[value];
            }
            return super.splitSecondWordInitialLine(bytes, start, length);
        }

        @Override
        protected String splitThirdWordInitialLine(byte[] bytes, int start, int length) {
            if (code > 0) {
                String reason = HttpResponseStatus.valueOf(code).reasonPhrase();
                if (PlainHeads.sameAscii(bytes, start, length, reason)) {
                    return reason;
                }
            }
            return super.splitThirdWordInitialLine(bytes, start, length);
        }

        @Override
        protected AsciiString splitHeaderName(byte[] bytes, int start, int length) {
            AsciiString shared = SharedHeaderNames.sharedName(bytes, start, length);
            return shared != null ? shared : super.splitHeaderName(bytes, start, length);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // An interim response answers no request of its own: the final one still comes.
                return super.isContentAlwaysEmpty(msg);
            }
            HttpMethod method = awaiting.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
