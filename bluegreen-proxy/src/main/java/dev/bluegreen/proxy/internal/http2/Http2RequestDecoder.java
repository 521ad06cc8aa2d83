package dev.bluegreen.proxy.internal.http2;

import dev.bluegreen.proxy.internal.codec.ArrayHttpHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import java.util.Map;

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
 * One per stream, called by its {@link Http2ServerStream}.
 */
final class Http2RequestDecoder {

    /** Where one stream's decoded request goes. */
    interface Output {

        /** The next message of the request. */
        void message(HttpObject msg);

        /** The request is malformed: nothing more of it is decoded, and the stream is to be reset. */
        void malformed(String why);
    }

    private boolean headSeen;

    /** Decodes a HEADERS frame: the request's head, or its trailers (which end it). */
    void headers(Http2HeadersFrame frame, Output out) {
        Http2Headers fields = frame.headers();
        if (headSeen) {
            // Trailers (RFC 9113 §8.1): they end the stream. In a map that refuses nothing: a field that may not be a
            // trailer (Content-Length, Trailer) is dropped by TrailerFields on its way on, not refused here, which
            // Netty's own trailers map does by throwing (and the exception took the whole connection down).
            HttpHeaders trailers = ArrayHttpHeaders.unchecked();
            String wrong = copyFields(fields, trailers, null);
            if (wrong != null) {
                out.malformed(wrong);
                return;
            }
            out.message(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
            return;
        }
        headSeen = true;
        String missing = missingPseudoHeader(fields);
        if (missing != null) {
            out.malformed("no " + missing);
            return;
        }
        HttpHeaders headers = ArrayHttpHeaders.unchecked();
        CharSequence authority = fields.authority();
        if (authority != null) {
            headers.add(HttpHeaderNames.HOST, authority);
        }
        String wrong = copyFields(fields, headers, authority);
        if (wrong != null) {
            out.malformed(wrong);
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
            out.malformed(invalid.getMessage());
            return;
        }
        if (!frame.isEndStream() && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        out.message(request);
        if (frame.isEndStream()) {
            out.message(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /** A DATA frame's bytes as a piece of the body (its end, if the frame ends the stream); the frame is released. */
    static HttpContent content(Http2DataFrame data) {
        ByteBuf bytes = data.content().retain();
        HttpContent content = data.isEndStream() ? new DefaultLastHttpContent(bytes) : new DefaultHttpContent(bytes);
        data.release();
        return content;
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
