package dev.bluegreen.proxy.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.CharsetUtil;

/**
 * Encodes a 1xx interim response (RFC 9110 §15.2) to bytes. Interim responses are written past the client's
 * {@code Http1ServerCodec}, as bytes: its encoder pairs every final response head with one request (to know which
 * answer a HEAD), and an interim head must leave that pairing to the final response.
 */
public final class InterimResponses {

    private InterimResponses() {
    }

    /** The interim response's status line and headers, hop-by-hop headers already stripped, as HTTP/1.1 bytes. */
    public static ByteBuf encode(ByteBufAllocator alloc, HttpResponse interim) {
        ByteBuf out = alloc.buffer(64);
        out.writeCharSequence("HTTP/1.1 ", CharsetUtil.US_ASCII);
        out.writeCharSequence(interim.status().codeAsText(), CharsetUtil.US_ASCII);
        out.writeByte(' ');
        out.writeCharSequence(interim.status().reasonPhrase(), CharsetUtil.US_ASCII);
        out.writeByte('\r').writeByte('\n');
        // Header names and values were validated by the upstream decoder: no CR, LF or NUL can reach here.
        HeaderLines.write(interim.headers(), out);
        out.writeByte('\r').writeByte('\n');
        return out;
    }
}
