package dev.bluegreen.proxy.internal.http2;

import dev.bluegreen.proxy.internal.codec.ArrayHttpHeaders;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the frames of one HTTP/2 stream's request into the HTTP/1.1 messages the rest of the proxy reads: a head, body
 * pieces, an end (with the trailers, if any). The frame codec has already refused upper-case and connection-specific
 * field names and bad pseudo-header fields; what is left to refuse here makes the request malformed too, and its
 * stream is reset with {@code PROTOCOL_ERROR} (RFC 9113 §8.1.1) before anything is decoded:
 * <ul>
 *   <li>a missing {@code :method}, {@code :scheme} or {@code :path} (or, for CONNECT, {@code :authority}), §8.3.1;</li>
 *   <li>a field value with NUL, CR or LF, or with white space at either end, §8.2.1;</li>
 *   <li>a {@code host} field that differs from {@code :authority}, §8.3.1.</li>
 * </ul>
 * {@code :authority} becomes {@code Host}; several {@code cookie} fields become one (§8.2.3); a body without a
 * {@code content-length} is announced as chunked, the framing the upstream hop will give it.
 *
 * <pre>
 * stream channel:  Http2RequestDecoder → Http2ClientStreamCodec (responses) → Http2StreamRequests → ...
 * </pre>
 */
public final class Http2RequestDecoder extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2RequestDecoder.class);

    private final Supplier<ProxyRecorder> recorder;
    private boolean headSeen;
    private boolean reset;

    /** @param recorder where a refused request is recorded */
    public Http2RequestDecoder(Supplier<ProxyRecorder> recorder) {
        this.recorder = recorder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (reset) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof Http2HeadersFrame frame) {
            onHeaders(ctx, frame);
        } else if (msg instanceof Http2DataFrame data) {
            // The content goes on, retained; the frame (which owns it too) is released.
            ctx.fireChannelRead(data.isEndStream() ? new DefaultLastHttpContent(data.content().retain())
                    : new DefaultHttpContent(data.content().retain()));
            data.release();
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        Http2Headers fields = frame.headers();
        if (headSeen) {
            // Trailers (RFC 9113 §8.1): they end the stream.
            HttpHeaders trailers = new DefaultHttpHeaders(false);
            String wrong = copyFields(fields, trailers, null);
            if (wrong != null) {
                malformed(ctx, wrong);
                return;
            }
            LastHttpContent end = new DefaultLastHttpContent();
            end.trailingHeaders().set(trailers);
            ctx.fireChannelRead(end);
            return;
        }
        headSeen = true;
        String missing = missingPseudoHeader(fields);
        if (missing != null) {
            malformed(ctx, "no " + missing);
            return;
        }
        HttpHeaders headers = ArrayHttpHeaders.unchecked();
        CharSequence authority = fields.authority();
        if (authority != null) {
            headers.add(HttpHeaderNames.HOST, authority);
        }
        String wrong = copyFields(fields, headers, authority);
        if (wrong != null) {
            malformed(ctx, wrong);
            return;
        }
        HttpRequest request;
        try {
            HttpMethod method = HttpMethod.valueOf(fields.method().toString());
            String target = HttpMethod.CONNECT.equals(method) ? authority.toString() : fields.path().toString();
            // Netty refuses a method that is no token and a target with white space or control characters.
            request = frame.isEndStream() ? new HeadEndingStream(method, target, headers)
                    : new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target, headers);
        } catch (IllegalArgumentException invalid) {
            malformed(ctx, invalid.getMessage());
            return;
        }
        if (!frame.isEndStream() && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        ctx.fireChannelRead(request);
        if (frame.isEndStream()) {
            ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /**
     * Copies the regular fields of {@code fields} to {@code headers}, cookies joined into one field.
     *
     * @param authority the request's {@code :authority}, which a {@code host} field must equal; {@code null} for none
     * @return why the fields make the message malformed, or {@code null}
     */
    private static String copyFields(Http2Headers fields, HttpHeaders headers, CharSequence authority) {
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> field : fields) {
            CharSequence name = field.getKey();
            CharSequence value = field.getValue();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            if (!isValidValue(value)) {
                return "an invalid value in field '" + name + "'";
            }
            if (AsciiString.contentEqualsIgnoreCase(HttpHeaderNames.HOST, name)) {
                if (authority != null && !AsciiString.contentEqualsIgnoreCase(authority, value)) {
                    return "a host field other than :authority";
                }
                if (authority == null) {
                    headers.add(HttpHeaderNames.HOST, value);
                }
            } else if (AsciiString.contentEqualsIgnoreCase(HttpHeaderNames.COOKIE, name)) {
                cookies = cookies == null ? new StringBuilder() : cookies.append("; ");
                cookies.append(value);
            } else {
                headers.add(name, value);
            }
        }
        if (cookies != null) {
            headers.add(HttpHeaderNames.COOKIE, cookies.toString());
        }
        return null;
    }

    /** RFC 9113 §8.2.1: no NUL, CR or LF, and no white space at either end. */
    private static boolean isValidValue(CharSequence value) {
        int length = value.length();
        if (length > 0 && (isWhiteSpace(value.charAt(0)) || isWhiteSpace(value.charAt(length - 1)))) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhiteSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** The first pseudo-header field a request must have and {@code headers} lacks, or {@code null}. */
    private static String missingPseudoHeader(Http2Headers headers) {
        if (headers.method() == null) {
            return ":method";
        }
        if (HttpMethod.CONNECT.asciiName().contentEqualsIgnoreCase(headers.method())) {
            return headers.authority() == null ? ":authority" : null;
        }
        if (headers.scheme() == null) {
            return ":scheme";
        }
        return headers.path() == null ? ":path" : null;
    }

    private void malformed(ChannelHandlerContext ctx, String why) {
        reset = true;
        log.debug("{}: malformed request: {}", ctx.channel(), why);
        recorder.get().requestRejected(HttpResponseStatus.BAD_REQUEST.code());
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Whether {@code request} came in a HEADERS frame that ended its stream: no body follows, only its end. */
    static boolean endsStream(HttpRequest request) {
        return request instanceof HeadEndingStream;
    }

    /**
     * A request whose HEADERS frame ended the stream, so that the handlers after this one know there is no body
     * before its (empty) end comes: the end is passed on only once the head has gone all the way through, and the
     * exchange the head starts already asks for the body.
     */
    private static final class HeadEndingStream extends DefaultHttpRequest {
        HeadEndingStream(HttpMethod method, String target, HttpHeaders headers) {
            super(HttpVersion.HTTP_1_1, method, target, headers);
        }
    }
}
